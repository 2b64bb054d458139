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


@pytest.mark.parametrize(
    "accept",
    [
        "application/json;q=0",
        "*/*;q=0",
        "application/*;q=0",
        "application/json;q=0, */*",  # the specific range decides
        "text/html, application/json;q=0.000",
    ],
)
def test_an_accept_refusing_json_by_quality_is_a_406(news_index, accept):
    """``q=0`` means "not acceptable" (RFC 9110): refused, cached answer or not."""
    article = factories.make_article(news_index)
    api = APIClient()
    api.get(ARTICLES)  # cached now
    for url in (ARTICLES, f"/api/newsfeed/v1/articles/{article.pk}/"):
        assert_problem(api.get(url, HTTP_ACCEPT=accept), 406)


@pytest.mark.parametrize(
    "accept", ["text/html, */*;q=0.1", "application/json;q=0.5", "application/*;q=1, text/*;q=0"]
)
def test_an_accept_allowing_json_at_some_quality_gets_json(news_index, accept):
    factories.make_article(news_index)
    response = APIClient().get(ARTICLES, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("cache_max_age", [0, 60])
@pytest.mark.parametrize("fmt", ["xml", "api", "json", "yaml"])
def test_a_format_parameter_changes_nothing(news_index, settings, cache_max_age, fmt):
    """DRF's ``?format=`` override would answer a 404 for a feed that exists: the API has one
    format, so the parameter is ignored like any other unknown one."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": cache_max_age}
    article = factories.make_article(news_index)
    feed = factories.make_feed(news_index)
    factories.make_entry(feed)
    api = APIClient()
    for url in (
        f"/api/newsfeed/v1/articles/{article.pk}/",
        "/api/newsfeed/v1/articles/",
        f"/api/newsfeed/v1/feeds/{feed.pk}/",
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
        "/api/newsfeed/v1/topics/",
    ):
        plain = api.get(url)
        response = api.get(url, {"format": fmt})
        assert (response.status_code, response["Content-Type"]) == (200, "application/json"), url
        assert response.content == plain.content, url
