"""Stored text never breaks syndication, and never reaches feed readers as markup.

Content saved before input cleaning existed (or written through the ORM) can hold characters XML
1.0 cannot carry; one of them in one field must not turn a feed or the news sitemap into a 500 or
into ill-formed XML. Descriptions are HTML to feed readers, so text that looks like markup must
arrive escaped, exactly once.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from tests import factories, tools
from wagtail_newsfeed.models import (
    NewsIndexPage,
)
from wagtail_newsfeed.syndication import XMLSafeAtomFeed, XMLSafeRssFeed
from wagtail_newsfeed.xml import one_line, xml_safe

feedparser = tools.import_or_missing("feedparser")

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
# Characters XML 1.0 forbids and ``xml_safe`` drops: C0 controls, the two non-characters and a
# lone surrogate (valid in a Python str, impossible in UTF-8). Word's vertical tab and the form
# feed become a space instead (SEPARATORS).
FORBIDDEN = ["\x08", "\x01", "\x00", "\x1f", "\ufffe", "\ud800"]
#: Word's line break, the form feed, the information separators and NEL: they separate words.
SEPARATORS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
HOSTILE_MARKUP = "Tom & Jerry <script>alert(1)</script>"
ESCAPED_MARKUP = "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;"


def _parse(response):
    """The feed, checked to be a 200 of well-formed XML that feedparser reads without error."""
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode()
    assert xml_safe(text) == text
    root = ElementTree.fromstring(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return root, parsed


def get_feed(client, name: str, *args):
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
    [*FORBIDDEN, "\x02", "\x0e", "\uffff", "\udfff", "\x7f", "\x84", "\x9f", "\ufdd0"],
)
def test_xml_safe_removes_exactly_the_forbidden_characters(bad):
    assert xml_safe(f"Storm{bad} warning") == "Storm warning"


@pytest.mark.parametrize("separator", SEPARATORS)
def test_xml_safe_turns_word_line_breaks_and_form_feeds_into_spaces(separator):
    assert xml_safe(f"Polls{separator}close") == "Polls close"


def test_xml_safe_keeps_whitespace_emoji_and_right_to_left_text():
    text = "a\tb\nc\rd 🌧 مطر עברית \xa0\u200f \U0010fffd \ufffd é"
    assert xml_safe(text) == text


def test_xml_safe_removes_every_code_point_xml_forbids_or_html_rejects_and_no_other():
    removed = [code for code in range(0x110000) if xml_safe(chr(code)) == ""]
    separators = [0xB, 0xC, 0x1C, 0x1D, 0x1E, 0x85]
    assert [xml_safe(chr(code)) for code in separators] == [" "] * len(separators)
    allowed = {0x9, 0xA, 0xD, *separators}
    expected = [c for c in range(0x20) if c not in allowed]
    expected += [c for c in range(0x7F, 0xA0) if c not in allowed]
    expected += [*range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0)]
    expected += [0xFFFE, 0xFFFF]
    expected += [plane * 0x10000 + last for plane in range(1, 17) for last in (0xFFFE, 0xFFFF)]
    assert removed == expected


@pytest.mark.parametrize(
    "blank", ["\u200b", "\u200b\u200d", "\u200c\u2060\ufeff", "\u00ad\n\u200b", "\u00a0\u3000"]
)
def test_one_line_of_zero_width_or_format_characters_alone_is_empty(blank):
    assert one_line(blank) == ""


def test_one_line_keeps_joiners_inside_real_text():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert one_line(f" {family}\x0b{persian}\u200b ") == f"{family} {persian}\u200b"


# The feed generators, whatever their arguments ------------------------------------------------


@pytest.mark.parametrize("generator", [XMLSafeRssFeed, XMLSafeAtomFeed])
@pytest.mark.parametrize("bad", [*FORBIDDEN, *SEPARATORS])
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
    space = " " if bad in SEPARATORS else ""
    assert parsed.feed.title == f"Feed{space} title"
    (item,) = parsed.entries
    assert (item.title, item.summary, item.author) == (
        f"Item{space} title",
        f"Item{space} description",
        f"Item{space} author",
    )
    assert [tag.term for tag in item.tags] == [f"Item{space} category"]


# Markup in text --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_in_a_standfirst_reaches_readers_as_text(client, news_index, fmt):
    factories.make_article(news_index, "Cartoons", standfirst=HOSTILE_MARKUP)
    root, parsed = get_feed(client, f"latest_{fmt}")
    assert _descriptions(root) == [ESCAPED_MARKUP]
    (entry,) = parsed.entries
    assert "<script" not in entry.summary
    assert html.unescape(entry.summary) == HOSTILE_MARKUP


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_typed_into_a_body_is_escaped_once_in_the_summary(client, news_index, fmt):
    factories.make_article(
        news_index, standfirst="", body=factories.paragraph(html.escape(HOSTILE_MARKUP))
    )
    root, _ = get_feed(client, f"latest_{fmt}")
    assert _descriptions(root) == [ESCAPED_MARKUP]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_typed_into_a_live_entry_is_escaped_once(client, feed, fmt):
    factories.make_entry(feed, headline=HOSTILE_MARKUP, text=html.escape(HOSTILE_MARKUP))
    root, _ = get_feed(client, f"live_{fmt}", feed.pk)
    assert _descriptions(root) == [ESCAPED_MARKUP]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_item_titles_are_plain_text_escaped_only_by_xml(client, news_index, fmt):
    factories.make_article(news_index, HOSTILE_MARKUP)
    root, _ = get_feed(client, f"latest_{fmt}")
    title = (
        root.find("channel/item/title") if fmt == "rss" else root.find(f"{ATOM}entry/{ATOM}title")
    )
    assert title.text == HOSTILE_MARKUP
    assert title.get("type") in (None, "text")


def test_rss_channel_description_is_html_and_atom_subtitle_is_text(client, news_index):
    NewsIndexPage.objects.filter(pk=news_index.pk).update(
        intro=f"<p>{html.escape(HOSTILE_MARKUP)}</p>"
    )
    rss, _ = get_feed(client, "index_rss", news_index.pk)
    atom, _ = get_feed(client, "index_atom", news_index.pk)
    assert rss.findtext("channel/description") == ESCAPED_MARKUP
    subtitle = atom.find(f"{ATOM}subtitle")
    assert subtitle.text == HOSTILE_MARKUP
    assert subtitle.get("type") in (None, "text")
