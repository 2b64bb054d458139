"""What the schema says beyond bodies: 406 and 503 on every operation, 413 and 415 on writes
with a body, 405 once for the methods no path lists, response headers where they are sent, no
304 where no ETag is sent, and a PATCH that cannot set ``display_time`` to null (the server
refuses it). Real answers with those statuses validate against it (the 503s:
``test_api_schema_outages``)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.checks import api_client_for, assert_problem, nothing_saved
from tests.test_api_schema import component_validator, validate_response
from wagtail_newsfeed.models import LiveEntry

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


def test_every_operation_documents_406_and_503_and_every_write_with_a_body_413_and_415(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for code in ("406", "503"):
            assert "application/problem+json" in responses[code]["content"], (path, method, code)
        assert set(responses["503"]["headers"]) == {"Retry-After"}, (path, method)
        with_body = method in ("post", "patch")
        assert ("requestBody" in operation) == with_body, (path, method)
        for code in ("413", "415"):
            assert (code in responses) == with_body, (path, method, code)
            if with_body:
                assert "application/problem+json" in responses[code]["content"], (path, code)


def test_405_is_documented_once_and_listed_by_no_operation(schema):
    """A listed operation's method exists, so it is never a 405: the 405 is for the methods a
    path does not list, said once."""
    found = schema["components"]["responses"]["MethodNotAllowed"]
    assert found["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert set(found["headers"]) == {"Allow"}
    assert "405" in schema["info"]["description"]
    assert not [(p, m) for p, m, operation in operations(schema) if "405" in operation["responses"]]


@pytest.fixture
def filled(schema, news_index) -> dict[str, str]:
    """Each documented path with things that exist, keyed by the documented path."""
    topic = factories.make_topic(slug="t1")
    author, source = factories.make_author(slug="t1"), factories.make_source(slug="t1")
    article = factories.make_article(news_index, topics=[topic], authors=[author], source=source)
    feed = factories.make_feed(news_index)
    entry = factories.make_entry(feed)
    found = {}
    for path in schema["paths"]:
        pk = article.pk if "/articles/" in path else feed.pk
        url = path.replace("{id}", str(pk)).replace("{entry_id}", str(entry.pk))
        found[path] = url.replace("{slug}", "t1")
    return found


@pytest.mark.parametrize("method", ["PUT", "TRACE", "POST", "DELETE"])
def test_a_method_no_path_lists_is_the_documented_405_with_the_listed_ones_allowed(
    schema, filled, superuser, method
):
    client, problem = api_client_for(superuser), component_validator(schema, "Problem")
    refused = 0
    for path, url in filled.items():
        listed = {name.upper() for name in schema["paths"][path]}
        if method in listed:
            continue
        with nothing_saved():
            response = client.generic(method, url, '{"headline": "x"}', "application/json")
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Content-Type"] == "application/problem+json", (method, path)
        assert not list(problem.iter_errors(response.json())), (method, path)
        assert set(response["Allow"].split(", ")) == listed | {"HEAD", "OPTIONS"}, (method, path)
        refused += 1
    assert refused


@pytest.fixture
def small_uploads(settings) -> int:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_body_over_the_upload_cap_is_the_documented_413(
    schema, feed, superuser, small_uploads, method
):
    entry = factories.make_entry(feed)
    path = f"{API}/feeds/{{id}}/entries/" if method == "post" else ENTRY
    url = path.replace("{id}", str(feed.pk)).replace("{entry_id}", str(entry.pk))
    body = {"body": factories.paragraph("x" * small_uploads)}
    with nothing_saved():
        response = getattr(api_client_for(superuser), method)(url, body, "json")
    assert assert_problem(response, 413)["type"].endswith(":payload_too_large")
    validate_response(schema, path, method, response)


def test_a_delete_never_reads_its_body_so_documents_no_413(feed, superuser, small_uploads):
    entry = factories.make_entry(feed)
    url = f"{API}/feeds/{feed.pk}/entries/{entry.pk}/"
    body = '{"headline": "%s"}' % ("x" * small_uploads)
    response = api_client_for(superuser).delete(url, body, content_type="application/json")
    assert response.status_code == 204
    assert not LiveEntry.objects.not_deleted().filter(pk=entry.pk).exists()


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


def test_a_get_with_an_etag_documents_the_412_it_answers_to_another_if_match(schema, news_index):
    article = factories.make_article(news_index)
    response = APIClient().get(f"{API}/articles/{article.pk}/", HTTP_IF_MATCH='"nope"')
    assert_problem(response, 412, "If-Match")
    validate_response(schema, f"{API}/articles/{{id}}/", "get", response)
    assert "412" not in schema["paths"][f"{API}/preview/"]["get"]["responses"]  # no ETag
    writes = [(p, m) for p, m, op in operations(schema) if m != "get" and "412" in op["responses"]]
    assert not writes  # a stale entry version is a 409
