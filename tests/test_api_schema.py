"""The OpenAPI document: it validates, documents every endpoint, parameter and block shape, every
documented read path answers, and the Swagger UI is served from the site's own static files.

It is also strict: ``seed_scenario`` builds content with every block type, nulls where fields may be
null, and a tombstone; every response the API gives for it (errors included) validates against the
served schema with a strict JSON Schema validator. The typed-client and fuzzing tests
(``test_api_openapi_client``, ``test_api_schemathesis``) reuse the scenario."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from drf_spectacular.validation import validate_schema
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests import factories
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.blocks import NewsStreamBlock
from wagtail_newsfeed.models import ArticleCorrection

pytestmark = pytest.mark.django_db

SCHEMA = "/api/newsfeed/v1/schema/"
API = "/api/newsfeed/v1"
VIDEO = "https://video.example/watch/1"
#: The one time format of every response: UTC, microseconds, ``Z``.
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def every_block_body(news_index: Any) -> list[dict[str, Any]]:
    """A body with each block type, and the values that may be null (a hidden related article)."""
    image = factories.make_image("Flood", width=1200, height=800)
    other = factories.make_article(news_index, "Earlier story")
    hidden = factories.make_article(news_index, "Unpublished", publish=False)
    source = factories.make_source(url="")
    document = Document.objects.create(
        title="Report", file=ContentFile(b"%PDF-1.4", name="report.pdf")
    )
    Embed.objects.get_or_create(
        url=VIDEO,
        defaults={
            "hash": get_embed_hash(VIDEO),
            "type": "video",
            "html": '<iframe src="https://video.example/embed/1"></iframe>',
            "title": "A video",
        },
    )
    table = {
        "data": [["Party", "Seats"], ["A", "10"], ["B", None]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "Results",
    }
    return [
        {"type": "paragraph", "value": f'<p>See <a linktype="page" id="{other.pk}">it</a></p>'},
        {"type": "heading", "value": {"text": "Background", "level": "h2"}},
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Water"}},
        {"type": "quote", "value": {"text": "We will rebuild", "attribution": "Mayor"}},
        {"type": "pull_quote", "value": {"text": "Rebuild", "attribution": ""}},
        {"type": "embed", "value": {"embed": VIDEO, "caption": "Footage"}},
        {"type": "key_points", "value": {"title": "Key points", "points": ["One", "Two"]}},
        {"type": "fact_box", "value": {"title": "Facts", "body": "<p><b>3</b> rivers</p>"}},
        {"type": "table", "value": table},
        {"type": "related_article", "value": {"page": other.pk, "label": "Background"}},
        {"type": "related_article", "value": {"page": hidden.pk, "label": ""}},
        {"type": "document", "value": {"document": document.pk, "title": ""}},
        {"type": "source_credit", "value": {"source": source.pk, "note": "Extra reporting"}},
        {
            "type": "timeline",
            "value": {
                "title": "How it happened",
                "events": [{"when": "09:00", "title": "Rain", "description": "Heavy"}],
            },
        },
    ]


def seed_scenario() -> dict[str, Any]:
    """Articles (with and without source, lead image, author photo, corrections, every block),
    a live feed with a pinned key event and a tombstone, and a token for a writer."""
    index = factories.make_index()
    topic = factories.make_topic("Floods", slug="floods")
    with_photo = factories.make_author("Ann Reporter", slug="ann", photo=factories.make_image())
    no_photo = factories.make_author("Bo Writer", slug="bo")
    source = factories.make_source("Reuters", slug="reuters", url="https://reuters.example")
    full = factories.make_article(
        index,
        "River floods",
        slug="river-floods",
        topics=[topic],
        authors=[with_photo, no_photo],
        source=source,
        lead_image=factories.make_image("Lead"),
        body=every_block_body(index),
    )
    ArticleCorrection.objects.create(page=full, kind="correction", text="Fixed a name.")
    plain = factories.make_article(index, "Plain story", slug="plain-story")
    feed = factories.make_feed(index, "Flood live", coverage_start=None)
    writer = factories.make_superuser("schema-writer")
    start = delta.encode_cursor(feed, delta.current_version(feed))
    entries = [
        factories.make_entry(feed, writer, "First update."),
        factories.make_entry(feed, writer, "Key moment.", is_key_event=True, is_pinned=True),
        factories.make_entry(feed, writer, "Retracted."),
        factories.make_entry(feed, writer, body=every_block_body(index)),
    ]
    entry_rules.delete_entry(entries[2], writer)
    return {
        "index": index,
        "article": full,
        "plain": plain,
        "feed": feed,
        "entries": entries,
        "tombstone_id": entries[2].pk,
        "start_cursor": start,
        "token": Token.objects.create(user=writer).key,
        "writer": writer,
    }


def _strict(node: Any) -> Any:
    """The document with ``$ref``s rewritten to the registry's URI."""
    if isinstance(node, dict):
        return {
            key: (f"urn:api{value}" if key == "$ref" else _strict(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def validate_response(schema: dict, path: str, method: str, response: Any) -> None:
    """``response`` (status, content type, body) is what the schema documents for it, strictly."""
    status = response.status_code
    responses = schema["paths"][path][method]["responses"]
    assert str(status) in responses, (path, method, status)
    content_types = set(responses[str(status)].get("content", {}))
    actual_type = response["Content-Type"].split(";")[0]
    assert actual_type in content_types, (path, status, actual_type, content_types)
    component = _strict(responses[str(status)]["content"][actual_type]["schema"])
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(_strict(schema)))
    validator = OAS31Validator(
        component, registry=registry, format_checker=OAS31Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, (path, status, [(list(e.path), e.message[:300]) for e in errors[:5]])


def component_validator(schema: dict, name: str) -> OAS31Validator:
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(_strict(schema)))
    return OAS31Validator(
        {"$ref": f"urn:api#/components/schemas/{name}"},
        registry=registry,
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )


@pytest.fixture(scope="module")
def served_schema(module_transaction) -> dict:
    """The schema as served, generated once for the module (it costs a second or more)."""
    response = APIClient().get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def schema(served_schema) -> dict:
    return copy.deepcopy(served_schema)  # a test that changes its copy changes no other's


def test_schema_validates(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_describes_every_endpoint(schema):
    paths = schema["paths"]
    for path in [
        "/api/newsfeed/v1/articles/",
        "/api/newsfeed/v1/articles/{id}/",
        "/api/newsfeed/v1/articles/find/",
        "/api/newsfeed/v1/feeds/",
        "/api/newsfeed/v1/feeds/{id}/",
        "/api/newsfeed/v1/feeds/{id}/entries/",
        "/api/newsfeed/v1/feeds/{id}/entries/{entry_id}/",
        "/api/newsfeed/v1/topics/",
        "/api/newsfeed/v1/topics/{slug}/",
        "/api/newsfeed/v1/authors/",
        "/api/newsfeed/v1/authors/{slug}/",
        "/api/newsfeed/v1/sources/",
        "/api/newsfeed/v1/sources/{slug}/",
    ]:
        assert path in paths, path
    entries = paths["/api/newsfeed/v1/feeds/{id}/entries/"]
    assert {"get", "post"} <= set(entries)
    assert {"get", "patch", "delete"} <= set(
        paths["/api/newsfeed/v1/feeds/{id}/entries/{entry_id}/"]
    )
    names = {p["name"] for p in paths["/api/newsfeed/v1/articles/"]["get"]["parameters"]}
    assert names >= {
        "topic", "tag", "author", "source", "published_after", "published_before",
        "q", "ordering", "limit", "cursor",
    }  # fmt: skip
    names = {p["name"] for p in entries["get"]["parameters"]}
    assert names >= {"since", "before", "key_events", "limit"}


def test_schema_documents_each_block_shape(schema):
    components = schema["components"]["schemas"]
    block = components["Block"]
    assert block["discriminator"]["propertyName"] == "type"
    assert set(block["discriminator"]["mapping"]) == set(NewsStreamBlock.base_blocks)
    image_value = components["ImageValue"]["properties"]
    assert set(image_value) == {"image", "decorative", "alt", "caption", "credit"}
    assert "renditions" in components["ImageSchema"]["properties"]
    detail = components["ArticleDetail"]["properties"]["body"]
    assert detail["type"] == "array"


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_documented_read_path_answers(schema, news_index, superuser):
    topic = factories.make_topic(slug="t1")
    author = factories.make_author(slug="a1")
    source = factories.make_source(slug="s1")
    article = factories.make_article(news_index, topics=[topic], authors=[author], source=source)
    feed = factories.make_feed(news_index)
    entry = factories.make_entry(feed, superuser)
    values = {"id": str(feed.pk), "entry_id": str(entry.pk), "slug": "t1"}
    api = APIClient()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        required = {p["name"] for p in operations["get"].get("parameters", []) if p.get("required")}
        if required - {"path", "id", "entry_id", "slug"}:
            continue  # needs a credential (the preview token): tested with its endpoint
        slugs = {"/authors/": "a1", "/sources/": "s1"}
        params = dict(values)
        for fragment, slug in slugs.items():
            if fragment in path:
                params["slug"] = slug
        if path.startswith("/api/newsfeed/v1/articles/{id}"):
            params["id"] = str(article.pk)
        query = {"path": article.url} if path.endswith("/find/") else {}
        response = api.get(_fill(path, params), query)
        assert response.status_code == 200, (path, response.content[:300])
        assert "200" in operations["get"]["responses"]


def test_swagger_ui_is_served_without_a_cdn(db):
    response = APIClient().get("/api/newsfeed/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "/api/newsfeed/v1/schema/" in html


def test_errors_and_304_are_documented(schema):
    post = schema["paths"]["/api/newsfeed/v1/feeds/{id}/entries/"]["post"]
    for code in ("400", "401", "403", "404", "429"):
        assert "application/problem+json" in post["responses"][code]["content"], code
    get = schema["paths"]["/api/newsfeed/v1/articles/"]["get"]
    assert "304" in get["responses"]
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {
        "type", "title", "status", "detail",
    }  # fmt: skip
    delta = schema["components"]["schemas"]["DeltaSync"]["properties"]
    assert set(delta) == {"results", "cursor", "has_more"}


def test_reads_are_documented_as_public_and_writes_as_authenticated(schema):
    assert schema["paths"]["/api/newsfeed/v1/articles/"]["get"]["security"] == [{}]
    post = schema["paths"]["/api/newsfeed/v1/feeds/{id}/entries/"]["post"]
    assert {"tokenAuth": []} in post["security"]
    assert {"cookieAuth": []} in post["security"]
    assert {} not in post["security"]


# Strictness -----------------------------------------------------------------------------------


def test_schema_passes_openapi_spec_validator(schema):
    validate_spec(schema)  # raises on any violation of the OpenAPI 3.1 specification
    assert schema["openapi"].startswith("3.1")


def test_entries_and_tombstones_are_told_apart(schema):
    entry_schema = component_validator(schema, "Entry")
    tombstone_schema = component_validator(schema, "Tombstone")
    either = component_validator(schema, "EntryOrTombstone")
    tombstone = {"id": 7, "deleted": True}
    assert tombstone_schema.is_valid(tombstone)
    assert not entry_schema.is_valid(tombstone)
    assert not tombstone_schema.is_valid({"id": 7, "deleted": False})
    assert not tombstone_schema.is_valid({"id": 7})  # `deleted` is required
    assert either.is_valid(tombstone)
    assert schema["components"]["schemas"]["Tombstone"]["required"] == ["deleted", "id"]


def test_every_entry_matches_only_the_entry_schema(schema, news_index, superuser):
    feed = factories.make_feed(news_index)
    factories.make_entry(feed, superuser, body=every_block_body(news_index))
    cursor = delta.encode_cursor(feed, 0)
    changes = APIClient().get(f"{API}/feeds/{feed.pk}/entries/", {"since": cursor}).json()
    (entry,) = changes["results"]
    assert component_validator(schema, "Entry").is_valid(entry)
    assert not component_validator(schema, "Tombstone").is_valid(entry)
    assert component_validator(schema, "EntryOrTombstone").is_valid(entry)  # oneOf: exactly one


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ArticleSummary", "source"),
        ("ArticleSummary", "lead_image"),
        ("ArticleSummary", "updated_at"),
        ("ArticleDetail", "first_published_at"),
        ("AuthorSchema", "photo"),
        ("Author", "photo"),
        ("SourceSchema", "url"),
        ("Feed", "coverage_start"),
        ("Feed", "coverage_end"),
        ("Feed", "updated_at"),
        ("FeedDetail", "pinned"),
        ("Entry", "url"),
        ("EntryPage", "next"),
        ("ImageValue", "image"),
        ("RelatedArticleValue", "page"),
        ("DocumentValue", "document"),
        ("SourceCreditValue", "source"),
        ("EmbedValue", "url"),
        ("PageLinkSchema", "url"),
        ("ParagraphBlock", "id"),
        ("PaginatedArticleSummaryList", "previous"),
    ],
)
def test_fields_that_can_be_null_are_nullable(schema, component, field):
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(_strict(schema)))
    prop = _strict(schema["components"]["schemas"][component]["properties"][field])
    assert OAS31Validator(prop, registry=registry).is_valid(None), (component, field, prop)


def test_limit_bounds_are_in_the_schema_and_enforced(schema, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"API_MAX_PAGE_SIZE": 50}
    bounded = APIClient().get(SCHEMA, {"format": "json"}).json()
    limits = [
        parameter["schema"]
        for operations in bounded["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "limit"
    ]
    assert len(limits) >= 6  # articles, feeds, entries and the three taxonomies
    assert all(s == {"type": "integer", "minimum": 1, "maximum": 50} for s in limits), limits
    feed = factories.make_feed(news_index)
    for path in (f"{API}/articles/", f"{API}/topics/", f"{API}/feeds/{feed.pk}/entries/"):
        assert APIClient().get(path, {"limit": 50}).status_code == 200
        for bad in (0, 51):
            response = APIClient().get(path, {"limit": bad})
            assert response.status_code == 400 and "limit" in response.json()["errors"]


def _every_api_path(schema: dict, values: dict[str, str]) -> list[str]:
    paths = [_fill(path, values) for path in schema["paths"]]
    return [*paths, SCHEMA, f"{API}/docs/"]


@pytest.mark.parametrize("method", ["TRACE", "PUT", "CONNECT", "PROPFIND"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_unknown_methods_are_405_problems_everywhere(schema, news_index, method, signed_in):
    article = factories.make_article(news_index, topics=[factories.make_topic(slug="t1")])
    feed = factories.make_feed(news_index)
    entry = factories.make_entry(feed)
    client = APIClient()
    if signed_in:
        token = Token.objects.create(user=factories.make_superuser("trace-user")).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    values = {"id": str(feed.pk), "entry_id": str(entry.pk), "slug": "t1"}
    for path in _every_api_path(schema, values):
        if "/articles/{id}" in path:
            path = path.replace(str(feed.pk), str(article.pk))
        response = client.generic(method, path)
        allowed = {m.upper() for m in schema["paths"].get(path, {})} | {"GET"}
        assert method not in allowed
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Content-Type"] == "application/problem+json", path
        assert response.json()["status"] == 405
        assert "GET" in response["Allow"], path


def _times(node: Any, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key.endswith(("_at", "_time", "_start", "_end")):
                found.append(value)
            else:
                _times(value, found)
    elif isinstance(node, list):
        for item in node:
            _times(item, found)
    return found


def test_one_utc_time_format_in_every_response(db, settings):
    settings.TIME_ZONE = "America/New_York"  # the site's zone never shows in the API
    seeded = seed_scenario()
    api = APIClient()
    feed = seeded["feed"]
    responses = [
        api.get(f"{API}/articles/"),
        api.get(f"{API}/articles/{seeded['article'].pk}/"),
        api.get(f"{API}/articles/find/", {"path": seeded["article"].url}),
        api.get(f"{API}/feeds/"),
        api.get(f"{API}/feeds/{feed.pk}/"),
        api.get(f"{API}/feeds/{feed.pk}/entries/"),
        api.get(f"{API}/feeds/{feed.pk}/entries/", {"since": seeded["start_cursor"]}),
        api.get(f"{API}/feeds/{feed.pk}/entries/{seeded['entries'][0].pk}/"),
    ]
    times = [t for r in responses for t in _times(r.json(), [])]
    assert len(times) > 20
    assert all(UTC_TIME.match(t) for t in times), [t for t in times if not UTC_TIME.match(t)]
    entry = seeded["entries"][0]
    shown = datetime.fromisoformat(responses[-1].json()["display_time"])
    assert shown == entry.display_time and shown.tzinfo == UTC


def test_every_response_of_a_seeded_scenario_validates(schema):
    seeded = seed_scenario()
    feed, article = seeded["feed"], seeded["article"]
    entries = f"{API}/feeds/{{id}}/entries/"
    api = APIClient()
    checks: list[tuple[str, str, Any]] = []

    def get(template: str, path: str, query: dict | None = None) -> Any:
        response = api.get(path, query or {})
        checks.append((template, "get", response))
        return response

    listing = get(f"{API}/articles/", f"{API}/articles/", {"limit": 1})
    get(f"{API}/articles/", listing.json()["next"])
    get(f"{API}/articles/{{id}}/", f"{API}/articles/{article.pk}/")
    get(f"{API}/articles/{{id}}/", f"{API}/articles/{seeded['plain'].pk}/")
    get(f"{API}/articles/find/", f"{API}/articles/find/", {"path": article.url})
    get(f"{API}/feeds/", f"{API}/feeds/")
    get(f"{API}/feeds/{{id}}/", f"{API}/feeds/{feed.pk}/")
    page = get(entries, f"{API}/feeds/{feed.pk}/entries/", {"limit": 1})
    get(entries, page.json()["next"])
    delta = get(entries, f"{API}/feeds/{feed.pk}/entries/", {"since": seeded["start_cursor"]})
    kinds = [item.get("deleted") for item in delta.json()["results"]]
    assert True in kinds and False in kinds  # a tombstone and entries
    get(entries, f"{API}/feeds/{feed.pk}/entries/", {"since": delta.json()["cursor"]})
    get(
        f"{API}/feeds/{{id}}/entries/{{entry_id}}/",
        f"{API}/feeds/{feed.pk}/entries/{seeded['entries'][3].pk}/",
    )
    for name in ("topics", "authors", "sources"):
        listing = get(f"{API}/{name}/", f"{API}/{name}/")
        slug = listing.json()["results"][0]["slug"]
        get(f"{API}/{name}/{{slug}}/", f"{API}/{name}/{slug}/")
    # Errors
    get(f"{API}/articles/", f"{API}/articles/", {"limit": 1000})
    get(f"{API}/articles/{{id}}/", f"{API}/articles/{feed.pk}/")
    get(f"{API}/articles/find/", f"{API}/articles/find/", {"path": "/nowhere/"})
    get(entries, f"{API}/feeds/{feed.pk}/entries/", {"since": "forged"})
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Token {seeded['token']}")
    created = writer.post(
        f"{API}/feeds/{feed.pk}/entries/",
        {"body": [{"type": "paragraph", "value": "<p>New</p>"}]},
        format="json",
    )
    checks.append((entries, "post", created))
    invalid = writer.post(f"{API}/feeds/{feed.pk}/entries/", {"body": "x"}, format="json")
    checks.append((entries, "post", invalid))
    anonymous = api.post(f"{API}/feeds/{feed.pk}/entries/", {"body": []}, format="json")
    checks.append((entries, "post", anonymous))
    statuses = {response.status_code for _, _, response in checks}
    assert statuses == {200, 201, 400, 401, 404}
    for template, method, response in checks:
        validate_response(schema, template, method, response)


@pytest.mark.parametrize(
    "name",
    [
        "newsfeed_endpoints_hook",
        "parameter_bounds_hook",
        "patch_bodies_hook",
        "problem_responses_hook",
    ],
)
def test_hooks_named_in_a_sites_settings_load_from_their_first_documented_path(name):
    """Sites' SPECTACULAR_SETTINGS may name a hook by the path the CHANGELOG first gave it."""
    from django.utils.module_loading import import_string

    from wagtail_newsfeed.api.schema import hooks

    assert import_string(f"wagtail_newsfeed.api.schema.{name}") is getattr(hooks, name)
