"""Every method on every API path gets an API answer: ``OPTIONS`` and ``HEAD`` never fail (the
Swagger view has no template for ``OPTIONS``), a path under ``v1/`` that names nothing is a 404
problem for writes too (not Django's HTML CSRF page), and the preview endpoint answers the
methods its documentation lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests import factories
from tests.checks import assert_problem, nothing_saved
from tests.test_api_schema import API, SCHEMA, _every_api_path
from tests.test_headless_preview import FRONTEND, PREVIEW_API, token_for
from wagtail_newsfeed.api.preview import TOKEN_SCHEMA

WRITES = ["POST", "PUT", "PATCH", "DELETE"]
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def schema(db):
    return APIClient().get(SCHEMA, {"format": "json"}).json()


@pytest.fixture
def paths(schema, news_index) -> list[str]:
    """Every documented path, filled with things that exist, plus ``schema/`` and ``docs/``."""
    topic = factories.make_topic(slug="t1")
    author = factories.make_author(slug="t1")
    source = factories.make_source(slug="t1")
    feed = factories.make_feed(news_index)
    entry = factories.make_entry(feed)
    article = factories.make_article(news_index, topics=[topic], authors=[author], source=source)
    values = {"id": "{id}", "entry_id": str(entry.pk), "slug": "t1"}
    found = []
    for path in _every_api_path(schema, values):
        found.append(path.replace("{id}", str(article.pk if "/articles/" in path else feed.pk)))
    return found


def test_options_is_json_with_allow_on_every_path(paths):
    for path in paths:
        response = APIClient().options(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response["Content-Type"] == "application/json", path
        assert "GET" in response["Allow"] and "OPTIONS" in response["Allow"], path
        assert response.json()["name"], path


def test_options_on_the_docs_is_not_a_500(db):
    response = APIClient().options(f"{API}/docs/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["renders"] == ["text/html"]


def test_head_answers_as_get_without_a_body_on_every_path(paths):
    for path in paths:
        get, head = APIClient().get(path), APIClient().head(path)
        # Filled with things that exist, every path is a 200, but the two that need a query
        # parameter (``url``, ``token``), which are a 400 without it.
        expected = 400 if path.endswith(("/articles/find/", "/preview/")) else 200
        assert (get.status_code, head.status_code) == (expected, expected), path
        assert head["Content-Type"] == get["Content-Type"], path
        assert head.content == b"" and get.content != b"", path


UNMATCHED = [
    f"{API}/nope/",
    f"{API}/feeds/1000000000000000000/entries/2/",  # an id beyond the converter's range
    f"{API}/feeds/1/entries/2/nope/",
    f"{API}/articles/not-an-id/",
]


@pytest.mark.parametrize("path", UNMATCHED)
@pytest.mark.parametrize("method", [*WRITES, "GET", "HEAD", "OPTIONS", "TRACE"])
def test_unmatched_paths_are_404_problems_for_every_method(db, superuser, path, method):
    """Also with a session and no CSRF token: the CSRF check must not answer first (HTML 403)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    with nothing_saved():
        response = client.generic(method, path, '{"headline": "x"}', "application/json")
    assert response.status_code == 404, (method, path, response.status_code)
    assert response["Content-Type"] == "application/problem+json"
    if method != "HEAD":
        assert response.json()["status"] == 404


@pytest.fixture
def preview_token(admin_client, news_index, settings) -> str:
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "HEADLESS_PREVIEW_URL": FRONTEND}
    return token_for(admin_client, factories.make_article(news_index, publish=False))


def test_preview_head_is_get_without_a_body(preview_token):
    response = APIClient().head(PREVIEW_API, {"token": preview_token})
    assert response.status_code == 200 and response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert_problem(APIClient().get(PREVIEW_API, {"token": "x"}), 403)
    assert APIClient().head(PREVIEW_API, {"token": "x"}).status_code == 403


def test_preview_options_answers_like_every_read_endpoint(preview_token):
    for params in ({"token": preview_token}, {}):
        response = APIClient().options(PREVIEW_API, params)
        assert response.status_code == 200
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert "no-store" in response["Cache-Control"]
        assert preview_token not in response.content.decode()
    assert APIClient().options(f"{API}/articles/")["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", [*WRITES, "TRACE"])
def test_preview_other_methods_are_405_with_allow(preview_token, method):
    with nothing_saved():
        response = APIClient().generic(method, f"{PREVIEW_API}?token={preview_token}")
    assert_problem(response, 405, method)
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_preview_docs_list_the_methods_it_answers():
    row = next(
        line for line in (DOCS / "headless.md").read_text().splitlines() if "| 405 |" in line
    )
    assert "`HEAD`" in row and "`OPTIONS`" in row


def test_preview_token_schema_admits_real_tokens_and_not_blank(preview_token, schema):
    parameters = schema["paths"][PREVIEW_API]["get"]["parameters"]
    token = next(p for p in parameters if p["name"] == "token")["schema"]
    assert token == TOKEN_SCHEMA and token["minLength"] == 1
    assert re.fullmatch(token["pattern"].strip("^$"), preview_token)
    compressed = "." + preview_token  # signing's compressed form starts with "."
    assert re.fullmatch(token["pattern"].strip("^$"), compressed)
    for blank in ("", " "):
        assert_problem(APIClient().get(PREVIEW_API, {"token": blank}), 400, "token")
