"""Every list costs a fixed number of queries whatever its length: Wagtail's pages API with
``fields=*``, the news index read cold, and the live feed's RSS and Atom. Each is read with a few
items and with many, each item carrying all it can show (bylines with photos, topics, tags, a
source, a lead image; entries with chooser blocks), and must cost the same."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed import rendering
from wagtail_newsfeed.blocks import NewsStreamBlock

pytestmark = pytest.mark.django_db

ARTICLE_TYPE = "wagtail_newsfeed.NewsArticlePage"


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


def _add_articles(index, count: int) -> None:
    source = factories.make_source()
    topics = [factories.make_topic(), factories.make_topic()]
    for _ in range(count):
        authors = [factories.make_author(photo=factories.make_image()) for _ in range(3)]
        article = factories.make_article(
            index,
            topics=topics,
            authors=authors,
            source=source,
            lead_image=factories.make_image(),
        )
        article.tags.add("storm", "bridge")
        article.save_revision().publish()


def _costs(index, fetch) -> tuple[int, int]:
    """The cost of ``fetch`` (read twice, the second counted) with 2 articles, then with 12."""
    costs = []
    for count in (2, 10):
        _add_articles(index, count)
        fetch()  # renditions made once
        cache.clear()
        costs.append(_queries(fetch))
    return costs[0], costs[1]


@pytest.mark.parametrize("params", [{"type": ARTICLE_TYPE}, {}], ids=["articles", "all"])
def test_wagtail_pages_api_with_every_field_costs_the_same_for_2_or_12_articles(news_index, params):
    client = APIClient()
    few, many = _costs(
        news_index,
        lambda: client.get("/api/v2/pages/", {**params, "fields": "*", "limit": 20}),
    )
    assert many == few, (few, many)


def test_wagtail_pages_api_shows_bylines_photos_and_tags_of_listed_articles(news_index):
    _add_articles(news_index, 1)
    item = APIClient().get("/api/v2/pages/", {"type": ARTICLE_TYPE, "fields": "*"}).json()
    article = item["items"][0]
    assert len(article["authors"]) == 3
    assert all(set(a["photo"]["renditions"]) for a in article["authors"])
    assert article["tags"] == ["bridge", "storm"]
    assert len(article["topics"]) == 2
    assert article["source"]["name"]
    assert article["meta"]["locale"]


def test_a_cold_news_index_costs_the_same_for_2_or_12_articles(client, news_index):
    few, many = _costs(news_index, lambda: client.get(news_index.url))
    assert many == few, (few, many)


def _entry_body(article, image, document, source) -> list[dict]:
    return [
        {"type": "paragraph", "value": "<p>Water <b>rises</b>.</p>"},
        {"type": "image", "value": {"image": image.pk, "caption": "The bridge", "credit": "AP"}},
        {"type": "document", "value": {"document": document.pk, "title": "Report"}},
        {"type": "source_credit", "value": {"source": source.pk, "note": "With Reuters"}},
        {"type": "related_article", "value": {"page": article.pk, "label": "Background"}},
    ]


@pytest.mark.parametrize("name", ["live_rss", "live_atom"])
def test_the_live_feeds_cost_the_same_for_2_or_12_entries_with_chooser_blocks(
    client, news_index, feed, name
):
    from wagtail.documents.models import Document

    article = factories.make_article(news_index)
    source = factories.make_source()
    document = Document.objects.create(title="Report")
    url = reverse(f"wagtail_newsfeed:{name}", args=[feed.pk])
    costs = []
    for count in (2, 10):
        for _ in range(count):
            body = _entry_body(article, factories.make_image(), document, source)
            factories.make_entry(feed, body=body)
        client.get(url)
        costs.append(_queries(lambda: client.get(url)))
    assert costs[1] == costs[0], costs


def test_body_text_is_the_same_as_wagtails_searchable_content_for_every_block(news_index):
    """The text read from stored data equals what the converted blocks give, for each type."""
    from wagtail.documents.models import Document

    image = factories.make_image("Bridge")
    body = [
        *_entry_body(
            factories.make_article(news_index),
            image,
            Document.objects.create(title="Report"),
            factories.make_source(),
        ),
        {"type": "heading", "value": {"text": "What happened", "level": "h3"}},
        {"type": "quote", "value": {"text": "It held.", "attribution": "Engineer"}},
        {"type": "pull_quote", "value": {"text": "Never again.", "attribution": ""}},
        {"type": "embed", "value": {"embed": "https://example.com/v", "caption": "Video"}},
        {"type": "key_points", "value": {"title": "Key", "points": ["One", "Two"]}},
        {
            "type": "key_points",
            "value": {"points": [{"type": "item", "value": "Three", "id": "x1"}]},
        },
        {"type": "fact_box", "value": {"title": "Facts", "body": "<p>Built 1901.</p>"}},
        {
            "type": "table",
            "value": {"data": [["a", "b"], ["c", None]], "first_row_is_table_header": True},
        },
        {
            "type": "timeline",
            "value": {
                "events": [{"when": "09:00", "title": "Closed", "description": "Shut"}],
                "title": "Day",
            },
        },
        {"type": "image", "value": {"image": image.pk, "alt_text": "Cars", "decorative": False}},
    ]
    block = NewsStreamBlock()
    value = block.to_python(body)
    expected = [
        text
        for child in block.to_python(body)
        for text in child.block.get_searchable_content(child.value)
    ]
    assert rendering.body_text_parts(value) == expected
    assert "Water rises." in expected and "Never again." in expected
