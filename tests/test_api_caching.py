"""HTTP caching: every GET has an ETag and Cache-Control; If-None-Match gives 304; a content
change gives a new ETag."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed import entry_rules


@pytest.fixture
def api():
    return APIClient()


def test_article_list_etag_and_304(api, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"API_CACHE_MAX_AGE": 123}
    article = factories.make_article(news_index, "First title")
    url = "/api/newsfeed/v1/articles/"

    first = api.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert "public" in first["Cache-Control"] and "max-age=123" in first["Cache-Control"]

    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    article.title = "Changed title"
    article.save_revision().publish()
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["results"][0]["title"] == "Changed title"


def test_live_data_has_the_short_max_age_and_entry_changes_change_the_etag(
    api, feed, superuser, settings
):
    settings.WAGTAIL_NEWSFEED = {"API_LIVE_CACHE_MAX_AGE": 3}
    entry = factories.make_entry(feed, superuser)
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])

    first = api.get(url)
    assert "max-age=3" in first["Cache-Control"]
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    entry_rules.update_entry(entry, superuser, headline="Edited")
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/newsfeed/v1/feeds/",
        "/api/newsfeed/v1/feeds/{feed}/",
        "/api/newsfeed/v1/feeds/{feed}/entries/?since={cursor}",
        "/api/newsfeed/v1/topics/",
        "/api/newsfeed/v1/articles/{article}/",
    ],
)
def test_every_get_is_cacheable(api, feed, news_index, path):
    article = factories.make_article(news_index)
    cursor = entry_rules.encode_cursor(feed, 0)
    url = path.format(feed=feed.pk, article=article.pk, cursor=cursor)
    response = api.get(url)
    assert response.status_code == 200
    assert response["ETag"]
    assert "max-age=" in response["Cache-Control"]
    assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
