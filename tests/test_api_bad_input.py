"""Hostile and malformed input gets a problem-details 4xx, never a 500 (run on PostgreSQL too,
where out-of-range integers and odd search syntax are real database errors).

The newsroom the requests go to is built once for the module (``module_transaction``); each test
runs in its own savepoint, so what one writes never reaches the next."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.models import Site

from tests import factories, shared_newsroom
from tests.checks import assert_problem, nothing_saved
from tests.shared_newsroom import feed, news_index, superuser  # noqa: F401
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture(scope="module")
def newsroom(module_transaction) -> dict[str, int]:
    """The shared newsroom with one article and one entry by its superuser."""
    return shared_newsroom.build(stories=True)


@pytest.fixture
def api():
    return APIClient(raise_request_exception=True)


@pytest.mark.parametrize(
    "path,params,status,word",
    [
        (f"/api/newsfeed/v1/articles/{HUGE}/", {}, 404, "endpoint"),
        (f"/api/newsfeed/v1/feeds/{HUGE}/", {}, 404, "endpoint"),
        (f"/api/newsfeed/v1/feeds/{HUGE}/entries/", {}, 404, "endpoint"),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"before": HUGE}, 400, "before"),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"limit": HUGE}, 400, "limit"),
        ("/api/newsfeed/v1/articles/", {"limit": "9" * 5000}, 400, "limit"),
        ("/api/newsfeed/v1/articles/", {"limit": "1_0"}, 400, "limit"),
        ("/api/newsfeed/v1/topics/", {"limit": " 5"}, 400, "limit"),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"since": "x" * 5000}, 400, "since"),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"since": "YS5i"}, 400, "since"),
        ("/api/newsfeed/v1/articles/find/", {"path": "/x/", "site": HUGE}, 400, "site"),
        ("/api/newsfeed/v1/articles/find/", {"path": "/" + "x" * 3000}, 404, "not found"),
        ("/api/newsfeed/v1/articles/", {"published_after": "2026-06-01T25:00:00"}, 400, "after"),
        ("/api/newsfeed/v1/articles/", {"published_after": "2026-02-30"}, 400, "after"),
        (
            "/api/newsfeed/v1/articles/",
            {"cursor": "cD1ub3QtYS1kYXRl"},
            400,
            "cursor",
        ),  # p=not-a-date
        ("/api/newsfeed/v1/articles/", {"topic": "\x00"}, 400, "topic"),
        ("/api/newsfeed/v1/topics/", {"cursor": "%%%"}, 400, "cursor"),  # not base64 at all
        ("/api/newsfeed/v1/topics/", {"cursor": "WzEsIDJd"}, 400, "cursor"),  # base64 of [1, 2]
        ("/api/newsfeed/v1/articles/", {"cursor": "Ingi"}, 400, "cursor"),  # base64 of "x"
        ("/api/newsfeed/v1/feeds/", {"cursor": "eD0x"}, 400, "cursor"),  # x=1: not a cursor's key
    ],
)
def test_a_bad_read_is_a_problem_with_its_exact_status(
    api, feed, news_index, path, params, status, word
):
    response = api.get(path.format(feed=feed.pk), params)
    assert_problem(response, status, word)


@pytest.mark.indexed
@pytest.mark.parametrize("q", ["&|!():*'\"\\ <->", " "])
def test_search_syntax_characters_are_searched_for_not_parsed(api, news_index, q):
    response = api.get("/api/newsfeed/v1/articles/", {"q": q})
    assert response.status_code == 200, response.content[:300]


@pytest.fixture
def token_client(superuser):
    client = APIClient(raise_request_exception=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}")
    return client


@pytest.mark.parametrize(
    "data,word",
    [
        ("{not json", "json"),
        ([1, 2], "a JSON object is required"),
        ({"body": None}, "body"),
        *(
            ({"body": [{"type": "paragraph", "value": v}]}, "body")
            for v in (5, None, ["x"], {"a": 1})
        ),
        *(
            ({"body": [{"type": "heading", "value": v}]}, "body")
            for v in ("x", 5, None, {"text": 5, "level": "h9"})
        ),
    ],
    ids=lambda value: json.dumps(value)[:40] if not isinstance(value, str) else value,
)
def test_a_bad_entry_post_is_a_400_and_saves_nothing(token_client, feed, superuser, data, word):
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    text = data if isinstance(data, str) else json.dumps(data)
    with nothing_saved():
        response = token_client.post(url, text, content_type="application/json")
    assert_problem(response, 400, word)


@pytest.mark.parametrize(
    "data,headers,status,word",
    [
        ({"headline": "x" * 300}, {}, 400, "headline"),
        ({"headline": "y"}, {"HTTP_IF_MATCH": "9" * 18}, 409, "changed"),  # no entry has it
        ({"headline": "y"}, {"HTTP_IF_MATCH": "abc"}, 400, "If-Match"),
        # Longer than any id or version the app gives out; past 4,300 digits int() refuses it.
        ({"headline": "y"}, {"HTTP_IF_MATCH": HUGE}, 400, "If-Match"),
        ({"headline": "y"}, {"HTTP_IF_MATCH": "9" * 5000}, 400, "If-Match"),
        ({"headline": "y"}, {"HTTP_IF_MATCH": '"' + "1" * 4301 + '"'}, 400, "If-Match"),
    ],
)
def test_a_bad_entry_patch_has_its_exact_status_and_saves_nothing(
    token_client, feed, superuser, data, headers, status, word
):
    entry = factories.make_entry(feed, superuser)
    detail = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    with nothing_saved():
        response = token_client.patch(detail, data, "json", **headers)
    assert_problem(response, status, word)


def test_deleting_an_entry_id_too_big_to_exist_is_a_404_and_saves_nothing(token_client, feed):
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    with nothing_saved():
        response = token_client.delete(f"{url}{HUGE}/")
    assert_problem(response, 404, "endpoint")


# Precise regressions: each names the status, the parameter and what was (not) saved ----------

FIND = "/api/newsfeed/v1/articles/find/"
PROBLEM = "application/problem+json"
HUGE_ID = 10**30
#: Past SQLite's longest LIKE pattern (50,000 bytes): a case-insensitive match of it is an
#: ``OperationalError`` there, which would read as a busy database (a 503).
LONG = "x" * 50_001


def problem_names(response) -> list[str]:
    """The parameters or fields a 4xx problem names (asserting it is one)."""
    assert response["Content-Type"].startswith(PROBLEM), response.content[:300]
    return sorted(response.json().get("errors", {}))


@pytest.mark.parametrize(
    "params,name",
    [
        ({"path": "\x00"}, "path"),
        ({"path": "/news/\x00/"}, "path"),
        ({"path": "/news/x\x00y/"}, "path"),
        ({"path": "/news/\x1f/"}, "path"),
        ({"path": "/%00/"}, "path"),  # percent-encoded as URLs carry it: still a NUL
        ({"path": "/news/x%0Ay/"}, "path"),
        ({"path": "/x/", "site": "\x00"}, "site"),
        ({"path": "/x/", "site": "local\x00host"}, "site"),
        ({"path": "/x/", "site": "localhost:\x00"}, "site"),
        ({"path": "/x/", "site": "localhost:99999999999999999999"}, "site"),
        ({"path": "/x/", "site": "localhost:65536"}, "site"),
        ({"path": "/x/", "site": "localhost:0"}, "site"),
        ({"path": "/x/", "site": "localhost:abc"}, "site"),
        ({"path": "/x/", "site": "localhost:\u0661\u0662"}, "site"),  # Arabic-Indic digits
        ({"path": "/x/", "site": "\u0661"}, "site"),
        ({"path": "/x/", "site": "x" * 3000}, "site"),
        ({"path": "/x/", "site": "x" * 256}, "site"),  # longer than Site.hostname
        ({"path": "/x/", "site": LONG}, "site"),
        ({"path": "/x/", "site": LONG + ":80"}, "site"),
        ({"path": "/x/", "site": HUGE}, "site"),
    ],
)
def test_article_find_refuses_a_malformed_path_or_site_with_a_400_naming_it(
    api, news_index, params, name
):
    response = api.get(FIND, params)
    assert_problem(response, 400, name)
    assert problem_names(response) == [name]


@pytest.mark.parametrize("tag", [LONG, "x" * 101])
def test_a_tag_longer_than_any_tag_is_a_400_naming_tag(api, news_index, tag):
    article = factories.make_article(news_index)
    article.tags.add("Comet")  # a tag to compare with: SQLite checks the pattern per row
    article.save_revision().publish()
    response = api.get("/api/newsfeed/v1/articles/", {"tag": tag})
    assert_problem(response, 400, "tag")
    assert problem_names(response) == ["tag"]


def test_a_tag_as_long_as_a_tag_may_be_still_filters(api, news_index):
    article = factories.make_article(news_index)
    article.tags.add("X" * 100)  # taggit's Tag.name max_length
    article.save_revision().publish()
    response = api.get("/api/newsfeed/v1/articles/", {"tag": "x" * 100})
    assert response.status_code == 200, response.content[:300]
    assert [item["id"] for item in response.json()["results"]] == [article.pk]


def test_article_find_finds_a_site_whose_hostname_is_as_long_as_may_be(api, news_index):
    article = factories.make_article(news_index)
    site = factories.root_page().get_site()
    Site.objects.create(hostname="h" * 255, port=8080, root_page=site.root_page)
    path = article.url_path.removeprefix(site.root_page.url_path.rstrip("/"))
    response = api.get(FIND, {"path": path, "site": "H" * 255 + ".:8080"})  # any case, final dot
    assert response.status_code == 200, response.content[:300]
    assert response.json()["id"] == article.pk


def test_the_schema_states_the_longest_tag_and_site(api):
    schema = api.get("/api/newsfeed/v1/schema/", {"format": "json"}).json()
    parameters = {
        parameter["name"]: parameter["schema"]
        for path in ("/api/newsfeed/v1/articles/", FIND)
        for parameter in schema["paths"][path]["get"]["parameters"]
    }
    assert parameters["tag"]["maxLength"] == 100
    assert parameters["site"]["maxLength"] == len("x" * 255 + ".:65535")


@pytest.mark.parametrize(
    "path", ["/", "//", "///", "/" + "x" * 3000, "/news/a b/", "/news/%2500/", "/news/%ZZ/"]
)
def test_article_find_answers_404_for_a_well_formed_path_that_is_no_article(api, news_index, path):
    response = api.get(FIND, {"path": path})
    assert_problem(response, 404, "not found")


def test_article_find_still_finds_an_article_on_a_site_given_with_its_port(api, news_index):
    article = factories.make_article(news_index)
    site = factories.root_page().get_site()
    path = article.url_path.removeprefix(site.root_page.url_path.rstrip("/"))
    response = api.get(FIND, {"path": path, "site": f"{site.hostname}:{site.port}"})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["id"] == article.pk


@pytest.mark.parametrize(
    "path", ["/api/newsfeed/v1/topics/", "/api/newsfeed/v1/authors/", "/api/newsfeed/v1/sources/"]
)
def test_a_taxonomy_cursor_from_a_next_link_still_pages(api, news_index, path):
    topics = [factories.make_topic(f"Topic {n}") for n in range(3)]
    authors = [factories.make_author(f"Author {n}") for n in range(3)]
    for topic, author in zip(topics, authors, strict=True):
        factories.make_article(
            news_index, topics=[topic], authors=[author], source=factories.make_source()
        )
    first = api.get(path, {"limit": 2}).json()
    second = api.get(first["next"])
    assert second.status_code == 200
    assert len(first["results"]) + len(second.json()["results"]) == 3


# Writes --------------------------------------------------------------------------------------


@pytest.fixture
def writer(feed, superuser):
    """A token-authenticated client for ``feed``'s entries, with the URL to post to."""
    client = APIClient(raise_request_exception=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}")
    client.url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    return client


def test_a_json_body_over_the_upload_limit_is_a_413_problem_and_saves_nothing(writer, settings):
    text = "x" * (3 * 1024 * 1024)
    assert len(text) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"body": [{"type": "paragraph", "value": f"<p>{text}</p>"}]})
    with nothing_saved():
        response = writer.post(writer.url, body, content_type="application/json")
    assert_problem(response, 413, "too large")


def test_a_form_encoded_body_over_the_upload_limit_is_a_415_problem_and_saves_nothing(writer):
    body = "body=" + "x" * (3 * 1024 * 1024)
    with nothing_saved():
        response = writer.post(writer.url, body, content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415, "media type")  # refused before it is read


def test_a_small_form_encoded_body_is_a_415_problem(writer):
    with nothing_saved():
        response = writer.post(
            writer.url, "body=x", content_type="application/x-www-form-urlencoded"
        )
    assert_problem(response, 415, "media type")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        '{"body": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"a":' * 5000 + "1" + "}" * 5000,
    ],
)
def test_json_nested_5000_deep_is_a_400_problem_and_saves_nothing(writer, text):
    with nothing_saved():
        response = writer.post(writer.url, text, content_type="application/json")
    assert_problem(response, 400, "json")


@pytest.mark.parametrize(
    "body",
    [
        [{"type": ["x"], "value": 1}],
        [{"type": {"x": 1}, "value": 1}],
        [{"type": None, "value": 1}],
        [["paragraph", "<p>x</p>"]],
        {"type": "paragraph", "value": "<p>x</p>"},
        [{"type": "image", "value": {"image": HUGE_ID, "alt_text": "x"}}],
        [{"type": "image", "value": {"image": str(HUGE_ID), "alt_text": "x"}}],
        [{"type": "image", "value": {"image": -1, "alt_text": "x"}}],
        [{"type": "image", "value": {"image": 1.5, "alt_text": "x"}}],
        [{"type": "image", "value": {"image": True, "alt_text": "x"}}],
        [{"type": "image", "value": {"image": [1], "alt_text": "x"}}],
        [{"type": "document", "value": {"document": HUGE_ID}}],
        [{"type": "related_article", "value": {"page": HUGE_ID}}],
        [{"type": "source_credit", "value": {"source": HUGE_ID}}],
        [{"type": "fact_box", "value": {"title": "x", "body": {"source": HUGE_ID}}}],
        [{"type": "paragraph", "value": f'<p><a linktype="page" id="{HUGE_ID}">x</a></p>'}],
        [{"type": "paragraph", "value": f'<embed embedtype="image" id="{HUGE_ID}"/>'}],
        [{"type": "paragraph", "value": f'<p><a linktype="document" id="{HUGE_ID}">x</a></p>'}],
    ],
    ids=lambda body: json.dumps(body)[:60],
)
def test_a_malformed_block_or_an_impossible_id_is_a_400_naming_body(writer, body):
    with nothing_saved():
        response = writer.post(writer.url, {"body": body}, format="json")
    assert_problem(response, 400, "body")
    assert problem_names(response) == ["body"]


def test_nul_in_a_table_cell_is_stripped_and_the_entry_saved(writer):
    table = {"data": [["Party\x00", "Seats"], ["A\x00B", "12"]], "table_header_choice": "row"}
    response = writer.post(writer.url, {"body": [{"type": "table", "value": table}]}, "json")
    assert response.status_code == 201, response.content[:300]
    entry = LiveEntry.objects.get(pk=response.json()["id"])
    assert entry.body.raw_data[0]["value"]["data"] == [["Party", "Seats"], ["AB", "12"]]


def test_nul_in_an_author_slug_is_stripped_before_the_lookup(writer):
    author = factories.make_author(slug="jane-doe")
    body = factories.paragraph("Polls close")
    response = writer.post(writer.url, {"body": body, "authors": ["jane\x00-doe"]}, "json")
    assert response.status_code == 201, response.content[:300]
    assert list(LiveEntry.objects.get(pk=response.json()["id"]).authors.all()) == [author]


@pytest.mark.parametrize("authors", [["\x00"], ["no-such\x00-author"], [["x"]], [{"a": 1}], "x"])
def test_an_author_slug_that_names_nobody_is_a_400_naming_authors(writer, authors):
    body = factories.paragraph("Polls close")
    with nothing_saved():
        response = writer.post(writer.url, {"body": body, "authors": authors}, "json")
    assert_problem(response, 400, "authors")
    names = problem_names(response)
    assert names and {name.split(".")[0] for name in names} == {"authors"}


@pytest.mark.parametrize(
    "value, found",
    [
        ("5388-11-22T00:02:58-17:43", 0),  # RFC 3339 allows the offset; PostgreSQL does not
        ("2020-06-01T09:30:00+23:59", 1),
        ("0001-01-01T00:00:00+05:00", None),  # before year 1 in UTC: a 400
    ],
)
def test_published_after_with_any_rfc3339_offset_is_answered(api, news_index, value, found):
    response = api.get("/api/newsfeed/v1/articles/", {"published_after": value})
    if found is None:
        assert_problem(response, 400, "published_after")
    else:
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["results"]) == found


PARAGRAPH = '[{"type": "paragraph", "value": "<p>Polls close</p>"}]'


@pytest.mark.parametrize(
    "field,value",
    [
        ("headline", "1e400"),
        ("headline", "-1e400"),
        ("headline", "12345"),
        ("headline", "1.5"),
        ("headline", "true"),
        ("authors", "[12345]"),
        ("authors", "[1e400]"),
        ("status", "1"),
        ("display_time", "1e400"),
        ("display_time", "20260601"),
    ],
)
def test_a_number_where_text_belongs_is_a_400_naming_the_field(
    writer, feed, superuser, field, value
):
    """JSON numbers are not text: DRF's CharField would store ``12345`` as "12345" and 1e400
    (infinity to Python) as "inf"."""
    text = f'{{"{field}": {value}, "body": {PARAGRAPH}}}'
    with nothing_saved():
        response = writer.post(writer.url, text, content_type="application/json")
    assert_problem(response, 400, field)
    assert {name.split(".")[0] for name in problem_names(response)} == {field}
    entry = factories.make_entry(feed, superuser)
    detail = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    with nothing_saved():
        response = writer.patch(detail, f'{{"{field}": {value}}}', content_type="application/json")
    assert_problem(response, 400, field)


def test_a_headline_number_is_refused_as_block_text_is(writer):
    with nothing_saved():
        response = writer.post(
            writer.url,
            f'{{"headline": 1e400, "body": {PARAGRAPH}}}',
            content_type="application/json",
        )
    assert response.json()["errors"] == {"headline": ["Expected text, not a number or true/false."]}


@pytest.mark.parametrize(
    "block,where",
    [
        ('{"type": "image", "value": {"image": 1e400, "alt_text": "x"}}', "body[0].image"),
        ('{"type": "image", "value": {"image": -1e400, "alt_text": "x"}}', "body[0].image"),
        ('{"type": "table", "value": {"data": [["a", 1e400]]}}', "body[0]"),
        ('{"type": "document", "value": {"document": 1e400}}', "body[0].document"),
        ('{"type": "heading", "value": {"text": 1e400, "level": "h2"}}', "body[0].text"),
        ('{"type": 1e400, "value": 1}', "body[0]"),
    ],
)
def test_a_number_past_any_float_inside_a_block_is_a_block_error(writer, block, where):
    """1e400 is valid JSON (Python reads it as infinity): the block it is in is named, as for
    any other bad value, with Wagtail's structured ``block_errors``."""
    text = f'{{"body": [{PARAGRAPH[1:-1]}, {block}]}}'.replace("body[0]", "body[1]")
    with nothing_saved():
        response = writer.post(writer.url, text, content_type="application/json")
    body = assert_problem(response, 400, "body")
    assert list(body["errors"]) == ["body"]
    where = where.replace("body[0]", "body[1]")
    assert any(m.startswith(f"{where}:") for m in body["errors"]["body"]), body["errors"]
    assert body.get("block_errors"), body


@pytest.mark.parametrize("key", ["\\ud800", "\\udfff", "a\\ud800b"])
def test_a_field_named_with_a_lone_surrogate_is_a_400_naming_it(writer, key):
    text = f'{{"{key}": 1, "body": {PARAGRAPH}}}'
    with nothing_saved():
        response = writer.post(writer.url, text, content_type="application/json")
    body = assert_problem(response, 400)
    shown = json.loads(f'"{key}"').encode("utf-8", "replace").decode().replace("?", "\ufffd")
    assert list(body["errors"]) == [shown], body
    assert shown in body["detail"]
