"""Delta sync after a feed's URL changes: moving the feed (or a page above it) or giving either a
new slug changes every entry's ``url``, so each entry gets a new version and a poller gets them
all again with their new URLs. A reorder among siblings changes no URL and no version."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from wagtail.models import Page

from tests import factories
from tests.checks import entries_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def cursor_of(api, feed) -> str:
    response = api.get(entries_url(feed))
    assert response.status_code == 200, response.content
    return response.json()["cursor"]


def polled_urls(api, feed, cursor) -> dict[int, str]:
    response = api.get(entries_url(feed), {"since": cursor})
    assert response.status_code == 200, response.content
    return {item["id"]: item["url"] for item in response.json()["results"]}


def rename(page: Page, slug: str, capture) -> None:
    """A new slug, published as an editor does (Wagtail tells of it once it commits)."""
    page = page.specific
    page.slug = slug
    with capture(execute=True):
        page.save_revision().publish()


def test_a_moved_feed_gives_every_entry_again_with_its_new_url(api, feed, superuser):
    entries = [factories.make_entry(feed, superuser) for _ in range(2)]
    cursor = cursor_of(api, feed)
    elsewhere = factories.make_index(title="Elsewhere", slug="elsewhere")

    feed.move(elsewhere, pos="last-child")

    urls = polled_urls(api, feed, cursor)
    assert sorted(urls) == sorted(entry.pk for entry in entries)
    assert all("/elsewhere/" in url for url in urls.values())


def test_a_feed_given_a_new_slug_gives_every_entry_again(
    api, feed, superuser, django_capture_on_commit_callbacks
):
    entry = factories.make_entry(feed, superuser)
    cursor = cursor_of(api, feed)

    rename(feed, "renamed-live", django_capture_on_commit_callbacks)

    urls = polled_urls(api, feed, cursor)
    assert list(urls) == [entry.pk]
    assert "/renamed-live/" in urls[entry.pk]


def test_a_section_above_the_feed_given_a_new_slug_gives_every_entry_again(
    api, news_index, feed, superuser, django_capture_on_commit_callbacks
):
    entry = factories.make_entry(feed, superuser)
    cursor = cursor_of(api, feed)

    rename(news_index, "renamed-news", django_capture_on_commit_callbacks)

    assert "/renamed-news/" in polled_urls(api, feed, cursor)[entry.pk]


def test_a_reorder_among_siblings_gives_nothing_again(api, news_index, feed, superuser):
    factories.make_entry(feed, superuser)
    factories.make_feed(news_index, "Another feed")
    cursor = cursor_of(api, feed)

    feed.move(news_index, pos="last-child")

    assert polled_urls(api, feed, cursor) == {}
