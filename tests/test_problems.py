"""One problem-details shape (RFC 9457) from the API and from the plain Django JSON views."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.checks import PROBLEM, assert_problem
from wagtail_newsfeed.problems import problem, problem_response

pytestmark = pytest.mark.django_db


def fragments_url(feed) -> str:
    return reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])


def test_a_bad_parameter_has_the_same_problem_shape_from_fragments_and_the_api(feed):
    from_fragments = assert_problem(Client().get(fragments_url(feed), {"ids": "1,x"}), 400)
    from_api = assert_problem(APIClient().get("/api/newsfeed/v1/articles/", {"limit": "x"}), 400)

    for body, name in ((from_fragments, "ids"), (from_api, "limit")):
        assert set(body) == {"type", "title", "status", "detail", "errors"}
        assert body["type"] == "urn:wagtail-newsfeed:problem:invalid"
        assert body["title"] == "Bad Request"
        assert list(body["errors"]) == [name] and body["errors"][name]
    assert from_fragments["errors"]["ids"] == [from_fragments["detail"]]


def test_an_unknown_feed_has_the_same_problem_shape_from_fragments_and_the_api(news_index):
    hidden = factories.make_feed(news_index, publish=False)
    from_fragments = assert_problem(Client().get(fragments_url(hidden)), 404)
    from_api = assert_problem(APIClient().get(f"/api/newsfeed/v1/feeds/{hidden.pk}/"), 404)

    assert (
        from_fragments
        == from_api
        == {
            "type": "urn:wagtail-newsfeed:problem:not_found",
            "title": "Not Found",
            "status": 404,
            "detail": "Not found.",
        }
    )


def test_problem_response_is_problem_json_with_the_problem_body():
    response = problem_response(
        503, "Busy.", code="unavailable", headers={"Retry-After": "5"}, errors={"x": ["y"]}
    )

    assert response.status_code == 503
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {
        "type": "urn:wagtail-newsfeed:problem:unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Busy.",
        "errors": {"x": ["y"]},
    }
    assert problem(404, "Gone.") == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Gone.",
    }
