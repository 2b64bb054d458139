"""HTTP of the OpenAPI document and its docs page, as of every API GET: an `ETag`,
`Cache-Control: public, max-age` and 304 on `If-None-Match`."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

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
