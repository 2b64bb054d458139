"""A feed with no items is the same document from one second to the next: its date (RSS
``lastBuildDate``, Atom ``updated``) is its page's last publication, not "now" as Django's
generator would put, so its ``ETag`` holds and a reader sending it back gets a 304."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils.feedgenerator import rfc2822_date

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_feeds(news_index, feed) -> list[str]:
    """Every kind of feed that can be empty: the site's, an index's and a live feed's, in both
    formats (a topic feed with no visible article is a 404)."""
    return [
        reverse("wagtail_newsfeed:latest_rss"),
        reverse("wagtail_newsfeed:latest_atom"),
        reverse("wagtail_newsfeed:index_rss", args=[news_index.pk]),
        reverse("wagtail_newsfeed:index_atom", args=[news_index.pk]),
        reverse("wagtail_newsfeed:live_rss", args=[feed.pk]),
        reverse("wagtail_newsfeed:live_atom", args=[feed.pk]),
    ]


def test_an_empty_feed_keeps_its_etag_and_answers_304(client, empty_feeds):
    first = {url: client.get(url) for url in empty_feeds}
    time.sleep(1.1)  # the dates are in whole seconds

    for url, response in first.items():
        assert response.status_code == 200, url
        again = client.get(url)
        assert again.content == response.content, url
        assert again["ETag"] == response["ETag"], url
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url


def test_an_empty_live_feed_is_dated_by_its_page(client, feed):
    feed.refresh_from_db()

    rss = client.get(reverse("wagtail_newsfeed:live_rss", args=[feed.pk])).content.decode()

    assert f"<lastBuildDate>{rfc2822_date(feed.last_published_at)}</lastBuildDate>" in rss


def test_the_empty_site_feed_is_dated_at_the_epoch(client, news_index):
    atom = client.get(reverse("wagtail_newsfeed:latest_atom")).content.decode()

    assert f"<updated>{datetime(1970, 1, 1, tzinfo=UTC).isoformat()}</updated>" in atom


def test_a_feed_with_items_is_still_dated_by_its_newest_item(client, news_index):
    article = factories.make_article(news_index, "Story")
    article.refresh_from_db()

    atom = client.get(reverse("wagtail_newsfeed:index_atom", args=[news_index.pk])).content
    assert f"<updated>{article.published_at.astimezone(UTC).isoformat()}" in atom.decode()
