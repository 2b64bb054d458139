"""What readers can no longer see is not sent later either: a trailing batch of entry changes,
or a retry about an article or feed, whose subject became private, unpublished or deleted
meanwhile is dropped at send time (logged as not sent, with the reason). The events that say it
went (unpublished, deleted) still go out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import send_due_deliveries

FEED_EVENTS = [
    WebhookEvent.FEED_CHANGED,
    WebhookEvent.ENTRY_CREATED,
    WebhookEvent.ENTRY_UPDATED,
    WebhookEvent.ENTRY_DELETED,
]
ARTICLE_EVENTS = [
    WebhookEvent.ARTICLE_PUBLISHED,
    WebhookEvent.ARTICLE_UPDATED,
    WebhookEvent.ARTICLE_UNPUBLISHED,
    WebhookEvent.ARTICLE_DELETED,
]


def restrict(page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def hide(page, how: str) -> None:
    if how == "private":
        restrict(page)
    elif how == "unpublished":
        page.unpublish()
    else:
        page.delete()


def received(receiver) -> list[tuple[str, str | None]]:
    bodies = [json.loads(r.body) for r in receiver.requests]
    return [(b["type"], b["data"].get("action")) for b in bodies]


def later() -> timezone.datetime:
    return timezone.now() + timedelta(hours=1)


@pytest.mark.parametrize("how", ["private", "unpublished", "deleted"])
def test_a_trailing_batch_of_entry_changes_is_not_sent_once_the_feed_is_hidden(
    receiver, make_endpoint, committed, webhook_settings, how
):
    webhook_settings(WEBHOOK_COALESCE_SECONDS=30)
    feed = factories.make_feed(factories.make_index())
    make_endpoint(receiver.url, FEED_EVENTS)
    with committed():
        factories.make_entry(feed)  # the leading edge, sent at once
    with committed():
        factories.make_entry(feed)  # waits in the window
    trailing = WebhookDelivery.objects.get(event_type="entry.changed", status="pending")

    with committed():
        hide(feed, how)
    send_due_deliveries(now=later())

    action = "unpublished" if how != "deleted" else "deleted"
    assert received(receiver) == [("entry.changed", None), ("feed.changed", action)]
    trailing.refresh_from_db()
    assert (trailing.status, trailing.attempts, trailing.response_code) == ("failed", 0, None)
    assert trailing.last_error.startswith("Not sent: readers can no longer see the feed")


@pytest.mark.parametrize("how", ["private", "unpublished", "deleted"])
def test_a_retry_about_an_article_since_hidden_is_dropped(
    receiver, make_endpoint, committed, webhook_settings, how
):
    webhook_settings(WEBHOOK_RETRY_DELAY=10)
    receiver.statuses = [500]
    make_endpoint(receiver.url, ARTICLE_EVENTS)
    with committed():
        article = factories.make_article(factories.make_index())
    retry = WebhookDelivery.objects.get(event_type="article.published")
    assert (retry.status, retry.attempts) == ("pending", 1)

    with committed():
        hide(article, how)
    send_due_deliveries(now=later())

    gone = "article.deleted" if how == "deleted" else "article.unpublished"
    assert received(receiver) == [("article.published", None), (gone, None)]
    retry.refresh_from_db()
    assert (retry.status, retry.attempts) == ("failed", 1)  # no attempt made for the drop
    assert retry.last_error.startswith("Not sent: readers can no longer see the article")
    assert WebhookDelivery.objects.get(event_type=gone).status == "succeeded"


def test_a_retry_of_a_feed_update_is_dropped_once_the_feed_is_private(
    receiver, make_endpoint, committed, webhook_settings
):
    feed = factories.make_feed(factories.make_index())
    make_endpoint(receiver.url, [WebhookEvent.FEED_CHANGED])
    receiver.statuses = [500]
    with committed():
        feed.save_revision().publish()
    update = WebhookDelivery.objects.get(payload__data__action="updated")

    with committed():
        restrict(feed)
    send_due_deliveries(now=later())

    assert received(receiver) == [("feed.changed", "updated"), ("feed.changed", "unpublished")]
    update.refresh_from_db()
    assert update.status == "failed" and "no longer see the feed" in update.last_error


def test_unpublished_and_deleted_events_are_retried_although_their_subject_is_hidden(
    receiver, make_endpoint, committed
):
    article = factories.make_article(factories.make_index())
    make_endpoint(receiver.url, ARTICLE_EVENTS)
    receiver.statuses = [500]
    with committed():
        article.unpublish()
    with committed():
        article.delete()  # not live: nothing new is reported

    send_due_deliveries(now=later())

    assert received(receiver) == [("article.unpublished", None), ("article.unpublished", None)]
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_a_retry_about_an_article_still_visible_is_sent(receiver, make_endpoint, committed):
    receiver.statuses = [500]
    make_endpoint(receiver.url, ARTICLE_EVENTS)
    with committed():
        factories.make_article(factories.make_index())

    send_due_deliveries(now=later())

    assert received(receiver) == [("article.published", None)] * 2
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_a_retry_about_a_topic_no_story_shows_any_more_is_dropped(
    receiver, make_endpoint, committed
):
    topic = factories.make_topic("Budget")
    article = factories.make_article(factories.make_index(), topics=[topic])
    make_endpoint(receiver.url, [WebhookEvent.TAXONOMY_CHANGED])
    receiver.statuses = [500]
    with committed():
        topic.name = "Budget 2027"
        topic.save()
    retry = WebhookDelivery.objects.get()

    article.unpublish()  # the topic's only story: the topic is not public any more
    send_due_deliveries(now=later())

    assert received(receiver) == [("taxonomy.changed", "saved")]
    retry.refresh_from_db()
    assert retry.status == "failed" and "no longer see the topic" in retry.last_error
