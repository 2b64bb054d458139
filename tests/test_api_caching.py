"""HTTP caching: every GET has an ETag and Cache-Control; If-None-Match gives 304; a content
change gives a new ETag."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.checks import assert_problem
from wagtail_newsfeed import delta, entry_rules


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
    cursor = delta.encode_cursor(feed, 0)
    url = path.format(feed=feed.pk, article=article.pk, cursor=cursor)
    response = api.get(url)
    assert response.status_code == 200
    assert response["ETag"]
    assert "max-age=" in response["Cache-Control"]
    assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


#: A date in the future and one in the past: no API resource has a ``Last-Modified`` to compare.
UNMODIFIED_SINCE = ["Thu, 01 Jan 2099 00:00:00 GMT", "Mon, 01 Jan 2001 00:00:00 GMT"]
READS = [
    "/api/newsfeed/v1/articles/",
    "/api/newsfeed/v1/articles/{article}/",
    "/api/newsfeed/v1/feeds/{feed}/",
    "/api/newsfeed/v1/feeds/{feed}/entries/",
    "/api/newsfeed/v1/topics/",
]


@pytest.mark.parametrize("date", UNMODIFIED_SINCE)
@pytest.mark.parametrize("path", READS)
def test_if_unmodified_since_is_ignored_on_a_get(api, feed, news_index, path, date):
    """RFC 9110 §13.1.4: a resource without a modification date ignores the header."""
    article = factories.make_article(news_index)
    factories.make_entry(feed)
    url = path.format(feed=feed.pk, article=article.pk)
    fresh = api.get(url, HTTP_IF_UNMODIFIED_SINCE=date)
    plain = api.get(url)
    cached = api.get(url, HTTP_IF_UNMODIFIED_SINCE=date)  # articles and topics: a cache hit
    for response in (fresh, cached):
        assert response.status_code == 200
        assert response.content == plain.content
        assert response["ETag"] == plain["ETag"]
    head = api.head(url, HTTP_IF_UNMODIFIED_SINCE=date)
    assert head.status_code == 200


@pytest.mark.parametrize("path", READS)
def test_an_if_match_naming_another_etag_is_a_412_problem_on_a_get(api, feed, news_index, path):
    article = factories.make_article(news_index)
    url = path.format(feed=feed.pk, article=article.pk)
    fresh = api.get(url, HTTP_IF_MATCH='"nope"')
    etag = api.get(url)["ETag"]
    cached = api.get(url, HTTP_IF_MATCH='"nope", W/' + etag)  # a weak tag never matches
    for response in (fresh, cached):
        body = assert_problem(response, 412, "If-Match")
        assert list(body["errors"]) == ["If-Match"]
        assert body["type"].endswith(":precondition_failed")
    for matching in (etag, f'"nope", {etag}', "*"):
        response = api.get(url, HTTP_IF_MATCH=matching)
        assert response.status_code == 200, matching
        assert response["ETag"] == etag
