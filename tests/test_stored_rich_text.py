"""Rich text is cleaned on the way out as well as on the way in: a value stored around the
validator (an ORM ``update()``, a data migration, a script, rows older than a rule) reaches no
reader, API client or feed with markup the editor's whitelist would not have kept. Clean stored
values are shown exactly as before (``rich_text.clean_stored``)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.rich_text import expand_db_html

from tests import factories
from wagtail_newsfeed import rich_text, serialization
from wagtail_newsfeed.blocks import RICH_TEXT_FEATURES
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage, NewsArticlePage, NewsIndexPage

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p><img src=x onerror="window.__xss=1"><a href="javascript:alert(1)">js</a>'
    "<script>window.__xss=2</script>Words stay</p>"
)
#: What no surface may show of ``HOSTILE``.
FORBIDDEN = ("<script", "onerror", "javascript:", "<img")


def hostile_body() -> str:
    return json.dumps(
        [
            {"type": "paragraph", "value": HOSTILE, "id": "p"},
            {"type": "fact_box", "value": {"title": "Facts", "body": HOSTILE}, "id": "f"},
        ]
    )


def assert_clean(content: str, where: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in content.lower(), (where, bad)
    assert "Words stay" in content, where


def assert_nothing_active(content: str, where: str) -> None:
    """None of ``HOSTILE``'s script, handler or script link, in a page that may carry its own
    scripts (an escaped ``<img`` may remain as text)."""
    assert "<script>window" not in content, where
    assert "onerror" not in content, where
    assert "javascript:alert" not in content, where


def text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def article(news_index):
    article = factories.make_article(news_index, "Stored around the validator")
    NewsArticlePage.objects.filter(pk=article.pk).update(body=hostile_body())
    return article


@pytest.fixture
def hostile_feed(feed):
    entry = factories.make_entry(feed, text="clean for now")
    LiveFeedPage.objects.filter(pk=feed.pk).update(summary=HOSTILE)
    LiveEntry.objects.filter(pk=entry.pk).update(body=hostile_body())
    return feed, entry


def test_api_article_shows_stored_rich_text_cleaned(article):
    data = APIClient().get(f"/api/newsfeed/v1/articles/{article.pk}/").json()
    paragraph, fact_box = data["body"]
    assert_clean(paragraph["value"], "paragraph")
    assert_clean(fact_box["value"]["body"], "fact box body")
    assert paragraph["value"] == "<p><a>js</a>window.__xss=2Words stay</p>"


def test_wagtail_pages_api_shows_stored_rich_text_cleaned(article, hostile_feed):
    feed, _entry = hostile_feed
    assert_clean(text(APIClient().get(f"/api/v2/pages/{article.pk}/")), "v2 article")
    data = APIClient().get(f"/api/v2/pages/{feed.pk}/").json()
    assert_clean(data["summary"], "v2 feed summary")


def test_wagtail_pages_api_cleans_an_index_intro(news_index):
    NewsIndexPage.objects.filter(pk=news_index.pk).update(intro=HOSTILE)
    data = APIClient().get(f"/api/v2/pages/{news_index.pk}/").json()
    assert_clean(data["intro"], "v2 index intro")


def test_api_feed_entries_and_delta_show_stored_rich_text_cleaned(feed):
    api = APIClient()
    entries = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    cursor = api.get(entries).json()["cursor"]
    entry = factories.make_entry(feed, text="clean for now")
    LiveFeedPage.objects.filter(pk=feed.pk).update(summary=HOSTILE)
    LiveEntry.objects.filter(pk=entry.pk).update(body=hostile_body())

    detail = reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])
    one = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    assert_clean(api.get(detail).json()["summary"], "feed summary")
    for where, response in {
        "entries": api.get(entries),
        "entry": api.get(one),
        "delta": api.get(entries, {"since": cursor}),
    }.items():
        content = text(response)
        assert_clean(content, where)
        assert "Facts" in content, where


def test_reader_pages_fragments_and_feeds_show_stored_rich_text_cleaned(
    client, article, hostile_feed
):
    feed, entry = hostile_feed
    surfaces = {
        "article page": client.get(article.url),
        "live page": client.get(feed.url),
        "fragments": client.get(
            reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]), {"ids": str(entry.pk)}
        ),
        "live rss": client.get(reverse("wagtail_newsfeed:live_rss", args=[feed.pk])),
        "live atom": client.get(reverse("wagtail_newsfeed:live_atom", args=[feed.pk])),
        "latest rss": client.get(reverse("wagtail_newsfeed:latest_rss")),
    }
    for where, response in surfaces.items():
        assert_nothing_active(text(response), where)
    assert "Words stay" in text(client.get(article.url))
    assert "Words stay" in text(client.get(feed.url))


def test_reader_index_page_shows_a_stored_intro_cleaned(client, news_index):
    NewsIndexPage.objects.filter(pk=news_index.pk).update(intro=HOSTILE)
    content = text(client.get(news_index.url))
    assert "<script>window" not in content and "onerror" not in content
    assert "Words stay" in content


@pytest.mark.parametrize(
    "clean",
    [
        "<p>Plain words &amp; an apostrophe's <b>bold</b> and <i>italic</i>.</p>",
        '<p>A <a href="https://example.org/a?b=1&amp;c=2">link</a> and <b><i>both</i></b></p>',
        "<ul><li>One</li><li>Two<br/>lines</li></ul><ol><li>First</li></ol>",
        "<p>Line<br/>break</p><p></p>",
    ],
)
def test_clean_stored_rich_text_comes_back_unchanged(clean):
    assert rich_text.clean_stored(clean, RICH_TEXT_FEATURES) == clean


@pytest.mark.parametrize("attributes", ['linktype="page" id="{pk}"', 'id="{pk}" linktype="page"'])
def test_internal_links_render_as_before(news_index, attributes):
    stored = f"<p>See <a {attributes.format(pk=news_index.pk)}>the index</a>.</p>"
    shown = serialization.rich_text_html(stored, features=RICH_TEXT_FEATURES)
    assert shown == expand_db_html(stored)
    assert f'<a href="{news_index.url}">the index</a>' in shown


def test_clean_stored_shows_rich_text_nested_too_deep_as_its_words():
    deep = "<b>" * (rich_text.MAX_NESTING + 5) + "<script>x</script>deep" + "</b>" * 5
    shown = rich_text.clean_stored(deep, RICH_TEXT_FEATURES)
    assert "<script" not in shown and "deep" in shown


def test_clean_stored_drops_characters_xml_forbids():
    assert rich_text.clean_stored("<p>a\x1bb\x0bc</p>", RICH_TEXT_FEATURES) == "<p>ab c</p>"


def test_a_clean_article_renders_as_before(client, news_index):
    article = factories.make_article(
        news_index, body=factories.paragraph("Clean <b>words</b> & more")
    )
    content = text(client.get(article.url))
    assert '<div class="newsfeed-paragraph"><p>Clean <b>words</b> &amp; more</p></div>' in content


def test_headless_preview_shows_snapshot_rich_text_cleaned(news_index, feed, superuser):
    from wagtail_newsfeed import preview

    article = factories.make_article(news_index)
    article.body = json.loads(hostile_body())
    feed.summary = HOSTILE
    api = APIClient()
    for page in (article, feed):
        token = preview.create_preview_token(page, superuser)
        assert_clean(text(api.get("/api/newsfeed/v1/preview/", {"token": token})), "preview")


BROKEN_IDS = ["abc", "", "3.0", "0x3", "1e1", "99999999999999999999", '3" onmouseover="x()']


@pytest.mark.parametrize("bad", BROKEN_IDS)
def test_a_stored_link_or_image_with_a_broken_id_leaves_its_text_and_breaks_nothing(
    client, news_index, feed, bad
):
    quoted = bad.replace('"', "&quot;")
    stored = (
        f'<p>Summary <a linktype="page" id="{quoted}">page link</a> and '
        f'<a linktype="document" id="{quoted}">document link</a>'
        f'<embed embedtype="image" id="{quoted}" format="left" alt="a"/> stays</p>'
    )
    LiveFeedPage.objects.filter(pk=feed.pk).update(summary=stored)
    NewsIndexPage.objects.filter(pk=news_index.pk).update(intro=stored)
    api = APIClient()
    surfaces = {
        "live page": client.get(feed.url),
        "index page": client.get(news_index.url),
        "feeds API": api.get(reverse("wagtail_newsfeed_api:feed-list")),
        "feed API": api.get(reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])),
        "pages API": api.get(f"/api/v2/pages/{feed.pk}/"),
    }
    for where, response in surfaces.items():
        content = text(response)
        assert "page link" in content and "document link" in content, where
        assert "onmouseover" not in content, where
    feed = LiveFeedPage.objects.get(pk=feed.pk)
    shown = serialization.rich_text_field_html(feed, "summary")
    assert "<p>Summary <a>page link</a> and " in shown and "document link" in shown
    assert "stays" in shown and "<img" not in shown and "<embed" not in shown


def test_the_live_console_and_the_entries_list_show_stored_rich_text_cleaned(
    admin_client, hostile_feed
):
    """The console runs in an editor's session: markup a contributor got stored around the
    validator must not act there, in the console, its polled list, the edit form or the
    Newsroom's list of entries."""
    feed, entry = hostile_feed
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    surfaces = {
        "console": admin_client.get(console),
        "polled list": admin_client.get(console, {"partial": "entries"}),
        "edit form": admin_client.get(
            reverse("wagtail_newsfeed_console:edit", args=[feed.pk, entry.pk])
        ),
        "entries list": admin_client.get(reverse("wagtail_newsfeed_liveentry_modeladmin_index")),
    }
    for where, response in surfaces.items():
        content = text(response)
        assert_nothing_active(content, where)
        assert "Words stay" in content, where
