"""Building the OpenAPI document warns about nothing: drf-spectacular prints each warning to the
server's log on every schema request, and ``check --deploy`` repeats them (``drf_spectacular.W001``)
unless told not to."""

from __future__ import annotations

import pytest
from drf_spectacular.drainage import GENERATOR_STATS

from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA = "/api/newsfeed/v1/schema/"


def test_the_schema_builds_without_warnings_or_errors(client):
    GENERATOR_STATS.reset()

    response = client.get(SCHEMA, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}


def test_a_topics_parent_is_a_nullable_slug_in_the_schema_and_the_json(client, news_index):
    schemas = client.get(SCHEMA, HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    parent = schemas["Topic"]["properties"]["parent"]
    world = factories.make_topic("World", slug="world")
    europe = factories.make_topic("Europe", slug="europe", parent=world)
    factories.make_article(news_index, "Summit", topics=[europe])

    assert parent["type"] == ["string", "null"] and parent["readOnly"] is True
    topics = client.get("/api/newsfeed/v1/topics/").json()["results"]
    assert {t["slug"]: t["parent"] for t in topics} == {"world": None, "europe": "world"}
