"""Content negotiation: the API answers only JSON, and an ``Accept`` that allows none is a 406
problem whether or not the response cache holds the answer."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.checks import assert_problem

pytestmark = pytest.mark.django_db

ARTICLES = "/api/newsfeed/v1/articles/?limit=4"
PREVIEW = "/api/newsfeed/v1/preview/"


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    """The response cache's fast path (``test_api_response_cache``)."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "SHARED_CACHE": True}


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "text/plain"])
def test_an_accept_without_json_is_a_406_whether_or_not_the_answer_is_cached(news_index, accept):
    article = factories.make_article(news_index)
    api = APIClient()
    for url in (ARTICLES, f"/api/newsfeed/v1/articles/{article.pk}/"):
        assert_problem(api.get(url, HTTP_ACCEPT=accept), 406)  # not cached yet
        json = api.get(url, HTTP_ACCEPT="application/json")
        assert json.status_code == 200  # now cached
        refused = assert_problem(api.get(url, HTTP_ACCEPT=accept), 406)
        assert refused["type"] == "urn:wagtail-newsfeed:problem:not_acceptable"
        assert api.get(url, HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=json["ETag"]).status_code == 406
        assert api.get(url).content == json.content  # no Accept: JSON, from the cache


@pytest.mark.parametrize("accept", ["*/*", "application/*", "application/json; indent=4"])
def test_an_accept_allowing_json_gets_the_cached_answer(news_index, accept):
    factories.make_article(news_index)
    api = APIClient()
    first = api.get(ARTICLES)
    response = api.get(ARTICLES, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response.content == first.content


def test_preview_checks_accept_before_the_token(db):
    """Documented order (docs/headless.md): the format a client can read is settled first."""
    assert_problem(APIClient().get(PREVIEW, {"token": "nonsense"}, HTTP_ACCEPT="text/html"), 406)
    assert_problem(APIClient().get(PREVIEW, {"token": "nonsense"}), 403)
