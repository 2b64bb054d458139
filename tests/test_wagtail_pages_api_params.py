"""Every query parameter of Wagtail's pages API (``/api/v2/pages/``, ``VisiblePagesAPIViewSet``):
a value the view cannot take is a problem-details 400 naming the parameter on every database
(Wagtail passed dates, long ids, NUL bytes and search operators to the database: a 500), and the
values it can take still filter as they did."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient
from wagtail.models import Locale

from tests import factories
from tests.checks import PROBLEM, assert_problem
from tests.shared_newsroom import build, feed, news_index  # noqa: F401 (module-wide fixtures)
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"
ARTICLES = "wagtail_newsfeed.NewsArticlePage"
FEEDS = "wagtail_newsfeed.LiveFeedPage"
LONG_ID = "1" * 30  # past any 64-bit column: SQLite raised OverflowError
PUBLISHED = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture(scope="module")
def newsroom(module_transaction) -> dict[str, int]:
    """The shared newsroom, with a breaking article about a topic and a quiet one."""
    ids = build()
    index = NewsIndexPage.objects.get(pk=ids["index"])
    topic = factories.make_topic("Science", slug="science")
    comet = factories.make_article(
        index, "Comet seen", topics=[topic], published_at=PUBLISHED, is_breaking=True
    )
    quiet = factories.make_article(index, "Quiet day")
    return {**ids, "comet": comet.pk, "quiet": quiet.pk, "topic": topic.pk}


def get(path: str = "", **params: str) -> Any:
    return APIClient().get(f"{PAGES}{path}", params)


def refused(response: Any, name: str) -> dict[str, Any]:
    """A 400 problem whose detail, ``errors`` and Wagtail-style ``message`` name ``name``."""
    body = assert_problem(response, 400, name)
    assert name in body["errors"], body
    assert name in body["message"], body
    return body


def listed_ids(**params: str) -> set[int]:
    response = get(**params)
    assert response.status_code == 200, response.content[:300]
    return {item["id"] for item in response.json()["items"]}


def case(name: str, **params: str) -> Any:
    return pytest.param(name, params, id=f"{name}={params.get(name, '')!r:.40}")


LISTING_REFUSALS = [
    # Date filters: Wagtail filtered on the text as it came.
    case("first_published_at", first_published_at="notadate"),
    case("first_published_at", first_published_at="2026-13-45"),
    case("published_at", type=ARTICLES, published_at="x"),
    case("updated_at", type=ARTICLES, updated_at="2026-02-30"),
    case("coverage_start", type=FEEDS, coverage_start="2026-13-45"),
    case("coverage_end", type=FEEDS, coverage_end="yesterday"),
    # Ids, of pages and of what pages point to.
    case("alias_of", alias_of=LONG_ID),
    case("alias_of", alias_of="abc"),
    case("alias_of", alias_of="-1"),
    case("id", id=LONG_ID),
    case("id", id="0"),
    case("lead_image", type=ARTICLES, lead_image=LONG_ID),
    case("source", type=ARTICLES, source=LONG_ID),
    case("topics", type=ARTICLES, topics="science"),
    case("topics", type=ARTICLES, topics=LONG_ID),
    case("corrections", type=ARTICLES, corrections="abc"),
    case("corrections", type=ARTICLES, corrections=LONG_ID),
    case("child_of", child_of=LONG_ID),
    case("child_of", child_of="999999"),  # no such page (Wagtail's own refusal, named here)
    case("descendant_of", descendant_of="abc"),
    case("ancestor_of", ancestor_of="root"),
    case("ancestor_of", ancestor_of=LONG_ID),
    case("translation_of", translation_of="-1"),
    # Numbers and booleans.
    case("limit", limit="abc"),
    case("limit", limit="9" * 30),
    case("limit", limit="1000"),  # past WAGTAILAPI_LIMIT_MAX (Wagtail's own refusal)
    case("offset", offset="1.5"),
    case("show_in_menus", show_in_menus="maybe"),
    case("is_breaking", type=ARTICLES, is_breaking="yes"),
    # Search.
    case("search_operator", search="comet", search_operator="bogus"),
    case("search_operator", search_operator="xor"),
    case("search", search="a\x00b"),
    case("search", search="comet " * 400),
    case("search", type=ARTICLES, tags="space", search="comet"),
    # NUL bytes (PostgreSQL refuses them in text) and values longer than their column.
    case("locale", locale="en\x00"),
    case("locale", locale="zz"),
    case("title", title="a\x00"),
    case("title", title="a" * 300),
    case("slug", slug="news\x00"),
    case("search_description", search_description="\x00"),
    case("dateline", type=ARTICLES, dateline="x" * 300),
    case("tags", type=ARTICLES, tags="a\x00"),
    case("_", _="\x00"),
    # Ordering, fields, types, sites, formats.
    case("order", order="bogus"),
    case("order", order="random", offset="1"),
    case("fields", fields="bogus"),
    case("fields", fields="title("),
    case("fields", fields="body(type)"),
    case("fields", fields="a(" * 20 + "b" + ")" * 20),
    case("fields", fields="a(" * 2000),
    case("type", type="bogus"),
    case("type", type="a.b.c"),
    case("type", type="auth.User"),
    case("type", type="x.Y"),  # well formed, but no such page type
    case("type", type=f"{ARTICLES},"),
    case("site", site="localhost:abc"),
    case("site", site=f"localhost:{LONG_ID}"),
    case("site", site="localhost:0"),
    case("site", site="nowhere.example"),  # Wagtail 7.4: Site.DoesNotExist, a 500
    case("site", site="localhost:8081"),  # no site on that port
    case("site", site="local\x00host"),
    case("rich_text_format", rich_text_format="bogus"),
    case("format", format="xml"),  # DRF answered a 404 "Not found." for pages that exist
    case("format", format="JSON"),
    # Fields with choices: a value none of them is selects nothing, silently.
    case("coverage_status", type=FEEDS, coverage_status="x"),
    case("entry_order", type=FEEDS, entry_order="x"),
    case("entry_order", type=FEEDS, entry_order="Newest"),
    # What the listing does not know.
    case("has_children", has_children="maybe"),
    case("parent", parent="1"),
    case("published_at", published_at="2026-01-01"),  # a field of articles only
]


@pytest.mark.parametrize(("name", "params"), LISTING_REFUSALS)
def test_listing_refuses_a_bad_value_with_a_problem_naming_the_parameter(newsroom, name, params):
    refused(get(**params), name)


def test_a_nul_in_a_parameter_name_is_refused_by_name(newsroom):
    refused(get(**{"ti\x00tle": "x"}), "ti\x00tle")


def test_every_bad_parameter_is_named_at_once(newsroom):
    body = refused(get(limit="x", first_published_at="y", search_operator="z"), "limit")
    assert set(body["errors"]) == {"limit", "first_published_at", "search_operator"}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        case("id", id=LONG_ID),
        case("id", id="abc"),
        case("html_path", html_path="/news\x00/"),
        case("html_path", html_path="/" + "a" * 3000 + "/"),
        case("site", html_path="/", site="a\x00"),
        case("fields", html_path="/", fields="title\x00"),
        case("type", html_path="/", type="bogus"),
    ],
)
def test_find_refuses_a_bad_value_with_a_problem_naming_the_parameter(newsroom, name, params):
    refused(get("find/", **params), name)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        case("fields", fields="bogus"),
        case("fields", fields="title\x00"),
        case("fields", fields="lead_image(" * 20),
        case("rich_text_format", rich_text_format="\x00"),
        case("type", type="bogus"),
        case("site", site="localhost:abc"),
        case("site", site="local\x00host"),
        case("site", site="nowhere.example"),
        # Wagtail's detail view filters its queryset through every filter backend, as the
        # listing does: the same values are refused.
        case("search_operator", search="x", search_operator="xor"),
        case("source", type=ARTICLES, source=LONG_ID),
        case("topics", type=ARTICLES, topics=LONG_ID),
        case("published_at", type=ARTICLES, published_at="notadate"),
        case("child_of", child_of="abc"),
        case("limit", limit="x"),
        case("format", format="xml"),
    ],
)
def test_detail_refuses_a_bad_value_with_a_problem_naming_the_parameter(newsroom, name, params):
    refused(get(f"{newsroom['comet']}/", **params), name)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        case("search_operator", search="x", search_operator="xor"),
        case("source", type=ARTICLES, source=LONG_ID),
        case("published_at", type=ARTICLES, published_at="notadate"),
    ],
)
def test_find_refuses_what_its_detail_would_refuse(newsroom, name, params):
    comet = NewsArticlePage.objects.get(pk=newsroom["comet"])
    refused(get("find/", html_path=comet.url, **params), name)


@pytest.mark.indexed
@pytest.mark.parametrize(
    "query",
    [
        " ".join(["ab"] * 150),  # one nested expression per word: recursion ran out
        " ".join(["comet"] * 1000)[:2000],
        '"',  # an unbalanced quote: a syntax error to SQLite's full-text engine
        'comet "seen',
        "'\"`",
        " ".join(["x"] * 98) + ' "comet seen"',  # the cut must not split the quoted phrase
    ],
)
def test_any_search_text_is_answered_not_an_error(newsroom, query):
    for params in ({}, {"type": ARTICLES}, {"search_operator": "or"}):
        response = get(search=query, **params)
        assert response.status_code == 200, (query[:40], response.content[:200])


def test_detail_of_a_missing_page_is_a_404_problem(newsroom):
    body = assert_problem(get(f"{LONG_ID[:18]}/"), 404)
    assert body["message"] == body["detail"]


@pytest.mark.parametrize("path", ["", "{comet}/"])
@pytest.mark.parametrize(
    "accept", ["application/json;q=0", "*/*;q=0", "application/*;q=0, text/html;q=0", "image/png"]
)
def test_an_accept_refusing_every_format_is_a_406_problem(newsroom, path, accept):
    """q-values count here as on every endpoint of the app (``JSONNegotiation``)."""
    url = f"{PAGES}{path.format(comet=newsroom['comet'])}"
    body = assert_problem(APIClient().get(url, HTTP_ACCEPT=accept), 406)
    assert body["type"] == "urn:wagtail-newsfeed:problem:not_acceptable"


@pytest.mark.parametrize(
    "accept,params,content_type",
    [
        (None, {"format": "json"}, "application/json"),
        ("application/json;q=0, */*", {}, "text/html"),  # the browsable API, JSON refused
        ("text/html", {}, "text/html"),
        ("text/html,*/*;q=0.8", {"format": "json"}, "application/json"),
        (None, {"format": "api"}, "text/html"),
        ("application/json;q=0.5, text/html;q=0.9", {}, "text/html"),
    ],
)
def test_format_and_accept_choose_among_json_and_the_browsable_api(
    newsroom, accept, params, content_type
):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = APIClient().get(f"{PAGES}{newsroom['comet']}/", params, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].split(";")[0] == content_type


def test_choice_filters_still_select_their_pages(newsroom):
    feed_page = LiveFeedPage.objects.get(pk=newsroom["feed"])
    status, order = feed_page.coverage_status, feed_page.entry_order
    assert listed_ids(type=FEEDS, coverage_status=status, entry_order=order) == {feed_page.pk}


def test_the_browsable_api_does_not_label_its_html_error_page_a_problem(newsroom):
    response = APIClient().get(PAGES, {"limit": "x"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# The values the view takes still answer 200 with what they select.


def test_date_filters_select_the_page_with_that_time(newsroom):
    comet = NewsArticlePage.objects.get(pk=newsroom["comet"])
    feed_page = LiveFeedPage.objects.get(pk=newsroom["feed"])
    assert listed_ids(type=ARTICLES, published_at=PUBLISHED.isoformat()) == {comet.pk}
    assert listed_ids(first_published_at=comet.first_published_at.isoformat()) == {comet.pk}
    coverage_start = feed_page.coverage_start.isoformat()
    assert listed_ids(type=FEEDS, coverage_start=coverage_start) == {feed_page.pk}


def test_id_boolean_and_relation_filters_select_their_pages(newsroom):
    comet = newsroom["comet"]
    assert listed_ids(id=str(comet)) == {comet}
    assert listed_ids(type=ARTICLES, is_breaking="true") == {comet}
    assert listed_ids(type=ARTICLES, topics=str(newsroom["topic"])) == {comet}
    assert listed_ids(alias_of=str(comet)) == set()


def test_tree_filters_select_their_pages(newsroom):
    children = {newsroom["comet"], newsroom["quiet"], newsroom["feed"]}
    assert listed_ids(child_of=str(newsroom["index"])) == children
    assert listed_ids(descendant_of=str(newsroom["index"])) == children
    assert newsroom["index"] in listed_ids(ancestor_of=str(newsroom["comet"]))
    assert newsroom["index"] in listed_ids(child_of="root")


@pytest.mark.indexed
@pytest.mark.parametrize("operator", ["and", "OR", ""])
def test_search_operators_still_search(newsroom, operator):
    assert listed_ids(search="comet seen", search_operator=operator) == {newsroom["comet"]}


def test_paging_ordering_fields_locale_and_site_still_apply(newsroom):
    locale = Locale.get_default().language_code
    params = {"type": ARTICLES, "order": "-title", "fields": "title,dateline", "locale": locale}
    response = get(**params, site="localhost", limit="1", offset="1")
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 2
    assert [item["title"] for item in data["items"]] == ["Comet seen"]
    assert "dateline" in data["items"][0]


def test_find_and_detail_still_answer(newsroom):
    comet = NewsArticlePage.objects.get(pk=newsroom["comet"])
    assert get("find/", id=str(comet.pk)).status_code == 302
    assert get("find/", html_path=comet.url).status_code == 302
    detail = get(f"{comet.pk}/", fields="_,title", rich_text_format="html")
    assert detail.status_code == 200
    assert detail.json()["title"] == "Comet seen"
    assert not detail["Content-Type"].startswith(PROBLEM)
