"""Every block type's API shape, as an article body returns it over HTTP."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests import factories
from tests.checks import api_client_for, entries_url

VIDEO = "https://video.example/watch/1"


@pytest.fixture
def cached_embed(db):
    # A stored embed, so no finder goes to the network.
    return Embed.objects.create(
        url=VIDEO,
        hash=get_embed_hash(VIDEO),
        type="video",
        html='<iframe src="https://video.example/embed/1"></iframe>',
        title="A video",
    )


def test_each_block_value_shape(news_index, cached_embed):
    image = factories.make_image("Flood", width=1200, height=800)
    other = factories.make_article(news_index, "Earlier story")
    hidden = factories.make_article(news_index, "Unpublished", publish=False)
    source = factories.make_source("Reuters", slug="reuters", url="https://reuters.example")
    document = Document.objects.create(
        title="Report", file=ContentFile(b"%PDF-1.4", name="report.pdf")
    )
    table = {
        "data": [["Party", "Seats"], ["A", "10"], ["B", None]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "Results",
    }
    body = [
        {"type": "paragraph", "value": f'<p>See <a linktype="page" id="{other.pk}">it</a></p>'},
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Water"}},
        {"type": "quote", "value": {"text": "We will rebuild", "attribution": "Mayor"}},
        {"type": "pull_quote", "value": {"text": "Rebuild", "attribution": ""}},
        {"type": "embed", "value": {"embed": VIDEO, "caption": "Footage"}},
        {"type": "fact_box", "value": {"title": "Facts", "body": "<p><b>3</b> rivers</p>"}},
        {"type": "table", "value": table},
        {"type": "related_article", "value": {"page": other.pk, "label": "Background"}},
        {"type": "related_article", "value": {"page": hidden.pk, "label": ""}},
        {"type": "document", "value": {"document": document.pk, "title": ""}},
        {"type": "source_credit", "value": {"source": source.pk, "note": "Extra reporting"}},
        {
            "type": "timeline",
            "value": {
                "title": "How it happened",
                "events": [{"when": "09:00", "title": "Rain", "description": "Heavy"}],
            },
        },
    ]
    article = factories.make_article(news_index, body=body)

    response = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))
    assert response.status_code == 200
    blocks = response.json()["body"]
    values = [b["value"] for b in blocks]
    assert [b["type"] for b in blocks] == [b["type"] for b in body]

    assert f'<a href="{other.url}">it</a>' in values[0]
    img = values[1]
    assert img["alt"] == "Flood" and img["caption"] == "Water" and img["credit"] == ""
    assert img["image"]["id"] == image.pk
    assert img["image"]["renditions"]["medium"]["width"] == 800
    assert img["image"]["renditions"]["large"]["width"] == 1200  # never upscaled
    assert values[2] == {"text": "We will rebuild", "attribution": "Mayor"}
    assert values[3]["text"] == "Rebuild"
    assert values[4]["url"] == VIDEO
    assert "video.example/embed/1" in values[4]["html"]
    assert values[4]["caption"] == "Footage"
    assert values[5] == {"title": "Facts", "body": "<p><b>3</b> rivers</p>"}
    assert values[6] == {
        "caption": "Results",
        "first_row_is_header": True,
        "first_col_is_header": False,
        "rows": [["Party", "Seats"], ["A", "10"], ["B", ""]],
        "spans": [],
    }
    assert values[7] == {
        "page": {"id": other.pk, "title": "Earlier story", "url": other.get_full_url()},
        "label": "Background",
    }
    assert values[8] == {"page": None, "label": ""}
    assert values[9]["title"] == "Report"
    # The default Site's root URL, not the request's host (testserver).
    assert values[9]["document"]["url"].startswith("http://localhost/documents/")
    assert values[9]["document"]["file_extension"] == "pdf"
    assert values[10] == {
        "source": {"name": "Reuters", "slug": "reuters", "url": "https://reuters.example"},
        "note": "Extra reporting",
    }
    assert values[11]["events"] == [{"when": "09:00", "title": "Rain", "description": "Heavy"}]


def test_rendition_names_and_specs_come_from_settings(news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"API_RENDITIONS": {"square": "fill-100x100"}}
    article = factories.make_article(news_index, lead_image=factories.make_image())
    data = APIClient().get("/api/newsfeed/v1/articles/").json()["results"][0]
    assert data["id"] == article.pk
    assert data["lead_image"]["renditions"].keys() == {"square"}
    assert data["lead_image"]["renditions"]["square"]["width"] == 100


#: Document titles as Wagtail stores them (as typed), and what the API shows: without C0, C1 and
#: non-characters, or the file's name where nothing visible is left (None).
DOCUMENT_TITLES = {
    "Joint\x0bstatement\x01\ufffe\x9f": "Joint statement",
    "\ufffe\x01": None,
    "\u200b\u200d": None,
}


def _dirty_document(title: str) -> Document:
    return Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4", name="report.pdf"))


@pytest.mark.parametrize(("title", "shown"), DOCUMENT_TITLES.items())
def test_a_document_block_reads_without_control_characters(news_index, title, shown):
    document = _dirty_document(title)
    body = [{"type": "document", "value": {"document": document.pk, "title": ""}}]
    article = factories.make_article(news_index, body=body)

    response = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))

    assert response.status_code == 200
    (value,) = [block["value"] for block in response.json()["body"]]
    shown = shown or document.filename
    assert (value["title"], value["document"]["title"]) == (shown, shown)


@pytest.mark.parametrize(("title", "shown"), DOCUMENT_TITLES.items())
def test_a_document_block_written_over_the_api_answers_without_control_characters(
    superuser, feed, title, shown
):
    document = _dirty_document(title)
    body = [{"type": "document", "value": {"document": document.pk}}]

    response = api_client_for(superuser).post(entries_url(feed), {"body": body}, "json")

    assert response.status_code == 201, response.content[:300]
    (value,) = [block["value"] for block in response.json()["body"]]
    shown = shown or document.filename
    assert (value["title"], value["document"]["title"]) == (shown, shown)
