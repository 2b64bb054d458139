"""Stored text never breaks syndication, and never reaches feed readers as markup.

Content saved before input cleaning existed (or written through the ORM) can hold characters XML
1.0 cannot carry; one of them in one field must not turn a feed or the news sitemap into a 500 or
into ill-formed XML. Descriptions are HTML to feed readers, so text that looks like markup must
arrive escaped, exactly once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import Page, Site

from tests import factories
from wagtail_newsfeed.models import (
    Author,
    LiveEntry,
    LiveFeedPage,
    NewsArticlePage,
    NewsIndexPage,
    Source,
    Topic,
)
from wagtail_newsfeed.syndication import XMLSafeAtomFeed, XMLSafeRssFeed
from wagtail_newsfeed.xml import xml_safe

feedparser = pytest.importorskip("feedparser")

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
# Characters XML 1.0 forbids: Word's vertical tab, other C0 controls, the two non-characters and
# a lone surrogate (valid in a Python str, impossible in UTF-8).
FORBIDDEN = ["\x0b", "\x01", "\x00", "\x1f", "\ufffe", "\ud800"]
HOSTILE_MARKUP = "Tom & Jerry <script>alert(1)</script>"
ESCAPED_MARKUP = "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;"


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

    index: NewsIndexPage
    feed: LiveFeedPage
    topic: Topic


def _hostile(bad: str, settings) -> Hostile:
    """Build clean content with the usual write paths, then store ``bad`` with UPDATEs, as rows
    written before input cleaning (or through the ORM) would hold it."""
    if not _storable(bad, in_json=True):
        pytest.skip(f"{connection.vendor} cannot store {bad!r}")
    settings.WAGTAIL_NEWSFEED = {"PUBLISHER_NAME": ""}  # the stored site name instead
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
    return Hostile(index=index, feed=feed, topic=topic)


def _parse(response):
    """The feed, checked to be a 200 of well-formed XML that feedparser reads without error."""
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode()
    assert xml_safe(text) == text
    root = ElementTree.fromstring(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return root, parsed


def _get_feed(client, name: str, *args):
    return _parse(client.get(reverse(f"wagtail_newsfeed:{name}", args=args)))


def _descriptions(root: ElementTree.Element) -> list[str]:
    """The raw text (HTML) of each item's RSS ``<description>`` or Atom ``<summary>``."""
    elements = root.findall("channel/item/description") or root.findall(
        f"{ATOM}entry/{ATOM}summary"
    )
    return [element.text or "" for element in elements]


# xml_safe -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [*FORBIDDEN, "\x08", "\x0c", "\x0e", "\uffff", "\udfff", "\x7f", "\x85", "\x9f", "\ufdd0"],
)
def test_xml_safe_removes_exactly_the_forbidden_characters(bad):
    assert xml_safe(f"Storm{bad} warning") == "Storm warning"


def test_xml_safe_keeps_whitespace_emoji_and_right_to_left_text():
    text = "a\tb\nc\rd 🌧 مطر עברית \xa0\u200f \U0010fffd \ufffd é"
    assert xml_safe(text) == text


def test_xml_safe_removes_every_code_point_xml_forbids_or_html_rejects_and_no_other():
    removed = [code for code in range(0x110000) if xml_safe(chr(code)) == ""]
    allowed = {0x9, 0xA, 0xD}
    expected = [c for c in range(0x20) if c not in allowed]
    expected += [*range(0x7F, 0xA0), *range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0)]
    expected += [0xFFFE, 0xFFFF]
    expected += [plane * 0x10000 + last for plane in range(1, 17) for last in (0xFFFE, 0xFFFF)]
    assert removed == expected


# The feed generators, whatever their arguments ------------------------------------------------


@pytest.mark.parametrize("generator", [XMLSafeRssFeed, XMLSafeAtomFeed])
@pytest.mark.parametrize("bad", FORBIDDEN)
def test_safe_generators_write_well_formed_xml_from_any_string_argument(generator, bad):
    feed = generator(
        title=f"Feed{bad} title",
        link=f"http://example.com/{bad}",
        description=f"Feed{bad} description",
        subtitle=f"Feed{bad} subtitle",
        author_name=f"Feed{bad} author",
        categories=[f"Feed{bad} category"],
        feed_copyright=f"Feed{bad} rights",
        language="en",
    )
    feed.add_item(
        title=f"Item{bad} title",
        link=f"http://example.com/item{bad}",
        description=f"Item{bad} description",
        author_name=f"Item{bad} author",
        unique_id=f"item{bad}-1",
        pubdate=datetime(2024, 1, 2, tzinfo=UTC),
        categories=(f"Item{bad} category",),
        item_copyright=f"Item{bad} rights",
        comments=f"http://example.com/comments{bad}",
    )
    xml = feed.writeString("utf-8")
    ElementTree.fromstring(xml.encode())
    parsed = feedparser.parse(xml.encode())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Feed title"
    (item,) = parsed.entries
    assert (item.title, item.summary, item.author) == (
        "Item title",
        "Item description",
        "Item author",
    )
    assert [tag.term for tag in item.tags] == ["Item category"]


# Every feed, with a forbidden character in every field it shows -------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("bad", FORBIDDEN)
def test_latest_feed_survives_forbidden_characters_in_stored_text(client, db, settings, fmt, bad):
    _hostile(bad, settings)
    _, parsed = _get_feed(client, f"latest_{fmt}")
    assert parsed.feed.title == f"{Clean.SITE_NAME}: latest news"
    by_title = {entry.title: entry for entry in parsed.entries}
    assert set(by_title) == {Clean.TITLE, Clean.BODY_TITLE}
    article = by_title[Clean.TITLE]
    assert article.summary == Clean.STANDFIRST
    assert article.author == Clean.AUTHOR
    assert [tag.term for tag in article.tags] == [Clean.TOPIC]
    assert by_title[Clean.BODY_TITLE].summary == Clean.BODY
    if fmt == "atom":
        assert parsed.feed.author == Clean.SITE_NAME


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("bad", FORBIDDEN)
def test_index_feed_survives_forbidden_characters_in_stored_text(client, db, settings, fmt, bad):
    h = _hostile(bad, settings)
    _, parsed = _get_feed(client, f"index_{fmt}", h.index.pk)
    assert parsed.feed.title == Clean.INDEX_TITLE
    # RSS's channel description is HTML (escaped once); Atom's subtitle is text.
    assert parsed.feed.subtitle == (html.escape(Clean.INTRO) if fmt == "rss" else Clean.INTRO)
    assert {entry.title for entry in parsed.entries} == {Clean.TITLE, Clean.BODY_TITLE}


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("bad", FORBIDDEN)
def test_topic_feed_survives_forbidden_characters_in_stored_text(client, db, settings, fmt, bad):
    h = _hostile(bad, settings)
    _, parsed = _get_feed(client, f"topic_{fmt}", h.topic.slug)
    assert parsed.feed.title == Clean.TOPIC
    assert parsed.feed.subtitle == Clean.TOPIC_DESCRIPTION
    by_title = {entry.title: entry.summary for entry in parsed.entries}
    assert by_title == {Clean.TITLE: Clean.STANDFIRST, Clean.BODY_TITLE: Clean.BODY}


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("bad", FORBIDDEN)
def test_live_feed_survives_forbidden_characters_in_stored_text(client, db, settings, fmt, bad):
    h = _hostile(bad, settings)
    _, parsed = _get_feed(client, f"live_{fmt}", h.feed.pk)
    assert parsed.feed.title == Clean.FEED_TITLE
    assert parsed.feed.subtitle == Clean.SUMMARY
    by_title = {entry.title: entry.summary for entry in parsed.entries}
    assert by_title == {
        Clean.HEADLINE: Clean.ENTRY_BODY,
        Clean.UNTITLED_ENTRY_BODY: Clean.UNTITLED_ENTRY_BODY,
    }


@pytest.mark.parametrize("bad", FORBIDDEN)
def test_news_sitemap_survives_forbidden_characters_in_stored_text(client, db, settings, bad):
    if not _storable(bad):
        # The sitemap shows no StreamField text, the only place a lone surrogate can be stored.
        pytest.skip(f"{connection.vendor} cannot store {bad!r} in a text column")
    _hostile(bad, settings)
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


# Markup in text --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_in_a_standfirst_reaches_readers_as_text(client, news_index, fmt):
    factories.make_article(news_index, "Cartoons", standfirst=HOSTILE_MARKUP)
    root, parsed = _get_feed(client, f"latest_{fmt}")
    assert _descriptions(root) == [ESCAPED_MARKUP]
    (entry,) = parsed.entries
    assert "<script" not in entry.summary
    assert html.unescape(entry.summary) == HOSTILE_MARKUP


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_typed_into_a_body_is_escaped_once_in_the_summary(client, news_index, fmt):
    factories.make_article(
        news_index, standfirst="", body=factories.paragraph(html.escape(HOSTILE_MARKUP))
    )
    root, _ = _get_feed(client, f"latest_{fmt}")
    assert _descriptions(root) == [ESCAPED_MARKUP]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_typed_into_a_live_entry_is_escaped_once(client, feed, fmt):
    factories.make_entry(feed, headline=HOSTILE_MARKUP, text=html.escape(HOSTILE_MARKUP))
    root, _ = _get_feed(client, f"live_{fmt}", feed.pk)
    assert _descriptions(root) == [ESCAPED_MARKUP]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_item_titles_are_plain_text_escaped_only_by_xml(client, news_index, fmt):
    factories.make_article(news_index, HOSTILE_MARKUP)
    root, _ = _get_feed(client, f"latest_{fmt}")
    title = (
        root.find("channel/item/title") if fmt == "rss" else root.find(f"{ATOM}entry/{ATOM}title")
    )
    assert title.text == HOSTILE_MARKUP
    assert title.get("type") in (None, "text")


def test_rss_channel_description_is_html_and_atom_subtitle_is_text(client, news_index):
    NewsIndexPage.objects.filter(pk=news_index.pk).update(
        intro=f"<p>{html.escape(HOSTILE_MARKUP)}</p>"
    )
    rss, _ = _get_feed(client, "index_rss", news_index.pk)
    atom, _ = _get_feed(client, "index_atom", news_index.pk)
    assert rss.findtext("channel/description") == ESCAPED_MARKUP
    subtitle = atom.find(f"{ATOM}subtitle")
    assert subtitle.text == HOSTILE_MARKUP
    assert subtitle.get("type") in (None, "text")
