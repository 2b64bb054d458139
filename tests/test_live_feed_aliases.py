"""An alias of a live feed (Wagtail's "Create alias", or a translation kept in sync) is a second
address of the feed: readers are sent on to it, and the API, the console and the feeds know the
feed alone, so no entry is written where no reader will see it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page

from tests import factories
from tests.checks import api_client_for, assert_problem, nothing_saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def alias(feed, superuser):
    factories.make_entry(feed, superuser, text="Polls have closed")
    parent = factories.make_index(title="Elections")
    return feed.create_alias(parent=parent, update_slug="election-night-mirror")


def test_readers_of_an_alias_are_sent_to_the_feed(client, feed, alias):
    response = client.get(alias.url)
    assert response.status_code == 302
    assert response["Location"] == feed.url
    assert "Polls have closed" in client.get(response["Location"]).content.decode()


def test_the_api_and_the_feeds_know_the_feed_alone(client, feed, alias):
    listed = [item["id"] for item in client.get("/api/newsfeed/v1/feeds/").json()["results"]]
    assert listed == [feed.pk]
    for path in (
        f"/api/newsfeed/v1/feeds/{alias.pk}/",
        f"/api/newsfeed/v1/feeds/{alias.pk}/entries/",
        reverse("wagtail_newsfeed:live_rss", args=[alias.pk]),
        reverse("wagtail_newsfeed:live_fragments", args=[alias.pk]) + "?ids=1",
    ):
        assert client.get(path).status_code == 404, path
    sitemap = client.get("/sitemap.xml").content.decode()
    assert feed.full_url in sitemap and alias.full_url not in sitemap


def test_nothing_is_written_to_an_alias_through_the_api(feed, alias, superuser):
    writer = api_client_for(superuser)
    body = [{"type": "paragraph", "value": "<p>Lost</p>"}]
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[alias.pk])
    with nothing_saved():
        response = writer.post(url, {"body": body}, "json")
    assert_problem(response, 404)


def test_the_console_of_an_alias_is_the_feeds(admin_client, feed, alias):
    console = reverse("wagtail_newsfeed_console:console", args=[alias.pk])
    response = admin_client.get(console)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    with nothing_saved():
        posted = admin_client.post(console, {"headline": "Lost", "action": "publish"})
    assert posted.status_code == 404


def test_an_alias_of_a_hidden_feed_sends_nobody_anywhere(client, feed, alias):
    feed.unpublish()
    assert client.get(Page.objects.get(pk=alias.pk).url).status_code == 404
