"""Which caches may be trusted across processes (``caching``), and the default path: with a cache
of its own per process, every cached answer is checked against a generation in the database."""

from __future__ import annotations

import pytest
from django.db.models import F
from rest_framework.test import APIClient
from wagtail.models import Site

from tests import factories
from wagtail_newsfeed import caching, delta
from wagtail_newsfeed.models import CacheGeneration

pytestmark = pytest.mark.django_db
ARTICLES = "/api/newsfeed/v1/articles/"


@pytest.mark.parametrize(
    "backend,shared",
    [
        ("django.core.cache.backends.locmem.LocMemCache", False),
        ("django.core.cache.backends.dummy.DummyCache", False),
        ("django.core.cache.backends.filebased.FileBasedCache", False),
        ("django.core.cache.backends.redis.RedisCache", True),
        ("django.core.cache.backends.db.DatabaseCache", True),
    ],
)
def test_whether_a_cache_is_shared_follows_its_backend(settings, tmp_path, backend, shared):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path)}}
    assert caching.cache_is_shared() is shared


def test_the_shared_cache_setting_overrides_the_guess(settings):
    settings.WAGTAIL_NEWSFEED = {"SHARED_CACHE": True}
    assert caching.cache_is_shared() is True
    settings.WAGTAIL_NEWSFEED = {"SHARED_CACHE": False}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert caching.cache_is_shared() is False


def test_by_default_the_generation_lives_in_the_database():
    first = caching.generation()
    caching.bump_generation()
    assert caching.generation() != first
    assert CacheGeneration.objects.get(name=caching.API_GENERATION).value >= 1


def test_a_cached_article_list_costs_one_query_and_sees_other_processes_changes(
    news_index, django_assert_num_queries
):
    api = APIClient()
    factories.make_article(news_index, "First")
    api.get(ARTICLES)
    with django_assert_num_queries(1):  # the generation, nothing else
        cached = api.get(ARTICLES)
    assert [a["title"] for a in cached.json()["results"]] == ["First"]
    # Another process publishes: its signal handlers move the generation in the database, which
    # this process's local cache never hears about. Stand in for that with the row alone.
    factories.make_article(news_index, "Second")
    CacheGeneration.objects.update(value=F("value") + 1)
    assert [a["title"] for a in api.get(ARTICLES).json()["results"]] == ["Second", "First"]


def test_without_a_shared_cache_feed_versions_are_never_cached(feed, superuser):
    api = APIClient()
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    cursor = api.get(url).json()["cursor"]
    api.get(url, {"since": cursor})
    assert delta.cached_feed_version(feed.pk) is None
    delta.remember_feed_version(feed.pk, 5)
    assert delta.cached_feed_version(feed.pk) is None


@pytest.mark.parametrize(
    "url",
    [
        "/api/newsfeed/v1/articles/{article}/",
        "/api/newsfeed/v1/articles/find/?path={path}",
        "/api/newsfeed/v1/feeds/{feed}/",
        "/api/newsfeed/v1/feeds/{feed}/entries/",
        "/api/v2/pages/{article}/",
    ],
)
def test_a_site_renamed_by_another_process_gives_the_new_host_at_once(feed, url):
    api = APIClient()
    article = factories.make_article(feed.get_parent(), "Renamed host")
    factories.make_entry(feed)
    url = url.format(article=article.pk, feed=feed.pk, path=article.url)
    assert "http://localhost/" in api.get(url).content.decode()
    # Another process renames the Site: its signal handlers move the generations in the
    # database, and this process's copy of Wagtail's Site root paths hears nothing of it.
    Site.objects.filter(is_default_site=True).update(hostname="news.example.com")
    CacheGeneration.objects.update(value=F("value") + 1)
    body = api.get(url).content.decode()
    assert "news.example.com" in body
    assert "http://localhost/" not in body


def test_an_alias_of_a_story_is_listed_at_once_and_old_etags_miss(news_index):
    api = APIClient()
    article = factories.make_article(news_index, "Mirrored")
    mirror = factories.make_index(title="Mirror", slug="mirror")
    first = api.get(ARTICLES)
    assert len(first.json()["results"]) == 1
    alias = article.create_alias(parent=mirror, update_slug="mirrored")
    assert api.get(ARTICLES, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert alias.pk in [item["id"] for item in api.get(ARTICLES).json()["results"]]
