"""Every block of the news block library renders semantic HTML through the article's StreamField."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.template import RequestContext, Template
from django.test import RequestFactory
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests import factories

pytestmark = pytest.mark.django_db

STREAM = Template(
    "{% load wagtailcore_tags %}{% for block in page.body %}{% include_block block %}{% endfor %}"
)


def render_body(index, blocks: list[dict]) -> str:
    """Publish an article with ``blocks`` and render its body as the article template does."""
    article = factories.make_article(index, body=blocks)
    request = RequestFactory().get(article.url)
    return STREAM.render(RequestContext(request, {"page": article}))


def test_paragraph_renders_rich_text_with_internal_links_resolved(news_index):
    target = factories.make_article(news_index, "Linked story")
    html = render_body(
        news_index,
        [
            {
                "type": "paragraph",
                "value": f'<p>Talks <b>resumed</b>, see <a linktype="page" id="{target.pk}">'
                "the earlier story</a>.</p>",
            }
        ],
    )
    assert "<b>resumed</b>" in html
    assert f'<a href="{target.url}">the earlier story</a>' in html


def test_heading_renders_the_chosen_level(news_index):
    html = render_body(
        news_index,
        [
            {"type": "heading", "value": {"text": "Allies first", "level": "h2"}},
            {"type": "heading", "value": {"text": "What next", "level": "h3"}},
        ],
    )
    assert '<h2 class="newsfeed-heading">Allies first</h2>' in html
    assert '<h3 class="newsfeed-heading">What next</h3>' in html


def test_image_renders_a_responsive_figure_with_caption_credit_and_alt_text(news_index):
    image = factories.make_image("Harbour at dusk", width=1600, height=900)
    html = render_body(
        news_index,
        [
            {
                "type": "image",
                "value": {
                    "image": image.pk,
                    "alt_text": "Boats moored in a harbour at dusk",
                    "caption": "The harbour before the talks.",
                    "credit": "Reuters/Jane Doe",
                },
            }
        ],
    )
    assert '<figure class="newsfeed-figure newsfeed-image">' in html
    assert 'alt="Boats moored in a harbour at dusk"' in html
    assert "480w" in html and "800w" in html and "1200w" in html
    assert 'sizes="(max-width: 760px) 100vw, 720px"' in html
    assert "The harbour before the talks." in html
    assert "Reuters/Jane Doe" in html
    assert "<figcaption>" in html


def test_image_alt_text_falls_back_to_the_image_title(news_index):
    image = factories.make_image("Harbour at dusk")
    html = render_body(
        news_index,
        [{"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": ""}}],
    )
    assert 'alt="Harbour at dusk"' in html
    assert "<figcaption>" not in html


def test_quote_renders_a_blockquote_with_cited_attribution(news_index):
    html = render_body(
        news_index,
        [
            {
                "type": "quote",
                "value": {"text": "Compete when we must.", "attribution": "Antony Blinken"},
            }
        ],
    )
    assert "<blockquote><p>Compete when we must.</p></blockquote>" in html
    assert "<cite>Antony Blinken</cite>" in html


def test_pull_quote_renders_a_blockquote(news_index):
    html = render_body(
        news_index,
        [{"type": "pull_quote", "value": {"text": "The format matters.", "attribution": ""}}],
    )
    assert '<figure class="newsfeed-pull-quote">' in html
    assert "<blockquote><p>The format matters.</p></blockquote>" in html
    assert "<cite>" not in html


def test_embed_renders_the_providers_html_in_a_figure(news_index):
    url = "https://www.youtube.com/watch?v=newsfeed-demo"
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url, None, None),
        type="video",
        html='<iframe src="https://www.youtube.com/embed/newsfeed-demo" title="Briefing"></iframe>',
    )
    html = render_body(
        news_index, [{"type": "embed", "value": {"embed": url, "caption": "The briefing."}}]
    )
    assert '<figure class="newsfeed-figure newsfeed-embed">' in html
    assert 'src="https://www.youtube.com/embed/newsfeed-demo"' in html
    assert "<figcaption>The briefing.</figcaption>" in html


def test_embed_without_a_provider_falls_back_to_a_link(news_index):
    url = "https://example.com/no-provider-for-this"
    html = render_body(news_index, [{"type": "embed", "value": {"embed": url, "caption": ""}}])
    assert f'<a href="{url}" rel="noopener">{url}</a>' in html


def test_key_points_render_a_titled_list(news_index):
    html = render_body(
        news_index,
        [
            {
                "type": "key_points",
                "value": {"title": "Key points", "points": ["First point", "Second point"]},
            }
        ],
    )
    assert '<h2 class="newsfeed-box-title">Key points</h2>' in html
    assert "<li>First point</li><li>Second point</li>" in html


def test_fact_box_renders_an_aside_with_rich_text(news_index):
    html = render_body(
        news_index,
        [
            {
                "type": "fact_box",
                "value": {"title": "In numbers", "body": "<ul><li>4.2 km of wall</li></ul>"},
            }
        ],
    )
    assert '<aside class="newsfeed-fact-box">' in html and "In numbers</h" in html
    assert "<li>4.2 km of wall</li>" in html


def test_table_renders_caption_and_header_cells(news_index):
    html = render_body(
        news_index,
        [
            {
                "type": "table",
                "value": {
                    "table_caption": "Rates by quarter",
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "data": [["Quarter", "Rate"], ["Q1", "5.25%"]],
                },
            }
        ],
    )
    assert '<div class="newsfeed-table"' in html
    assert "<caption>Rates by quarter</caption>" in html
    assert '<th scope="col"' in html and "Quarter" in html
    assert '<th scope="row"' in html and "5.25%" in html


def test_related_article_links_a_visible_article(news_index):
    related = factories.make_article(news_index, "Background story")
    html = render_body(
        news_index,
        [{"type": "related_article", "value": {"page": related.pk, "label": "Background"}}],
    )
    assert "Background</span>" in html
    assert f'<a href="{related.url}">Background story</a>' in html


def test_related_article_never_links_a_hidden_article(news_index):
    hidden = factories.make_article(news_index, "Not yet published", publish=False)
    html = render_body(
        news_index,
        [{"type": "related_article", "value": {"page": hidden.pk, "label": ""}}],
    )
    assert "Not yet published" not in html
    assert "newsfeed-related-article" not in html


def test_document_links_the_file_with_its_type(news_index):
    document = Document.objects.create(
        title="Joint statement", file=ContentFile(b"%PDF-1.4 demo", name="statement.pdf")
    )
    html = render_body(
        news_index, [{"type": "document", "value": {"document": document.pk, "title": ""}}]
    )
    assert f'<a href="{document.url}">Joint statement</a>' in html
    assert "(PDF" in html


#: Document titles as Wagtail stores them (as typed), and what readers see: without C0, C1 and
#: non-characters, or the file's name where nothing visible is left (None).
DOCUMENT_TITLES = {
    "Joint\x0bstatement\x01\ufffe\x9f": "Joint statement",
    "\ufffe\x01": None,
    "\u200b\u200d": None,
}


@pytest.mark.parametrize(("title", "shown"), DOCUMENT_TITLES.items())
def test_a_document_title_is_shown_without_control_characters(news_index, title, shown):
    document = Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 demo", name="statement.pdf")
    )
    html = render_body(
        news_index, [{"type": "document", "value": {"document": document.pk, "title": ""}}]
    )
    assert f'<a href="{document.url}">{shown or document.filename}</a>' in html


def test_source_credit_links_the_agency_in_brackets(news_index):
    source = factories.make_source("Reuters", url="https://www.reuters.com/")
    html = render_body(
        news_index,
        [{"type": "source_credit", "value": {"source": source.pk, "note": "Extra reporting"}}],
    )
    assert '(<a href="https://www.reuters.com/" rel="noopener">Reuters</a>)' in html
    assert "Extra reporting" in html


def test_timeline_renders_an_ordered_list_of_events(news_index):
    html = render_body(
        news_index,
        [
            {
                "type": "timeline",
                "value": {
                    "title": "How we got here",
                    "events": [
                        {"when": "June 2020", "title": "Talks in Hawaii", "description": ""},
                        {"when": "20 April 2021", "title": "Anchorage", "description": "Met."},
                    ],
                },
            }
        ],
    )
    assert "<ol>" in html
    assert html.index("June 2020") < html.index("20 April 2021")
    assert "<p>Met.</p>" in html
