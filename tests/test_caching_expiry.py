"""No cache keeps a response past the ``expire_at`` of a page it shows: a page passing its expiry
purges nothing until ``publish_scheduled`` runs, so max-age (and the API's response cache) stop
before it. Reader pages, feeds, sitemaps and the API, first answers and cached ones."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tests.checks import public_max_age as max_age

pytestmark = pytest.mark.django_db

#: Seconds before the expiry in these tests: far below the default max-age (60).
LEFT = 30


def expiring(news_index, title: str = "Embargoed", seconds: int = LEFT):
    return factories.make_article(
        news_index, title, expire_at=timezone.now() + timedelta(seconds=seconds)
    )


def assert_before_expiry(response, seconds: int = LEFT) -> None:
    # Allow for the seconds the test itself takes on a busy machine.
    assert seconds - 10 <= max_age(response) <= seconds


@pytest.fixture
def api():
    return APIClient()


def test_an_article_page_is_kept_no_longer_than_until_it_expires(client, news_index):
    article = expiring(news_index)
    assert_before_expiry(client.get(article.url))
    assert_before_expiry(client.get(article.url))  # its fragments from the cache


def test_a_page_without_expiry_keeps_the_full_max_age(client, news_index):
    expiring(news_index)
    other = factories.make_article(news_index, "Lasting")
    assert max_age(client.get(other.url)) == 60


def test_a_live_page_is_kept_no_longer_than_until_it_expires(client, news_index):
    feed = factories.make_feed(news_index, expire_at=timezone.now() + timedelta(seconds=3))
    assert max_age(client.get(feed.url)) <= 3


def test_an_index_is_kept_no_longer_than_until_a_listed_story_expires(client, news_index):
    factories.make_article(news_index, "Lasting")
    expiring(news_index)
    assert_before_expiry(client.get(news_index.url))  # the listing read afresh
    assert_before_expiry(client.get(news_index.url))  # the listing from the cache


def test_an_index_listing_no_expiring_story_keeps_the_full_max_age(client, news_index):
    factories.make_article(news_index, "Lasting")
    other_index = factories.make_index(title="Elsewhere")
    expiring(other_index)
    assert max_age(client.get(news_index.url)) == 60


@pytest.mark.parametrize(
    "path",
    [
        "/newsfeed/feeds/latest.rss",
        "/newsfeed/feeds/latest.atom",
        "/sitemap.xml",
        "/news-sitemap.xml",
    ],
)
def test_a_feed_or_sitemap_is_kept_no_longer_than_until_a_listed_page_expires(
    client, news_index, path
):
    factories.make_article(news_index, "Lasting")
    expiring(news_index)
    assert_before_expiry(client.get(path))


def test_an_index_feed_listing_no_expiring_story_keeps_the_full_max_age(client, news_index):
    factories.make_article(news_index, "Lasting")
    expiring(factories.make_index(title="Elsewhere"))
    assert max_age(client.get(f"/newsfeed/feeds/index/{news_index.pk}.rss")) == 60


def test_a_live_feeds_feed_is_kept_no_longer_than_until_the_feed_expires(client, news_index):
    feed = factories.make_feed(news_index, expire_at=timezone.now() + timedelta(seconds=3))
    factories.make_entry(feed)
    assert max_age(client.get(f"/newsfeed/feeds/live/{feed.pk}.rss")) <= 3


def test_an_api_article_is_kept_no_longer_than_until_it_expires(api, news_index):
    article = expiring(news_index)
    assert_before_expiry(api.get(f"/api/newsfeed/v1/articles/{article.pk}/"))
    assert_before_expiry(api.get("/api/newsfeed/v1/articles/find/", {"path": article.url}))


def test_an_api_list_is_kept_no_longer_than_until_a_listed_article_expires(api, news_index):
    factories.make_article(news_index, "Lasting")
    expiring(news_index)
    assert_before_expiry(api.get("/api/newsfeed/v1/articles/"))
    lasting_only = api.get("/api/newsfeed/v1/articles/", {"limit": 1, "ordering": "published_at"})
    assert [item["title"] for item in lasting_only.json()["results"]] == ["Lasting"]
    assert max_age(lasting_only) == 60


def test_a_cached_api_answer_counts_down_to_the_expiry(api, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "SHARED_CACHE": True}
    article = expiring(news_index, seconds=20)
    url = f"/api/newsfeed/v1/articles/{article.pk}/"
    first = max_age(api.get(url))
    time.sleep(1.1)
    again = api.get(url)
    assert max_age(again) <= first - 1
    assert api.get(url, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_api_taxonomy_is_kept_no_longer_than_until_a_story_expires(api, news_index):
    topic = factories.make_topic("Embargo", slug="embargo")
    article = expiring(news_index)
    article.topics.set([topic])
    article.save_revision().publish()
    assert_before_expiry(api.get("/api/newsfeed/v1/topics/"))
    assert_before_expiry(api.get("/api/newsfeed/v1/topics/embargo/"))
