"""The feed-version cache behind delta sync: quiet polls skip the database, changes never wait."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed import delta

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    """The fast path of a cache every process shares (Redis): one test process shares its
    local-memory cache with itself. ``test_caching`` and ``processes/`` cover the default path."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "SHARED_CACHE": True}


@pytest.fixture
def api():
    return APIClient()


def poll(api, feed, cursor, **params):
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    return api.get(url, {"since": cursor, **params})


def current_cursor(api, feed):
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    return api.get(url).json()["cursor"]


def test_a_quiet_poll_after_the_first_costs_no_query(
    api, feed, superuser, django_assert_num_queries
):
    factories.make_entry(feed, superuser)
    cursor = current_cursor(api, feed)
    with django_assert_num_queries(0):
        response = poll(api, feed, cursor)
    assert response.json() == {"results": [], "cursor": cursor, "has_more": False}


def test_a_new_entry_is_seen_at_once_despite_the_cache(api, feed, superuser):
    cursor = current_cursor(api, feed)
    assert poll(api, feed, cursor).json()["results"] == []
    entry = factories.make_entry(feed, superuser, headline="Breaking")
    assert [item["id"] for item in poll(api, feed, cursor).json()["results"]] == [entry.pk]


def test_readers_at_one_cursor_share_one_rendering_of_the_changes(
    api, feed, superuser, django_assert_num_queries
):
    cursor = current_cursor(api, feed)
    factories.make_entry(feed, superuser, headline="Shared news")
    first = poll(api, feed, cursor)
    with django_assert_num_queries(0):
        second = APIClient().get(first.request["PATH_INFO"], {"since": cursor})
    assert second.json() == first.json()
    assert [item["headline"] for item in second.json()["results"]] == ["Shared news"]


def test_a_shared_rendering_of_changes_follows_an_author_rename(api, feed, superuser):
    author = factories.make_author("Jane Smith")
    cursor = current_cursor(api, feed)
    factories.make_entry(feed, superuser, authors=[author])
    assert poll(api, feed, cursor).json()["results"][0]["authors"][0]["name"] == "Jane Smith"

    author.name = "Jane Doe"
    author.save()

    assert poll(api, feed, cursor).json()["results"][0]["authors"][0]["name"] == "Jane Doe"


def test_an_unpublished_feed_is_gone_at_once_despite_the_cache(api, feed):
    cursor = current_cursor(api, feed)
    assert poll(api, feed, cursor).status_code == 200
    feed.unpublish()
    assert poll(api, feed, cursor).status_code == 404


def test_a_deleted_feed_is_gone_at_once_despite_the_cache(api, feed):
    cursor = current_cursor(api, feed)
    assert delta.cached_feed_version(feed.pk) is not None
    feed_id = feed.pk
    feed.delete()
    assert delta.cached_feed_version(feed_id) is None
    response = APIClient().get(
        reverse("wagtail_newsfeed_api:feed-entries", args=[feed_id]), {"since": cursor}
    )
    assert response.status_code == 404


def test_bad_input_is_still_refused_when_the_answer_is_cached(api, feed):
    cursor = current_cursor(api, feed)
    assert poll(api, feed, "garbage").status_code == 400
    response = poll(api, feed, cursor, limit="lots")
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]


@override_settings(WAGTAIL_NEWSFEED={"API_LIVE_CACHE_MAX_AGE": 0})
def test_nothing_is_cached_when_live_caching_is_off(api, feed, django_assert_max_num_queries):
    cursor = current_cursor(api, feed)
    assert delta.cached_feed_version(feed.pk) is None
    with django_assert_max_num_queries(2):
        assert poll(api, feed, cursor).status_code == 200


def test_a_cursor_ahead_of_the_cached_version_is_checked_against_the_database(api, feed, superuser):
    """The kept version can lag the database for a moment (a reader kept the version it read
    just before a commit): a cursor past it is then asked of the database, not refused."""
    factories.make_entry(feed, superuser)
    cursor = current_cursor(api, feed)
    current = delta.current_version(feed)
    delta.remember_feed_version(feed.pk, current - 1)
    response = poll(api, feed, cursor)
    assert response.status_code == 200, response.content
    assert response.json() == {"results": [], "cursor": cursor, "has_more": False}
    assert delta.cached_feed_version(feed.pk) == current  # and the cache is put right


@pytest.mark.parametrize("cached", ["current", "ahead"])
def test_a_cursor_ahead_of_the_feed_is_a_400_naming_since_despite_the_cache(
    api, feed, superuser, cached
):
    """Also with the version kept in the cache: the feed's (``current``), or a version the
    restored database never reached (the cache kept across the restore: ``ahead``)."""
    factories.make_entry(feed, superuser)
    current_cursor(api, feed)
    current = delta.current_version(feed)
    if cached == "ahead":
        delta.remember_feed_version(feed.pk, current + 5)
    response = poll(api, feed, delta.encode_cursor(feed, current + 2))
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["since"]


@pytest.mark.parametrize("change", ["delete", "unpublish"])
def test_a_poll_during_the_feeds_removal_caches_nothing_that_outlives_it(
    api, feed, change, django_capture_on_commit_callbacks
):
    cursor = current_cursor(api, feed)
    feed_id = feed.pk
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        getattr(feed, change)()
        # A poll in another process before the commit still sees the feed: it caches its version.
        delta.remember_feed_version(feed_id, 1)
    assert delta.cached_feed_version(feed_id) is None
    response = APIClient().get(
        reverse("wagtail_newsfeed_api:feed-entries", args=[feed_id]), {"since": cursor}
    )
    assert response.status_code == 404
