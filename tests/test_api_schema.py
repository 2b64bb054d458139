"""The OpenAPI document: it validates, documents every endpoint, parameter and block shape, every
documented read path answers, and the Swagger UI is served from the site's own static files."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed.blocks import NewsStreamBlock

SCHEMA = "/api/newsfeed/v1/schema/"


@pytest.fixture
def schema(db):
    response = APIClient().get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    return response.json()


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
    assert set(image_value) == {"image", "alt", "caption", "credit"}
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
    assert {} not in post["security"]
