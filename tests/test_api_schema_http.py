"""HTTP of the OpenAPI document and its docs page, as of every API GET: an `ETag`,
`Cache-Control: public, max-age`, 304 on `If-None-Match`, and content negotiation that honours
q-values (a 406 for an `Accept` that refuses every type the document is served as)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.checks import assert_problem

pytestmark = pytest.mark.django_db

SCHEMA = "/api/newsfeed/v1/schema/"
DOCS = "/api/newsfeed/v1/docs/"


@pytest.mark.parametrize(
    "url,params",
    [(SCHEMA, {}), (SCHEMA, {"format": "json"}), (SCHEMA, {"format": "yaml"}), (DOCS, {})],
)
def test_the_schema_and_docs_have_an_etag_cache_control_and_answer_304(settings, url, params):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": 45}
    api = APIClient()
    first = api.get(url, params)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first["Cache-Control"] == "public, max-age=45"
    again = api.get(url, params)
    assert (again["ETag"], again.content) == (etag, first.content)  # the same for everyone
    unchanged = api.get(url, params, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    head = api.head(url, params, HTTP_IF_NONE_MATCH=etag)
    assert head.status_code == 304
    assert api.get(url, params, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_json_and_yaml_documents_have_their_own_etags(db):
    api = APIClient()
    assert api.get(SCHEMA)["ETag"] != api.get(SCHEMA, {"format": "json"})["ETag"]


def test_the_docs_page_carries_no_one_readers_csrf_token(db):
    """The page is the same for every reader (a shared cache may keep it), so it holds no
    reader's CSRF token: Swagger UI's writes authorize with an API token."""
    html = APIClient().get(DOCS).content.decode()
    assert 'request.headers["X-CSRFTOKEN"] = "";' in html


@pytest.mark.parametrize(
    "accept",
    [
        "application/json;q=0",
        "application/json;q=0, application/vnd.oai.openapi+json;q=0, application/yaml;q=0, "
        "application/vnd.oai.openapi;q=0",
        "*/*;q=0",
        "application/*;q=0",
        "text/html",
    ],
)
def test_an_accept_refusing_every_type_of_the_schema_is_a_406(db, accept):
    response = APIClient().get(SCHEMA, HTTP_ACCEPT=accept)
    body = assert_problem(response, 406)
    assert body["type"] == "urn:wagtail-newsfeed:problem:not_acceptable"


@pytest.mark.parametrize(
    "accept,params,content_type",
    [
        (None, {}, "application/vnd.oai.openapi"),
        ("*/*", {}, "application/vnd.oai.openapi"),
        ("application/json", {}, "application/json"),
        ("application/vnd.oai.openapi+json", {}, "application/vnd.oai.openapi+json"),
        ("application/yaml", {}, "application/yaml"),
        ("application/json;q=0, */*", {}, "application/vnd.oai.openapi"),  # JSON alone refused
        ("application/json;q=0.5, application/yaml", {}, "application/yaml"),
        (None, {"format": "json"}, "application/vnd.oai.openapi+json"),
        ("application/json", {"format": "json"}, "application/json"),
    ],
)
def test_the_schema_is_served_in_the_type_the_client_prefers(db, accept, params, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = APIClient().get(SCHEMA, params, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].split(";")[0] == content_type


@pytest.mark.parametrize(
    "accept", ["*/*;q=0", "text/html;q=0", "text/*;q=0", "text/html;q=0, */*", "application/json"]
)
def test_an_accept_refusing_html_on_the_docs_page_is_a_406(db, accept):
    """The page is HTML only; q-values count there as everywhere (the most specific range)."""
    body = assert_problem(APIClient().get(DOCS, HTTP_ACCEPT=accept), 406)
    assert body["type"] == "urn:wagtail-newsfeed:problem:not_acceptable"


@pytest.mark.parametrize(
    "accept,params",
    [
        (None, {"format": "json"}),  # ignored like any unknown parameter: only the document
        (None, {"format": "yaml"}),  # takes ?format=
        ("text/html,application/xhtml+xml,*/*;q=0.8", {}),  # a browser's
        ("text/html;q=0.1", {"format": "xml"}),
        ("*/*", {}),
    ],
)
def test_the_docs_page_is_html_for_an_accept_that_allows_it_whatever_format_says(
    db, accept, params
):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = APIClient().get(DOCS, params, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].split(";")[0] == "text/html"


@pytest.mark.parametrize("date", ["Thu, 01 Jan 2099 00:00:00 GMT", "Mon, 01 Jan 2001 00:00:00 GMT"])
@pytest.mark.parametrize("url", [SCHEMA, DOCS])
def test_the_schema_and_docs_ignore_if_unmodified_since(db, url, date):
    """They have no modification date, so RFC 9110 §13.1.4 says to ignore the header."""
    api = APIClient()
    plain = api.get(url)
    response = api.get(url, HTTP_IF_UNMODIFIED_SINCE=date)
    assert response.status_code == 200
    assert (response["ETag"], response.content) == (plain["ETag"], plain.content)


@pytest.mark.parametrize("url", [SCHEMA, DOCS])
def test_an_if_match_naming_another_etag_on_the_schema_or_docs_is_a_412_problem(db, url):
    api = APIClient()
    assert_problem(api.get(url, HTTP_IF_MATCH='"nope"'), 412, "If-Match")
    assert api.get(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 200
