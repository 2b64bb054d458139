"""The API's response cache for articles and taxonomy: repeat reads skip the database, and every
change an editor makes is visible at once."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from wagtail.models import PageViewRestriction

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    """The fast path of a cache every process shares (Redis): one test process shares its
    local-memory cache with itself. ``test_caching`` and ``processes/`` cover the default path."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "SHARED_CACHE": True}


ARTICLES = "/api/newsfeed/v1/articles/"


@pytest.fixture
def api():
    return APIClient()


def titles(api, url=ARTICLES):
    return [item["title"] for item in api.get(url).json()["results"]]


def test_a_repeated_read_costs_no_query(api, news_index, django_assert_num_queries):
    factories.make_article(news_index, "Cached")
    first = api.get(ARTICLES)
    with django_assert_num_queries(0):
        again = api.get(ARTICLES)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]


def test_a_body_kept_in_another_format_is_never_replayed(api, news_index, monkeypatch):
    """An upgrade that changes a response's shape raises ``RESPONSES_FORMAT``: what the previous
    release kept (in Redis, say) is not replayed."""
    from wagtail_newsfeed.api import response_cache

    factories.make_article(news_index, "Kept")
    first = api.get(ARTICLES)
    monkeypatch.setattr(response_cache, "RESPONSES_FORMAT", response_cache.RESPONSES_FORMAT + 1)
    with CaptureQueriesContext(connection) as queries:
        again = api.get(ARTICLES)
    assert len(queries) > 0
    assert again.json() == first.json()


def test_a_cached_read_still_answers_304(api, news_index):
    factories.make_article(news_index)
    etag = api.get(ARTICLES)["ETag"]
    api.get(ARTICLES)
    response = api.get(ARTICLES, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_publishing_and_unpublishing_show_at_once(api, news_index):
    first = factories.make_article(news_index, "First")
    assert titles(api) == ["First"]
    factories.make_article(news_index, "Second")
    assert titles(api) == ["Second", "First"]
    first.unpublish()
    assert titles(api) == ["Second"]
    assert api.get(f"{ARTICLES}{first.pk}/").status_code == 404


def test_a_new_view_restriction_hides_at_once(api, news_index):
    article = factories.make_article(news_index, "Soon private")
    assert api.get(f"{ARTICLES}{article.pk}/").status_code == 200
    PageViewRestriction.objects.create(page=news_index, restriction_type=PageViewRestriction.LOGIN)
    assert api.get(f"{ARTICLES}{article.pk}/").status_code == 404
    assert titles(api) == []


def test_a_renamed_author_shows_at_once(api, news_index):
    author = factories.make_author("Jane Roe")
    factories.make_article(news_index, authors=[author])
    assert api.get(f"/api/newsfeed/v1/authors/{author.slug}/").json()["name"] == "Jane Roe"
    assert api.get(ARTICLES).json()["results"][0]["authors"][0]["name"] == "Jane Roe"
    author.name = "Jane Doe"
    author.save()
    assert api.get(f"/api/newsfeed/v1/authors/{author.slug}/").json()["name"] == "Jane Doe"
    assert api.get(ARTICLES).json()["results"][0]["authors"][0]["name"] == "Jane Doe"


def test_a_deleted_article_is_gone_at_once(api, news_index):
    article = factories.make_article(news_index, "Doomed")
    assert titles(api) == ["Doomed"]
    article.delete()
    assert titles(api) == []


def test_links_built_from_the_request_are_cached_per_host(api, news_index):
    factories.make_article(news_index)
    factories.make_article(news_index)
    one = api.get(ARTICLES, {"limit": 1}, HTTP_HOST="one.example").json()["next"]
    two = api.get(ARTICLES, {"limit": 1}, HTTP_HOST="two.example").json()["next"]
    assert one.startswith("http://one.example/")
    assert two.startswith("http://two.example/")


@override_settings(WAGTAIL_NEWSFEED={"API_CACHE_MAX_AGE": 0})
def test_nothing_is_cached_when_max_age_is_zero(api, news_index):
    factories.make_article(news_index)
    api.get(ARTICLES)
    with CaptureQueriesContext(connection) as queries:
        api.get(ARTICLES)
    assert len(queries) > 0


def test_parameters_an_endpoint_does_not_read_neither_bypass_nor_fill_the_cache(
    api, news_index, django_assert_num_queries
):
    for n in range(3):
        factories.make_article(news_index, f"Story {n}")
    first = api.get(ARTICLES, {"limit": 2})
    with django_assert_num_queries(0):
        for junk in ("utm_source=x", "_=1700000000", "fbclid=abc", "limit=2&limit=2&zz=9"):
            again = api.get(f"{ARTICLES}?limit=2&{junk}")
            assert again.content == first.content
    assert "utm_source" not in first.json()["next"]


def test_parameters_an_endpoint_reads_still_make_their_own_entries(api, news_index):
    topic = factories.make_topic("Science")
    factories.make_article(news_index, "On topic", topics=[topic])
    factories.make_article(news_index, "Off topic")
    assert titles(api, f"{ARTICLES}?topic={topic.slug}&utm_source=x") == ["On topic"]
    assert titles(api, f"{ARTICLES}?utm_source=x") == ["Off topic", "On topic"]
