"""Delta sync after a change to an author on entries' bylines: deleting the author, or changing
what a byline shows of them (name, slug, role, photo), gives each entry that credits them a new
version, so a poller gets those entries again with the new byline, and only those."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.checks import entries_url
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import Author, WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.models.webhooks import ENTRIES_CHANGED

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def author_url(action: str, author: Author) -> str:
    return reverse(f"wagtail_newsfeed_author_modeladmin_{action}", args=[author.pk])


def cursor_of(api, feed) -> str:
    response = api.get(entries_url(feed))
    assert response.status_code == 200, response.content
    return response.json()["cursor"]


def poll(api, feed, cursor) -> dict:
    response = api.get(entries_url(feed), {"since": cursor})
    assert response.status_code == 200, response.content
    return response.json()


def bylines(data: dict) -> list[tuple[int, bool, list[str]]]:
    return [
        (item["id"], item["deleted"], [author["name"] for author in item["authors"]])
        for item in data["results"]
    ]


@pytest.fixture
def newsroom(news_index):
    """Two feeds; Jane is on some entries' bylines in each, Max on others."""
    jane = factories.make_author("Jane Smith", slug="jane")
    max_ = factories.make_author("Max Moreau", slug="max")
    first, second = factories.make_feed(news_index), factories.make_feed(news_index)
    entries = {
        "shared": factories.make_entry(first, authors=[jane, max_]),
        "max only": factories.make_entry(first, authors=[max_]),
        "jane only": factories.make_entry(first, authors=[jane]),
        "elsewhere": factories.make_entry(second, authors=[jane]),
        "unsigned": factories.make_entry(second),
    }
    return jane, first, second, entries


def test_deleting_an_author_in_the_admin_sends_their_entries_in_each_feed_with_the_new_byline(
    api, admin_client, newsroom
):
    jane, first, second, entries = newsroom
    before = {first: cursor_of(api, first), second: cursor_of(api, second)}

    assert admin_client.post(author_url("delete", jane)).status_code == 302

    assert not Author.objects.filter(pk=jane.pk).exists()
    data = poll(api, first, before[first])
    assert bylines(data) == [
        (entries["shared"].pk, False, ["Max Moreau"]),
        (entries["jane only"].pk, False, []),
    ]
    assert data["has_more"] is False
    assert data["cursor"] != before[first]
    assert data["cursor"] == cursor_of(api, first)
    assert poll(api, first, data["cursor"])["results"] == []
    data = poll(api, second, before[second])
    assert bylines(data) == [(entries["elsewhere"].pk, False, [])]
    assert data["cursor"] == cursor_of(api, second) != before[second]


def test_renaming_an_author_in_the_admin_sends_their_entries_with_the_new_name(
    api, admin_client, newsroom
):
    jane, first, second, entries = newsroom
    before = {first: cursor_of(api, first), second: cursor_of(api, second)}

    fields = {"name": "Jane Doe", "slug": "jane-doe", "role": "", "bio": ""}
    assert admin_client.post(author_url("edit", jane), fields).status_code == 302

    assert bylines(poll(api, first, before[first])) == [
        (entries["shared"].pk, False, ["Jane Doe", "Max Moreau"]),
        (entries["jane only"].pk, False, ["Jane Doe"]),
    ]
    data = poll(api, second, before[second])
    assert bylines(data) == [(entries["elsewhere"].pk, False, ["Jane Doe"])]
    assert [author["slug"] for author in data["results"][0]["authors"]] == ["jane-doe"]


def test_a_new_photo_or_role_sends_the_entries_again_and_a_save_of_nothing_does_not(api, newsroom):
    jane, first, _second, entries = newsroom
    cursor = cursor_of(api, first)

    jane.save()  # nothing readers see of her changed
    assert poll(api, first, cursor)["results"] == []

    jane.role = "Correspondent"
    jane.photo = factories.make_image()
    jane.bio = "Not on a byline."
    jane.save()
    data = poll(api, first, cursor)
    assert [item["id"] for item in data["results"]] == [
        entries["shared"].pk,
        entries["jane only"].pk,
    ]
    assert data["results"][1]["authors"][0]["role"] == "Correspondent"
    assert data["results"][1]["authors"][0]["photo"] is not None


def test_deleting_an_authors_photo_sends_their_entries_without_it(api, newsroom):
    jane, first, _second, entries = newsroom
    jane.photo = factories.make_image()
    jane.save()
    cursor = cursor_of(api, first)

    jane.photo.delete()

    data = poll(api, first, cursor)
    assert [item["id"] for item in data["results"]] == [
        entries["shared"].pk,
        entries["jane only"].pk,
    ]
    assert data["results"][1]["authors"][0]["photo"] is None


def test_a_deleted_or_draft_entry_crediting_the_author_is_not_sent(api, news_index, superuser):
    jane = factories.make_author("Jane Smith")
    feed = factories.make_feed(news_index)
    gone = factories.make_entry(feed, authors=[jane])
    draft = factories.make_entry(feed, authors=[jane], status="draft")
    entry_rules.delete_entry(gone, superuser)
    tombstoned = gone.version
    cursor = cursor_of(api, feed)
    version = delta.current_version(feed)

    jane.delete()

    assert poll(api, feed, cursor)["results"] == []
    gone.refresh_from_db()
    assert gone.version == tombstoned  # a tombstone is not sent again
    draft.refresh_from_db()
    assert draft.version > version  # the console sees the draft's byline change


def test_the_entries_get_versions_of_their_own_above_the_feeds_old_counter(newsroom):
    jane, first, _second, entries = newsroom
    version = delta.current_version(first)

    jane.delete()

    shared, jane_only = (entries[key] for key in ("shared", "jane only"))
    shared.refresh_from_db()
    jane_only.refresh_from_db()
    assert version < shared.version < jane_only.version == delta.current_version(first)


def test_the_feeds_are_announced_as_entries_updated(newsroom, committed, settings):
    settings.WAGTAIL_NEWSFEED = {
        **settings.WAGTAIL_NEWSFEED,
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": ["127.0.0.0/8"],
        "WEBHOOK_COALESCE_SECONDS": 60,
        "WEBHOOK_TIMEOUT": 1,
    }
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    WebhookEndpoint.objects.create(
        name="Frontend", url=f"http://127.0.0.1:{port}/hook", events=[WebhookEvent.ENTRY_UPDATED]
    )
    jane, first, second, entries = newsroom

    with committed():
        jane.delete()

    sent = {
        delivery.payload["data"]["id"]: delivery.payload["data"]["entries"]
        for delivery in WebhookDelivery.objects.filter(event_type=ENTRIES_CHANGED)
    }
    assert sent == {
        first.pk: {
            "created": [],
            "updated": [entries["shared"].pk, entries["jane only"].pk],
            "deleted": [],
        },
        second.pk: {"created": [], "updated": [entries["elsewhere"].pk], "deleted": []},
    }


@pytest.mark.parametrize("change", ["delete", "rename"])
def test_the_cost_does_not_grow_with_the_number_of_entries(
    change, news_index, django_assert_max_num_queries
):
    def credited_on(entries_per_feed: int) -> Author:
        author = factories.make_author()
        for _feed in range(2):
            feed = factories.make_feed(news_index)
            for _entry in range(entries_per_feed):
                factories.make_entry(feed, authors=[author])
        return author

    def make_change(author: Author) -> None:
        if change == "delete":
            author.delete()
        else:
            author.name = "Renamed"
            author.save()

    few, many = credited_on(1), credited_on(12)
    with CaptureQueriesContext(connection) as queries:
        make_change(few)
    with django_assert_max_num_queries(len(queries)):
        make_change(many)
