"""Keyset paging of every cursor-paged list (articles in both orderings, feeds, the taxonomy):
`next` and `previous` over items that share the first ordering value, items published mid-walk,
undated articles, and a page after the first costing what the first one does."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from wagtail.models import Page

from tests import factories
from tests.checks import assert_problem
from wagtail_newsfeed.models import NewsArticlePage

ARTICLES = "/api/newsfeed/v1/articles/"
SAME_TIME = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def api():
    return APIClient()


def ids(response) -> list[int | str]:
    """The ids of a page's items (slugs for the taxonomy, which shows no ids)."""
    assert response.status_code == 200, response.content[:500]
    return [item.get("id", item.get("slug")) for item in response.json()["results"]]


def walk(api, url: str) -> list[dict]:
    """Every page from ``url`` on, following ``next``: ``{url, ids, previous}`` each."""
    pages = []
    while url:
        response = api.get(url)
        pages.append({"url": url, "ids": ids(response), "previous": response.json()["previous"]})
        url = response.json()["next"]
        assert len(pages) < 50, "next never ends"
    return pages


def assert_walks_both_ways(api, url: str, expected: list[int], limit: int) -> None:
    """Following ``next`` gives ``expected`` in pages of ``limit``, each page's ``previous``
    gives exactly the page before it, and walking back from the last page ends on the first."""
    pages = walk(api, url)
    assert [item for page in pages for item in page["ids"]] == expected
    assert all(len(page["ids"]) == limit for page in pages[:-1])
    assert pages[0]["previous"] is None
    for before, page in zip(pages, pages[1:], strict=False):
        assert ids(api.get(page["previous"])) == before["ids"]
    back, previous = [], pages[-1]["previous"]
    while previous:
        response = api.get(previous)
        back.insert(0, ids(response))
        previous = response.json()["previous"]
    assert back == [page["ids"] for page in pages[:-1]]


def tied_articles(news_index, count: int = 8) -> list[int]:
    """``count`` articles published at one instant between one older and one newer article:
    their ids, newest first (``-published_at``, then ``-id``)."""
    older = factories.make_article(news_index, published_at=datetime(2026, 2, 1, tzinfo=UTC))
    tied = [factories.make_article(news_index, published_at=SAME_TIME) for _ in range(count)]
    newer = factories.make_article(news_index, published_at=datetime(2026, 4, 1, tzinfo=UTC))
    return [newer.pk, *sorted((a.pk for a in tied), reverse=True), older.pk]


@pytest.mark.parametrize("ordering", ["-published_at", "published_at"])
def test_articles_page_both_ways_over_a_shared_published_at(api, news_index, ordering):
    newest_first = tied_articles(news_index)
    expected = newest_first if ordering == "-published_at" else newest_first[::-1]
    assert_walks_both_ways(api, f"{ARTICLES}?limit=3&ordering={ordering}", expected, 3)


def test_the_default_ordering_pages_both_ways_over_a_shared_published_at(api, news_index):
    assert_walks_both_ways(api, f"{ARTICLES}?limit=2", tied_articles(news_index, 5), 2)


@pytest.mark.parametrize("ordering", ["-published_at", "published_at"])
def test_an_article_published_mid_walk_at_the_same_time_repeats_and_skips_nothing(
    api, news_index, ordering
):
    before = tied_articles(news_index)
    first = api.get(ARTICLES, {"limit": 3, "ordering": ordering}).json()
    second = api.get(first["next"]).json()
    # Ties with the page just read, and sorts after the others of its instant (a larger id).
    newcomer = factories.make_article(news_index, published_at=SAME_TIME).pk
    seen = [item["id"] for item in first["results"] + second["results"]]
    seen += [item for page in walk(api, second["next"]) for item in page["ids"]]
    if ordering == "-published_at":
        assert seen == before  # the newcomer is above the cursor: the next refresh shows it
    else:
        assert seen == [*before[:0:-1], newcomer, before[0]]  # still ahead: shown in its place


@pytest.mark.parametrize("ordering", ["-published_at", "published_at"])
def test_undated_articles_come_last_and_page_both_ways(api, news_index, ordering):
    dated = [
        factories.make_article(news_index, published_at=datetime(2026, 1, day, tzinfo=UTC)).pk
        for day in (1, 2)
    ]
    undated = [factories.make_article(news_index).pk for _ in range(3)]
    # Imported or edited in bulk: live, visible, and without a date.
    NewsArticlePage.objects.filter(pk__in=undated).update(published_at=None)
    in_order = dated[::-1] if ordering == "-published_at" else dated
    step = -1 if ordering == "-published_at" else 1
    expected = in_order + undated[::step]
    for limit in (1, 2):
        assert_walks_both_ways(
            api, f"{ARTICLES}?limit={limit}&ordering={ordering}", expected, limit
        )


def test_authors_of_one_name_page_both_ways(api, news_index):
    namesakes = [factories.make_author("Sam Reed") for _ in range(5)]
    others = [factories.make_author(name) for name in ("Ann Lee", "Zoe Ng")]
    factories.make_article(news_index, authors=[*namesakes, *others])
    expected = [others[0].slug, *(a.slug for a in namesakes), others[1].slug]
    assert_walks_both_ways(api, "/api/newsfeed/v1/authors/?limit=2", expected, 2)


def test_feeds_started_at_one_instant_page_both_ways(api, news_index):
    feeds = [factories.make_feed(news_index) for _ in range(5)]
    Page.objects.filter(pk__in=[f.pk for f in feeds]).update(first_published_at=SAME_TIME)
    expected = sorted((f.pk for f in feeds), reverse=True)
    assert_walks_both_ways(api, "/api/newsfeed/v1/feeds/?limit=2", expected, 2)


def _queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", [f"{ARTICLES}?limit=2", "/api/newsfeed/v1/authors/?limit=2"])
def test_a_page_deep_in_a_tie_costs_the_queries_of_the_first(api, news_index, settings, path):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": 0}
    factories.make_article(
        news_index, authors=[factories.make_author("Sam Reed") for _ in range(7)]
    )
    tied_articles(news_index, 6)
    pages = walk(api, path)
    assert len(pages) >= 3
    api.get(path)  # anything made on a first view (renditions, kept pieces) is made
    first = _queries(api, path)
    deep = pages[2]["previous"]  # a backward page in the middle of the tie
    api.get(deep)
    assert _queries(api, deep) == first
    deeper = walk(api, path)[2]["url"]
    assert _queries(api, deeper) == first


# Cursors a client rewrote: a 400 naming `cursor`, before any value reaches the database -------


def cursor_of(token: object) -> str:
    """A page cursor as the paginator reads it: base64url of JSON, ``{"r": 0|1, "k": [...]}``."""
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode().rstrip("=")


def assert_bad_cursor(response) -> None:
    body = assert_problem(response, 400, "cursor")
    assert sorted(body["errors"]) == ["cursor"]


def test_a_cursor_from_a_link_pages_and_a_rewritten_one_is_a_400(api, news_index):
    tied_articles(news_index, 2)
    link = api.get(ARTICLES, {"limit": 1}).json()["next"]
    assert api.get(link).status_code == 200
    encoded = parse_qs(urlsplit(link).query)["cursor"][0]
    token = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert token["k"][1] > 0
    token["k"][1] = 10**30  # beyond the id column's range
    assert_bad_cursor(api.get(ARTICLES, {"limit": 1, "cursor": cursor_of(token)}))


@pytest.mark.parametrize(
    "encoded",
    [
        # DRF's own cursors (p: position, o: offset, r: reverse), as lists gave before keyset
        # paging: clients start again from the first page.
        base64.b64encode(b"o=1&p=2026-03-01+12%3A00%3A00%2B00%3A00").decode(),
        base64.b64encode(b"r=1&p=2026-03-01+12%3A00%3A00%2B00%3A00").decode(),
        cursor_of([0, ["2026-03-01T12:00:00+00:00", 1]]),  # a list, not an object
        cursor_of({"r": 0}),
        cursor_of({"r": 2, "k": ["2026-03-01T12:00:00+00:00", 1]}),
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00", 1], "o": 3}),
        cursor_of({"r": 0, "k": "2026-03-01T12:00:00+00:00"}),
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00"]}),  # one value of two
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00", 1, 2]}),
        cursor_of({"r": 0, "k": ["not-a-date", 1]}),
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00", None]}),  # ids are never null
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00", "1\x00"]}),
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00", True]}),
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00", 1.5]}),
        cursor_of({"r": 0, "k": [["2026"], 1]}),
        cursor_of({"r": 1, "k": ["2026-03-01T12:00:00\x00", 1]}),
        cursor_of({"r": 0, "k": ["2026-03-01T12:00:00+00:00\ud800", 1]}),
        cursor_of({"r": 1, "k": ["\udfff", 1]}),
        "x" * 5000,
        "e30",  # {}
    ],
)
def test_an_article_cursor_that_no_link_gave_is_a_400_naming_cursor(api, news_index, encoded):
    factories.make_article(news_index)
    assert_bad_cursor(api.get(ARTICLES, {"cursor": encoded}))


@pytest.mark.parametrize(
    "path",
    ["/api/newsfeed/v1/topics/", "/api/newsfeed/v1/authors/", "/api/newsfeed/v1/sources/"],
)
@pytest.mark.parametrize(
    "values",
    [
        ["a\x00b", 1],
        ["\x00", 1],
        ["x" * 5000, 1],
        ["a", 10**30],
        ["a", -(10**30)],
        [None, 1],
        ["\ud800", 1],  # a lone UTF-16 surrogate: JSON can spell it, no database can hold it
        ["x\udfff", 1],
        ["a", "1\ud800"],
    ],
)
def test_a_taxonomy_cursor_with_an_impossible_position_is_a_400_naming_cursor(
    api, news_index, path, values
):
    author, source, topic = factories.make_author(), factories.make_source(), factories.make_topic()
    factories.make_article(news_index, topics=[topic], authors=[author], source=source)
    for reverse in (0, 1):
        assert_bad_cursor(api.get(path, {"cursor": cursor_of({"r": reverse, "k": values})}))


@pytest.mark.parametrize(
    "path",
    [ARTICLES, f"{ARTICLES}?ordering=published_at", "/api/newsfeed/v1/feeds/"],
)
@pytest.mark.parametrize(
    "position",
    [
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC (SQLite: OverflowError)
        "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
        "2026-01-01T00:00:00+20:00",  # ISO 8601 allows it, PostgreSQL does not
        "2026-01-01T00:00:00-23:59",
        "2026-01-01T00:00:00",  # no offset: no stored value is written so
    ],
)
def test_a_cursor_with_a_date_time_not_in_utc_is_a_400_naming_cursor(
    api, news_index, path, position
):
    """A date-time position is written in UTC; a client's rewritten offset goes to the database
    as it is (a 500 there) unless it is refused first."""
    factories.make_article(news_index)
    factories.make_feed(news_index)
    response = api.get(path, {"cursor": cursor_of({"r": 0, "k": [position, 1]})})
    assert_bad_cursor(response)


@pytest.mark.parametrize("ordering", ["-published_at", "published_at"])
def test_an_undated_position_pages_from_the_undated_articles(api, news_index, ordering):
    """``null`` is a position of a nullable field (undated articles, last either way)."""
    dated = factories.make_article(news_index, published_at=SAME_TIME).pk
    undated = [factories.make_article(news_index).pk for _ in range(2)]
    NewsArticlePage.objects.filter(pk__in=undated).update(published_at=None)
    first, second = sorted(undated, reverse=ordering == "-published_at")
    forward = cursor_of({"r": 0, "k": [None, first]})
    assert ids(api.get(ARTICLES, {"ordering": ordering, "cursor": forward})) == [second]
    back = cursor_of({"r": 1, "k": [None, first]})
    assert ids(api.get(ARTICLES, {"ordering": ordering, "cursor": back})) == [dated]


# A page a link leads to that is empty by now: 200 and links that still lead somewhere ----------


def unpublish(*article_ids: int) -> None:
    for page in Page.objects.filter(pk__in=article_ids).specific():
        page.unpublish()


@pytest.mark.parametrize("ordering", ["-published_at", "published_at"])
def test_a_next_link_whose_items_were_unpublished_is_an_empty_last_page(api, news_index, ordering):
    """The page after the link's position is empty: no ``next``; ``previous`` is the page the
    link came from."""
    in_order = tied_articles(news_index, 1)  # newer, tied, older (newest first)
    url = f"{ARTICLES}?limit=2&ordering={ordering}"
    first = api.get(url)
    unpublish(in_order[0] if ordering == "published_at" else in_order[-1])  # the last page's
    response = api.get(first.json()["next"])
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"] == []
    assert response.json()["next"] is None
    assert ids(api.get(response.json()["previous"])) == ids(first)


@pytest.mark.parametrize("ordering", ["-published_at", "published_at"])
def test_a_previous_link_whose_items_were_unpublished_is_an_empty_first_page(
    api, news_index, ordering
):
    """Walking back onto a page whose items are all gone: no ``previous``; ``next`` is the page
    the link came from."""
    tied_articles(news_index, 2)  # four articles
    url = f"{ARTICLES}?limit=2&ordering={ordering}"
    first = api.get(url)
    second = api.get(first.json()["next"])
    unpublish(*ids(first))
    response = api.get(second.json()["previous"])
    assert response.status_code == 200, response.content[:500]
    assert response.json()["results"] == []
    assert response.json()["previous"] is None
    assert ids(api.get(response.json()["next"])) == ids(second)


FIRST, LAST = "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"


@pytest.mark.parametrize(
    "path,reverse,position",
    [
        # The probe's cursors: past the oldest article, and past a feed started today.
        (ARTICLES, 0, [FIRST, 11]),
        ("/api/newsfeed/v1/feeds/", 0, ["0001-01-01T00:00:00Z", 1]),
        (ARTICLES, 1, [LAST, 11]),
        (f"{ARTICLES}?ordering=published_at", 0, [LAST, 11]),
        (f"{ARTICLES}?ordering=published_at", 1, [FIRST, 11]),
        ("/api/newsfeed/v1/feeds/", 1, [LAST, 1]),
        ("/api/newsfeed/v1/topics/", 0, ["zzz", 1]),
        ("/api/newsfeed/v1/authors/", 1, ["", 1]),
        ("/api/newsfeed/v1/sources/", 0, ["zzz", 1]),
    ],
)
def test_a_cursor_beyond_every_item_is_an_empty_page_whose_link_goes_back(
    api, news_index, path, reverse, position
):
    """No item lies beyond the cursor's position (going on, or coming back): 200 with no
    results; the link on the far side is null, and the other one pages back from the same
    position, written as the links write it."""
    factories.make_article(
        news_index,
        topics=[factories.make_topic("Aaa")],
        authors=[factories.make_author("Aaa")],
        source=factories.make_source(),
    )
    factories.make_feed(news_index)
    separator = "&" if "?" in path else "?"
    response = api.get(f"{path}{separator}cursor={cursor_of({'r': reverse, 'k': position})}")
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["results"] == []
    towards, away = ("previous", "next") if reverse else ("next", "previous")
    assert body[towards] is None
    token = parse_qs(urlsplit(body[away]).query)["cursor"][0]
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert decoded["r"] == 1 - reverse
    assert len(ids(api.get(body[away]))) == 1
