"""The Newsroom list's bulk unpublish and delete cost the same number of queries for 3 entries as
for 30: per feed one transaction locks the counter once, stamps the rows in one update, logs
them in one insert and announces them once (what follows the commit included)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests import factories
from wagtail_newsfeed.models import LiveEntry, LiveFeedCounter, WebhookDelivery, WebhookEndpoint
from wagtail_newsfeed.models.webhooks import ENTRIES_CHANGED, WebhookEvent

pytestmark = pytest.mark.django_db


def bulk(client, action: str, entries):
    data = {"action": action, "id": [str(entry.pk) for entry in entries], "confirm": "yes"}
    data["seen"] = [f"{entry.pk}:{entry.version}" for entry in entries]  # as confirmed
    return client.post(reverse("wagtail_newsfeed_liveentry_modeladmin_bulk"), data)


def webhook_listening(*feeds) -> WebhookEndpoint:
    """An endpoint for entry events, which just had a delivery for each feed: the changes wait
    in the coalescing window (nothing is sent), after the same work as any change."""
    endpoint = WebhookEndpoint.objects.create(
        name="Frontend", url="https://hooks.example.com/in", events=list(WebhookEvent.values)
    )
    for feed in feeds:
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_type=ENTRIES_CHANGED,
            coalesce_key=f"feed:{feed.pk}",
            status=WebhookDelivery.Status.SUCCEEDED,
            delivered_at=timezone.now(),
        )
    return endpoint


def queries_of_bulk(client, action, entries, capture) -> int:
    with capture(execute=True), CaptureQueriesContext(connection) as captured:
        response = bulk(client, action, entries)
    assert response.status_code == 302
    return len(captured.captured_queries)


@pytest.mark.parametrize("action", ["unpublish", "delete"])
def test_a_bulk_action_costs_as_much_for_30_entries_as_for_3(
    admin_client, feed, news_index, action, django_capture_on_commit_callbacks, settings
):
    other = factories.make_feed(news_index, "Count night live")
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "WEBHOOK_COALESCE_SECONDS": 600}
    endpoint = webhook_listening(feed, other)
    few = [factories.make_entry(feed) for _ in range(3)] + [factories.make_entry(other)]
    many = [factories.make_entry(feed) for _ in range(30)] + [factories.make_entry(other)]

    cost_of_few = queries_of_bulk(admin_client, action, few, django_capture_on_commit_callbacks)
    cost_of_many = queries_of_bulk(admin_client, action, many, django_capture_on_commit_callbacks)

    assert cost_of_many <= cost_of_few
    changed = LiveEntry.objects.filter(pk__in=[entry.pk for entry in few + many])
    if action == "delete":
        assert not changed.filter(deleted_at__isnull=True).exists()
    else:
        assert not changed.filter(status=LiveEntry.Status.PUBLISHED).exists()
    announced = WebhookDelivery.objects.filter(endpoint=endpoint, status="pending")
    assert announced.count() == 2  # one per feed, waiting in the window
    logged = PageLogEntry.objects.filter(action=f"wagtail_newsfeed.entry.{action}")
    assert sorted(logged.values_list("data__entry__id", flat=True)) == sorted(
        entry.pk for entry in few + many
    )


def test_a_bulk_action_gives_each_entry_a_version_of_its_own_under_its_feeds_counter(
    admin_client, feed
):
    entries = [factories.make_entry(feed) for _ in range(4)]
    before = LiveFeedCounter.objects.get(feed=feed).version

    bulk(admin_client, "delete", entries)

    versions = sorted(LiveEntry.objects.filter(feed=feed).values_list("version", flat=True))
    assert versions == list(range(before + 1, before + 5))
    assert LiveFeedCounter.objects.get(feed=feed).version == before + 4
