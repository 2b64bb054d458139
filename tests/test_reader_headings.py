"""Reader pages' structure for assistive technology: heading levels that nest, named regions and
page titles that say which page of a listing, or which search, a reader is on."""

from __future__ import annotations

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

BODY = [
    {"type": "heading", "value": {"text": "Section", "level": "h2"}},
    {"type": "heading", "value": {"text": "Subsection", "level": "h3"}},
    {"type": "fact_box", "value": {"title": "Facts", "body": "<p>Three rivers.</p>"}},
    {"type": "key_points", "value": {"title": "In short", "points": ["One"]}},
    {
        "type": "timeline",
        "value": {"title": "How", "events": [{"when": "9:00", "title": "Rain", "description": ""}]},
    },
]


def headings(html: str) -> list[tuple[str, str]]:
    return [
        (tag, re.sub(r"<[^>]+>", "", text).strip())
        for tag, text in re.findall(r"<(h[1-6])[^>]*>(.*?)</\1>", html, re.S)
    ]


def test_headings_in_a_live_entry_sit_below_its_headline(client, feed):
    factories.make_entry(feed, headline="Storm reaches the coast", body=BODY)
    html = client.get(feed.url).content.decode()
    entry = html.split('class="newsfeed-entry', 1)[1].split("</article>", 1)[0]
    assert headings(entry) == [
        ("h2", "Storm reaches the coast"),
        ("h3", "Section"),
        ("h4", "Subsection"),
        ("h3", "Facts"),
        ("h3", "In short"),
        ("h3", "How"),
    ]


def test_the_fragments_render_an_entry_s_headings_as_the_page_does(client, feed):
    entry = factories.make_entry(feed, headline="Storm", body=BODY)
    data = client.get(f"/newsfeed/live/{feed.pk}/fragments/", {"ids": entry.pk}).json()
    assert [tag for tag, _ in headings(data["entries"][str(entry.pk)])] == [
        "h2",
        "h3",
        "h4",
        "h3",
        "h3",
        "h3",
    ]


def test_headings_in_a_live_entry_without_a_headline_sit_below_the_page_title(client, feed):
    """No h3 straight after the page's h1: without a headline the body's sections are h2."""
    factories.make_entry(feed, headline="", body=BODY)
    html = client.get(feed.url).content.decode()
    entry = html.split('class="newsfeed-entry', 1)[1].split("</article>", 1)[0]
    assert headings(entry) == [
        ("h2", "Section"),
        ("h3", "Subsection"),
        ("h2", "Facts"),
        ("h2", "In short"),
        ("h2", "How"),
    ]


def test_the_fragments_render_a_headline_less_entry_s_headings_as_the_page_does(client, feed):
    entry = factories.make_entry(feed, headline="", body=BODY)
    data = client.get(f"/newsfeed/live/{feed.pk}/fragments/", {"ids": entry.pk}).json()
    assert [tag for tag, _ in headings(data["entries"][str(entry.pk)])] == [
        "h2",
        "h3",
        "h2",
        "h2",
        "h2",
    ]


def test_every_live_entry_s_outline_starts_at_h2_and_never_skips_a_level(client, feed):
    factories.make_entry(feed, headline="", body=BODY)
    factories.make_entry(feed, headline="Storm", body=BODY)
    html = client.get(feed.url).content.decode()
    entries = [part.split("</article>", 1)[0] for part in html.split("<article id=")[1:]]
    assert len(entries) == 2
    for entry in entries:
        levels = [int(tag[1]) for tag, _ in headings(entry)]
        assert levels[0] == 2, levels
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_headings_in_an_article_keep_their_levels(client, news_index):
    article = factories.make_article(news_index, "Floods", body=BODY)
    html = client.get(article.url).content.decode()
    body = html.split('class="newsfeed-body', 1)[1]
    assert [tag for tag, _ in headings(body)][:5] == ["h2", "h3", "h2", "h2", "h2"]


def test_a_table_without_a_caption_is_a_region_named_table(client, news_index):
    table = {
        "data": [["Party", "Seats"], ["A", "10"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "",
    }
    article = factories.make_article(news_index, body=[{"type": "table", "value": table}])
    html = client.get(article.url).content.decode()
    assert '<div class="newsfeed-table" role="group" tabindex="0" aria-label="Table">' in html


def test_key_points_and_timelines_without_a_title_are_no_unnamed_sections(client, news_index):
    article = factories.make_article(
        news_index,
        body=[
            {"type": "key_points", "value": {"title": "", "points": ["One"]}},
            {
                "type": "timeline",
                "value": {
                    "title": "",
                    "events": [{"when": "9", "title": "Rain", "description": ""}],
                },
            },
        ],
    )
    html = client.get(article.url).content.decode()
    assert '<div class="newsfeed-key-points">' in html
    assert '<div class="newsfeed-timeline">' in html
    assert '<section class="newsfeed-key-points">' not in html


def test_a_later_page_of_a_listing_says_so_in_its_title(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"ARTICLES_PER_PAGE": 1}
    for n in range(3):
        factories.make_article(news_index, f"Story {n}")
    first = client.get(news_index.url).content.decode()
    second = client.get(news_index.url, {"page": 2}).content.decode()
    assert "Page" not in first.split("<title>", 1)[1].split("</title>", 1)[0]
    assert f"<title>Page 2 | {news_index.title} | " in second


@pytest.mark.indexed
def test_search_results_say_what_was_searched_in_their_title(client, news_index):
    factories.make_article(news_index, "Flood warning")
    html = client.get(news_index.url, {"q": "flood <b>"}).content.decode()
    assert f"<title>Search results for “flood &lt;b&gt;” | {news_index.title} | " in html
