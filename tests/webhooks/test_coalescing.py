"""Entry changes of a feed are coalesced with a leading and a trailing edge, and on the default
(immediate) task backend what falls due later goes out with the next webhook activity."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import FLUSH_LIMIT, send_delivery, send_due_deliveries

ENTRY_EVENTS = [WebhookEvent.ENTRY_CREATED, WebhookEvent.ENTRY_UPDATED, WebhookEvent.ENTRY_DELETED]


def entry_ids(delivery: WebhookDelivery) -> list[int]:
    return [i for ids in delivery.payload["data"]["entries"].values() for i in ids]


def feed_deliveries(feed) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(coalesce_key=f"feed:{feed.pk}").order_by("pk"))


def received_entry_ids(receiver, feed) -> list[list[int]]:
    """The entry ids of each ``entry.changed`` request about ``feed``, in arrival order."""
    bodies = [json.loads(r.body) for r in receiver.requests]
    return [
        [i for ids in b["data"]["entries"].values() for i in ids]
        for b in bodies
        if b["type"] == "entry.changed" and b["data"]["id"] == feed.pk
    ]


def test_a_burst_of_50_changes_is_a_leading_delivery_and_one_trailing_batch_per_feed(
    receiver, make_endpoint, committed, webhook_settings
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=30)
    make_endpoint(receiver.url, ENTRY_EVENTS)
    index = factories.make_index()
    feed, other_feed = factories.make_feed(index), factories.make_feed(index)
    user = factories._system_user()
    entries = []
    # Each change commits on its own, as separate requests would.
    with committed():
        entries.append(factories.make_entry(feed))
    assert len(receiver.requests) == 1  # the leading edge: sent right after the commit
    for _ in range(29):
        with committed():
            entries.append(factories.make_entry(feed))
    for entry in entries[1:11]:
        with committed():
            entry_rules.update_entry(entry, user, headline="Edited")
    for entry in entries[11:21]:
        with committed():
            entry_rules.delete_entry(entry, user)
    extra = []
    for _ in range(2):
        with committed():
            extra.append(factories.make_entry(other_feed))
    assert len(receiver.requests) == 2  # one leading delivery per feed, nothing else yet
    assert received_entry_ids(receiver, other_feed) == [[extra[0].pk]]

    leading, trailing = feed_deliveries(feed)  # 50 changes, two deliveries
    assert leading.status == "succeeded" and entry_ids(leading) == [entries[0].pk]
    assert trailing.status == "pending" and trailing.attempts == 0
    assert trailing.next_attempt_at == leading.delivered_at + timedelta(seconds=30)
    changes = trailing.payload["data"]["entries"]
    assert sorted(changes["created"]) == sorted(e.pk for e in entries[1:11] + entries[21:])
    assert changes["updated"] == []  # the receiver has not been told about them yet
    assert sorted(changes["deleted"]) == sorted(e.pk for e in entries[11:21])
    assert sorted(entry_ids(leading) + entry_ids(trailing)) == sorted(e.pk for e in entries)
    other_leading, other_trailing = feed_deliveries(other_feed)
    assert [entry_ids(other_leading), entry_ids(other_trailing)] == [[extra[0].pk], [extra[1].pk]]

    send_due_deliveries(now=timezone.now() + timedelta(seconds=31))
    assert len(receiver.wait_for(4)) == 4
    assert sorted(sum(received_entry_ids(receiver, feed), [])) == sorted(e.pk for e in entries)
    assert {d.status for d in WebhookDelivery.objects.all()} == {"succeeded"}


def test_with_the_immediate_backend_the_trailing_batch_goes_out_with_the_next_activity(
    receiver, make_endpoint, committed, webhook_settings
):
    # A window wide enough for two entries to be made on a busy PostgreSQL (~0.5 s seen).
    webhook_settings(WEBHOOK_COALESCE_SECONDS=1.5)
    make_endpoint(receiver.url, [*ENTRY_EVENTS, WebhookEvent.ARTICLE_PUBLISHED])
    index = factories.make_index()
    feed = factories.make_feed(index)
    with committed():
        first = factories.make_entry(feed)
    assert received_entry_ids(receiver, feed) == [[first.pk]]  # at once, no sweeper needed
    with committed():
        second = factories.make_entry(feed)
        third = factories.make_entry(feed)
    time.sleep(0.3)
    assert received_entry_ids(receiver, feed) == [[first.pk]]  # within the window: held

    time.sleep(1.5)  # the window has closed; nothing runs by itself on this backend
    assert received_entry_ids(receiver, feed) == [[first.pk]]
    with committed():
        factories.make_article(index, "Unrelated news")  # the next webhook activity

    assert received_entry_ids(receiver, feed) == [[first.pk], [second.pk, third.pk]]
    assert [json.loads(r.body)["type"] for r in receiver.requests] == [
        "entry.changed",
        "article.published",
        "entry.changed",  # after the new event, not before it
    ]
    assert {d.status for d in WebhookDelivery.objects.all()} == {"succeeded"}


def test_a_change_after_the_window_joins_the_due_batch_and_sends_it_at_once(
    receiver, make_endpoint, committed, webhook_settings
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=0.5)
    make_endpoint(receiver.url, ENTRY_EVENTS)
    feed = factories.make_feed(factories.make_index())
    with committed():
        first = factories.make_entry(feed)
    with committed():
        second = factories.make_entry(feed)
    time.sleep(0.6)
    with committed():
        third = factories.make_entry(feed)
    assert received_entry_ids(receiver, feed) == [[first.pk], [second.pk, third.pk]]
    assert len(feed_deliveries(feed)) == 2


def test_a_change_long_after_the_last_delivery_is_a_new_leading_edge(
    receiver, make_endpoint, committed, webhook_settings
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=30)
    make_endpoint(receiver.url, ENTRY_EVENTS)
    feed = factories.make_feed(factories.make_index())
    with committed():
        entry = factories.make_entry(feed)
    long_ago = timezone.now() - timedelta(seconds=31)
    WebhookDelivery.objects.update(created_at=long_ago, delivered_at=long_ago)
    with committed():
        entry_rules.update_entry(entry, factories._system_user(), headline="Later")
    deliveries = feed_deliveries(feed)
    assert [d.status for d in deliveries] == ["succeeded", "succeeded"]
    assert deliveries[1].payload["data"]["entries"]["updated"] == [entry.pk]
    assert len(receiver.wait_for(2)) == 2


def test_a_retry_that_fell_due_goes_out_with_the_next_activity(
    receiver, make_endpoint, committed, webhook_settings
):
    webhook_settings(WEBHOOK_RETRY_DELAY=60)
    receiver.statuses = [500]
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    index = factories.make_index()
    with committed():
        factories.make_article(index, "First")
    failed = WebhookDelivery.objects.get()
    assert (failed.status, failed.attempts) == ("pending", 1)
    with committed():
        factories.make_article(index, "Second")
    failed.refresh_from_db()
    assert failed.attempts == 1  # not due yet: left alone
    second = WebhookDelivery.objects.exclude(pk=failed.pk).get()
    # The endpoint backs off: the new delivery waits for the retry rather than being tried.
    assert (second.attempts, second.next_attempt_at) == (0, failed.next_attempt_at)

    WebhookDelivery.objects.filter(status="pending").update(  # the back-off has passed
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    with committed():
        factories.make_article(index, "Third")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("succeeded", 2)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    ids = [r.headers["webhook-id"] for r in receiver.wait_for(4)]
    assert len(ids) == 4 and ids.count(failed.message_id) == 2


def test_the_flush_is_bounded_and_skips_deliveries_another_sender_holds(
    receiver, make_endpoint, committed
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    index = factories.make_index()
    past = timezone.now() - timedelta(minutes=1)
    for _ in range(FLUSH_LIMIT + 5):
        WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="article.updated", payload={}, next_attempt_at=past
        )
    held = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="article.updated",
        payload={},
        status="sending",
        next_attempt_at=timezone.now() + timedelta(minutes=1),  # another sender's lease
    )
    with committed():
        factories.make_article(index)
    assert WebhookDelivery.objects.filter(status="succeeded").count() == 1 + FLUSH_LIMIT
    assert WebhookDelivery.objects.filter(status="pending").count() == 5
    held.refresh_from_db()
    assert (held.status, held.attempts) == ("sending", 0)
    assert len(receiver.wait_for(1 + FLUSH_LIMIT)) == 1 + FLUSH_LIMIT


def test_with_a_deferring_backend_the_leading_edge_is_enqueued_now_and_the_batch_later(
    receiver, make_endpoint, settings, committed, webhook_settings
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=30)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    make_endpoint(receiver.url, ENTRY_EVENTS)
    feed = factories.make_feed(factories.make_index())
    default_task_backend.clear()
    with committed():
        factories.make_entry(feed)
    (leading,) = feed_deliveries(feed)
    send_delivery(leading.pk)  # what the worker does
    with committed():
        factories.make_entry(feed)
    with committed():
        factories.make_entry(feed)
    leading, trailing = feed_deliveries(feed)
    sends = [r for r in default_task_backend.results if r.task.name == "send_webhook_delivery"]
    assert [(r.args, r.task.run_after) for r in sends] == [
        ([leading.pk], None),
        ([trailing.pk], trailing.next_attempt_at),
    ]
    assert trailing.next_attempt_at == leading.delivered_at + timedelta(seconds=30)
    assert len(entry_ids(trailing)) == 2
    default_task_backend.clear()


@pytest.mark.parametrize("window", [0, 30])
def test_a_failed_leading_delivery_is_not_merged_into(
    receiver, make_endpoint, committed, webhook_settings, window
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=window)
    receiver.statuses = [500]
    make_endpoint(receiver.url, ENTRY_EVENTS)
    feed = factories.make_feed(factories.make_index())
    with committed():
        first = factories.make_entry(feed)
    with committed():
        second = factories.make_entry(feed)
    deliveries = feed_deliveries(feed)
    assert [entry_ids(d) for d in deliveries] == [[first.pk], [second.pk]]
    assert deliveries[0].attempts == 1  # its body must not change between attempts


def test_changes_committed_before_the_leading_delivery_went_out_join_it(
    receiver, make_endpoint, committed, webhook_settings
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=30)
    make_endpoint(receiver.url, ENTRY_EVENTS)
    feed = factories.make_feed(factories.make_index())
    with committed():  # one transaction: every change is recorded before anything is sent
        entries = [factories.make_entry(feed) for _ in range(3)]
    (delivery,) = feed_deliveries(feed)
    assert sorted(entry_ids(delivery)) == sorted(e.pk for e in entries)
    assert received_entry_ids(receiver, feed) == [entry_ids(delivery)]
