"""What a reader saw beyond the words: the indentation of code, preformatted text and verse
(kept as non-breaking spaces, tabs expanded), the caption of an audio or video player (kept
after its link), and a paragraph's text direction (rich text cannot keep ``dir``: reported)."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from tests.wordpress.converting import converter
from tests.wordpress.exports import Export, blocks
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin
from wagtail_newsfeed.wordpress.survey import Catalog

CLIP = "https://old.example.com/wp-content/uploads/2024/01/clip.mp3"
NB = "\xa0"


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message)), no database."""
    return converter(Catalog(hosts={"old.example.com"}))


CODE = '<!-- wp:code --><pre class="wp-block-code"><code>def f(x):\n    if x:  # yes\n\treturn 1</code></pre><!-- /wp:code -->'


def test_a_code_blocks_indentation_is_kept(blocks_of):
    raw, warnings = blocks_of(CODE)
    assert raw == [
        {
            "type": "paragraph",
            "value": f"<p>def f(x):<br/>{NB * 4}if x:{NB} # yes<br/>{NB * 8}return 1</p>",
        }
    ]
    assert warnings == []


def test_verse_and_classic_preformatted_text_keep_their_indentation(blocks_of):
    raw, _ = blocks_of(
        '<!-- wp:verse --><pre class="wp-block-verse">roses <em>are</em> red\n  violets</pre><!-- /wp:verse -->'
        "<!-- wp:freeform -->Intro\n\n<pre>line1\n\n    line3</pre><!-- /wp:freeform -->"
    )
    assert [block["value"] for block in raw] == [
        f"<p>roses are red<br/>{NB * 2}violets</p><p>Intro</p><p>line1<br/><br/>{NB * 4}line3</p>"
    ]


AUDIO = (
    '<!-- wp:audio {"id":9} --><figure class="wp-block-audio"><audio controls src="'
    + CLIP
    + '"></audio>'
    '<figcaption class="wp-element-caption">Interview with <a href="https://example.org/jane">Jane</a></figcaption></figure><!-- /wp:audio -->'
)


def test_an_audio_blocks_caption_is_kept_after_its_link(blocks_of):
    raw, warnings = blocks_of(AUDIO)
    assert raw == [
        {
            "type": "paragraph",
            "value": f'<p><a href="{CLIP}">{CLIP}</a></p>'
            '<p>Interview with <a href="https://example.org/jane">Jane</a></p>',
        }
    ]
    assert warnings == [("removed_markup", f"<audio> {CLIP!r}")]


def test_a_video_blocks_caption_is_kept_when_it_has_no_web_address(blocks_of):
    raw, _ = blocks_of(
        '<figure class="wp-block-video"><video src="movie.mp4"></video><figcaption>The launch</figcaption></figure>'
    )
    assert raw == [{"type": "paragraph", "value": "<p>The launch</p>"}]


RTL = '<!-- wp:paragraph --><p dir="rtl">مرحبا <strong>بالعالم</strong></p><!-- /wp:paragraph -->'


def test_a_paragraphs_text_direction_is_reported_once_per_value(blocks_of):
    raw, warnings = blocks_of(RTL + RTL + '<p dir="ltr">Hello</p>')
    assert raw[0]["value"].startswith("<p>مرحبا <strong>بالعالم</strong></p>")
    assert warnings == [
        (
            "removed_markup",
            'text direction dir="rtl" on 2 elements, from “مرحبا بالعالم”: '
            "rich text keeps no direction, the text follows the page's",
        ),
        (
            "removed_markup",
            'text direction dir="ltr" on 1 element, from “Hello”: '
            "rich text keeps no direction, the text follows the page's",
        ),
    ]


@pytest.mark.django_db
def test_an_imported_page_keeps_the_indentation_and_the_report_names_the_direction(run_import):
    output = run_import(Export().post(1, "Code", blocks(CODE, RTL)))
    assert 'text direction dir="rtl" on 1 element' in output
    page = NewsArticlePage.objects.get(pk=WordPressOrigin.objects.get(kind="post", wp_id=1).page_id)
    assert f"{NB * 8}return 1" in page.body.raw_data[0]["value"]
