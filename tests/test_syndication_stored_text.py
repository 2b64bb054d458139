"""Text stored with characters XML 1.0 forbids never breaks a feed or the news sitemap.

Content saved before input cleaning existed (or written through the ORM) can hold characters XML
1.0 cannot carry; one of them in every field a feed shows must not turn RSS, Atom or the news
sitemap into a 500 or into ill-formed XML, and the rest of the text (emoji, right-to-left
scripts) must come through untouched. Each forbidden character's content is built once and read
by every feed's tests (``module_transaction``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from django.db import connection, transaction
from django.test import override_settings
from wagtail.models import Page, Site

from tests import factories
from tests.test_syndication_hostile_text import FORBIDDEN, SITEMAP_NS, get_feed
from wagtail_newsfeed.models import (
    Author,
    LiveEntry,
    LiveFeedPage,
    NewsArticlePage,
    NewsIndexPage,
    Source,
    Topic,
)
from wagtail_newsfeed.xml import xml_safe

pytestmark = pytest.mark.django_db

#: The feeds show the stored site name, not a configured publisher.
NO_PUBLISHER = {"PUBLISHER_NAME": ""}


@pytest.fixture(autouse=True)
def _no_publisher(settings):
    settings.WAGTAIL_NEWSFEED = NO_PUBLISHER


@pytest.fixture(scope="module", params=FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def hostile(request, module_transaction) -> Iterator[Hostile]:
    """One forbidden character's content, in a savepoint rolled back before the next one's."""
    bad = request.param
    if not _storable(bad, in_json=True):
        pytest.skip(f"{connection.vendor} cannot store {bad!r}")
    with transaction.atomic():
        with override_settings(WAGTAIL_NEWSFEED=NO_PUBLISHER):
            built = _hostile(bad)
        yield built
        transaction.set_rollback(True)


def _storable(bad: str, *, in_json: bool = False) -> bool:
    """Whether the test database can hold ``bad`` in a text column (or a StreamField's JSON).

    PostgreSQL refuses NUL in text and in jsonb. Neither driver can encode a lone surrogate as
    UTF-8 for a text column; a StreamField's JSON keeps one as a ``\\ud800`` escape, which SQLite
    stores as it is but PostgreSQL's jsonb refuses.
    """
    if connection.vendor == "postgresql":
        return "\x00" not in bad and "\ud800" not in bad
    return in_json or "\ud800" not in bad


def _dirty(text: str, bad: str, *, in_json: bool = False) -> str:
    """``text`` with ``bad`` after its first space, if the database can store it there.

    Right after a space, because summaries collapse whitespace and Python counts some controls
    (``\\x0b``, ``\\x1f``) as whitespace: the clean result is ``text`` either way.
    """
    if not _storable(bad, in_json=in_json):
        return text
    head, tail = text.split(" ", 1)
    return f"{head} {bad}{tail}"


def _rich(text: str) -> list[dict[str, str]]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


class Clean:
    """What each hostile field says once the forbidden character is dropped: emoji and
    right-to-left text must come through untouched."""

    SITE_NAME = "Daily Courier"
    INDEX_TITLE = "Regional news"
    INTRO = "Stories from 🌍 everywhere & more."
    TITLE = "Storm 🌧 warning عاجل"
    STANDFIRST = "Winds reach 100 km/h, مطر tonight."
    AUTHOR = "Ada Reporter"
    TOPIC = "Weather ☔ alerts"
    TOPIC_DESCRIPTION = "Rain, wind and snow."
    SOURCE = "Wire Agency"
    BODY_TITLE = "Rivers rise"
    BODY = "Rivers rise ⚠ across the north."
    FEED_TITLE = "Storm live"
    SUMMARY = "Follow the storm ⛈ as it happens."
    HEADLINE = "Bridge closed"
    ENTRY_BODY = "Police close the bridge 🌉 at noon."
    UNTITLED_ENTRY_BODY = "Power cuts in the west."


@dataclass
class Hostile:
    """Content with ``bad`` stored in every text field a feed or the news sitemap shows."""

    bad: str
    index: NewsIndexPage
    feed: LiveFeedPage
    topic: Topic


def _hostile(bad: str) -> Hostile:
    """Build clean content with the usual write paths, then store ``bad`` with UPDATEs, as rows
    written before input cleaning (or through the ORM) would hold it."""
    c = Clean
    index = factories.make_index(title="News")
    topic, author, source = factories.make_topic(), factories.make_author(), factories.make_source()
    article = factories.make_article(index, topics=[topic], authors=[author], source=source)
    from_body = factories.make_article(index, standfirst="", topics=[topic])
    feed = factories.make_feed(index)
    entry = factories.make_entry(feed, headline="Draft headline", text="Draft text.")
    untitled = factories.make_entry(feed, text="Draft text.")

    Site.objects.filter(is_default_site=True).update(site_name=_dirty(c.SITE_NAME, bad))
    NewsIndexPage.objects.filter(pk=index.pk).update(
        title=_dirty(c.INDEX_TITLE, bad), intro=f"<p>{_dirty(html.escape(c.INTRO), bad)}</p>"
    )
    NewsArticlePage.objects.filter(pk=article.pk).update(
        title=_dirty(c.TITLE, bad), standfirst=_dirty(c.STANDFIRST, bad)
    )
    NewsArticlePage.objects.filter(pk=from_body.pk).update(
        title=_dirty(c.BODY_TITLE, bad), body=_rich(_dirty(c.BODY, bad, in_json=True))
    )
    Author.objects.filter(pk=author.pk).update(name=_dirty(c.AUTHOR, bad))
    Topic.objects.filter(pk=topic.pk).update(
        name=_dirty(c.TOPIC, bad), description=_dirty(c.TOPIC_DESCRIPTION, bad)
    )
    # Feeds do not show the source credit today; a dirty one must not break them either.
    Source.objects.filter(pk=source.pk).update(name=_dirty(c.SOURCE, bad))
    LiveFeedPage.objects.filter(pk=feed.pk).update(
        title=_dirty(c.FEED_TITLE, bad), summary=f"<p>{_dirty(c.SUMMARY, bad)}</p>"
    )
    LiveEntry.objects.filter(pk=entry.pk).update(
        headline=_dirty(c.HEADLINE, bad), body=_rich(_dirty(c.ENTRY_BODY, bad, in_json=True))
    )
    LiveEntry.objects.filter(pk=untitled.pk).update(
        body=_rich(_dirty(c.UNTITLED_ENTRY_BODY, bad, in_json=True))
    )
    # The bad characters really are stored (no write path cleaned them on the way in).
    stored = LiveEntry.objects.get(pk=entry.pk).body.raw_data[0]["value"]
    assert bad in stored
    if _storable(bad):
        assert bad in Page.objects.get(pk=article.pk).title
    return Hostile(bad=bad, index=index, feed=feed, topic=topic)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_latest_feed_survives_forbidden_characters_in_stored_text(client, hostile, fmt):
    _, parsed = get_feed(client, f"latest_{fmt}")
    assert parsed.feed.title == f"{Clean.SITE_NAME}: latest news"
    by_title = {entry.title: entry for entry in parsed.entries}
    assert set(by_title) == {Clean.TITLE, Clean.BODY_TITLE}
    assert len(parsed.entries) == 2  # one character's content at a time
    article = by_title[Clean.TITLE]
    assert article.summary == Clean.STANDFIRST
    assert article.author == Clean.AUTHOR
    assert [tag.term for tag in article.tags] == [Clean.TOPIC]
    assert by_title[Clean.BODY_TITLE].summary == Clean.BODY
    if fmt == "atom":
        assert parsed.feed.author == Clean.SITE_NAME


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_index_feed_survives_forbidden_characters_in_stored_text(client, hostile, fmt):
    _, parsed = get_feed(client, f"index_{fmt}", hostile.index.pk)
    assert parsed.feed.title == Clean.INDEX_TITLE
    # RSS's channel description is HTML (escaped once); Atom's subtitle is text.
    assert parsed.feed.subtitle == (html.escape(Clean.INTRO) if fmt == "rss" else Clean.INTRO)
    assert {entry.title for entry in parsed.entries} == {Clean.TITLE, Clean.BODY_TITLE}


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_topic_feed_survives_forbidden_characters_in_stored_text(client, hostile, fmt):
    _, parsed = get_feed(client, f"topic_{fmt}", hostile.topic.slug)
    assert parsed.feed.title == Clean.TOPIC
    assert parsed.feed.subtitle == Clean.TOPIC_DESCRIPTION
    by_title = {entry.title: entry.summary for entry in parsed.entries}
    assert by_title == {Clean.TITLE: Clean.STANDFIRST, Clean.BODY_TITLE: Clean.BODY}


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_live_feed_survives_forbidden_characters_in_stored_text(client, hostile, fmt):
    _, parsed = get_feed(client, f"live_{fmt}", hostile.feed.pk)
    assert parsed.feed.title == Clean.FEED_TITLE
    assert parsed.feed.subtitle == Clean.SUMMARY
    by_title = {entry.title: entry.summary for entry in parsed.entries}
    assert by_title == {
        Clean.HEADLINE: Clean.ENTRY_BODY,
        Clean.UNTITLED_ENTRY_BODY: Clean.UNTITLED_ENTRY_BODY,
    }


def test_news_sitemap_survives_forbidden_characters_in_stored_text(client, hostile):
    if not _storable(hostile.bad):
        # The sitemap shows no StreamField text, the only place a lone surrogate can be stored.
        pytest.skip(f"{connection.vendor} cannot store {hostile.bad!r} in a text column")
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    assert xml_safe(text) == text
    root = ElementTree.fromstring(response.content)
    names = {
        url.findtext("news:news/news:publication/news:name", namespaces=SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    titles = {
        url.findtext("news:news/news:title", namespaces=SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert names == {Clean.SITE_NAME}
    assert titles == {Clean.TITLE, Clean.BODY_TITLE}
