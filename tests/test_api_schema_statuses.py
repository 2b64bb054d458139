"""What the schema says beyond bodies: 406 on every operation and 415 on writes with a body,
response headers where they are sent, no 304 where no ETag is sent, and a PATCH that cannot set
``display_time`` to null (the server refuses it)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.checks import api_client_for, assert_problem, nothing_saved

pytestmark = pytest.mark.django_db

API = "/api/newsfeed/v1"
ENTRY = f"{API}/feeds/{{id}}/entries/{{entry_id}}/"


@pytest.fixture(scope="module")
def schema(module_transaction) -> dict:
    response = APIClient().get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_406_and_every_write_with_a_body_415(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "application/problem+json" in responses["406"]["content"], (path, method)
        assert ("415" in responses) == (method in ("post", "patch")), (path, method)


def test_the_preview_documents_no_304_and_no_etag(schema):
    get = schema["paths"][f"{API}/preview/"]["get"]
    assert "304" not in get["responses"]
    assert "headers" not in get["responses"]["200"]
    assert "x-newsfeed-no-etag" not in str(schema)  # the marker never reaches the document


def test_response_headers_are_documented_where_they_are_sent(schema):
    articles = schema["paths"][f"{API}/articles/"]["get"]["responses"]
    assert set(articles["200"]["headers"]) == {"ETag"}
    assert set(articles["304"]["headers"]) == {"ETag"}
    post = schema["paths"][f"{API}/feeds/{{id}}/entries/"]["post"]["responses"]
    assert post["201"]["headers"]["Location"]["schema"] == {"type": "string", "format": "uri"}
    assert set(post["429"]["headers"]) == {"Retry-After"}
    assert "headers" not in schema["paths"][ENTRY]["delete"]["responses"]["204"]


def test_patch_documents_display_time_as_not_null_and_post_as_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["PatchedEntryWrite"]["properties"]["display_time"]["type"] == "string"
    assert components["EntryWrite"]["properties"]["display_time"]["type"] == ["string", "null"]


def test_a_null_display_time_in_a_patch_is_refused_as_documented(feed, superuser):
    entry = factories.make_entry(feed)
    url, client = f"{API}/feeds/{feed.pk}/entries/{entry.pk}/", api_client_for(superuser)
    with nothing_saved():
        response = client.patch(url, {"display_time": None}, "json")
    assert assert_problem(response, 400)["errors"] == {"display_time": ["Give the time to show."]}
