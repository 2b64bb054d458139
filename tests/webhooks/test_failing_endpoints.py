"""A failing endpoint never holds up the others: while it backs off, its new deliveries wait with
its retry (one attempt per back-off period, not one per change), and endpoints that answered go
first in the request's budget."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import send_due_deliveries

ARTICLE_EVENTS = [WebhookEvent.ARTICLE_PUBLISHED, WebhookEvent.ARTICLE_UPDATED]


@pytest.fixture
def hanging_url() -> Iterator[str]:
    """A listener that takes connections and never answers (its backlog accepts them)."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    listener.close()


def republish(article, committed) -> None:
    with committed():
        article.save_revision().publish()


def test_a_hanging_endpoint_does_not_starve_a_working_one(
    receiver, hanging_url, make_endpoint, webhook_settings, committed
):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    make_endpoint(hanging_url, ARTICLE_EVENTS, name="a-dead")  # first by name
    make_endpoint(receiver.url, ARTICLE_EVENTS, name="b-good")
    index = factories.make_index()

    with committed():
        article = factories.make_article(index)
    for _ in range(4):
        republish(article, committed)

    assert len(receiver.wait_for(5)) == 5
    good = WebhookDelivery.objects.filter(endpoint__name="b-good")
    assert set(good.values_list("status", flat=True)) == {"succeeded"}
    dead = WebhookDelivery.objects.filter(endpoint__name="a-dead").order_by("pk")
    assert dead.count() == 5 and set(dead.values_list("status", flat=True)) == {"pending"}
    # Tried once, by the first change; the others wait for its retry instead of each hanging.
    assert [d.attempts for d in dead] == [1, 0, 0, 0, 0]
    assert sum(d.duration_ms or 0 for d in dead) < 1500  # one timeout of waiting, not five
    retry_at = dead[0].next_attempt_at
    assert all(d.next_attempt_at == retry_at for d in dead[1:])


def test_a_failing_endpoint_gets_one_attempt_per_back_off_period(
    receiver, make_endpoint, webhook_settings, committed
):
    webhook_settings(WEBHOOK_RETRY_DELAY=30, WEBHOOK_MAX_ATTEMPTS=5)
    receiver.statuses = [500, 503]
    make_endpoint(receiver.url, ARTICLE_EVENTS)
    with committed():
        article = factories.make_article(factories.make_index())
    republish(article, committed)
    republish(article, committed)
    assert len(receiver.wait_for(1)) == 1  # the first change's attempt only
    first = WebhookDelivery.objects.order_by("pk").first()

    # Its back-off passed and the receiver still fails: one attempt, the rest wait again.
    send_due_deliveries(now=first.next_attempt_at)
    assert len(receiver.wait_for(2, timeout=0.5)) == 2
    first.refresh_from_db()
    assert (first.attempts, first.response_code) == (2, 503)
    waiting = WebhookDelivery.objects.exclude(pk=first.pk)
    assert set(waiting.values_list("attempts", flat=True)) == {0}
    assert all(d.next_attempt_at == first.next_attempt_at for d in waiting)

    # Back up: the retry goes out, then what waited behind it.
    assert send_due_deliveries(now=first.next_attempt_at) == 3
    assert len(receiver.wait_for(5)) == 5
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids[2] == first.message_id  # the retry first, the waiting ones after it


def test_an_endpoint_that_answered_goes_before_one_that_failed(
    receiver, hanging_url, make_endpoint, webhook_settings, committed
):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    dead = make_endpoint(hanging_url, ARTICLE_EVENTS, name="a-dead")
    good = make_endpoint(receiver.url, ARTICLE_EVENTS, name="b-good")
    # Their history: the dead one's last delivery failed for good, the good one's succeeded.
    WebhookDelivery.objects.create(endpoint=dead, event_type="article.updated", status="failed")
    WebhookDelivery.objects.create(
        endpoint=good, event_type="article.updated", status="succeeded", attempts=1
    )
    WebhookDelivery.objects.filter(endpoint=dead).update(attempts=8)

    with committed():
        factories.make_article(factories.make_index())

    (request,) = receiver.wait_for(1, timeout=0.5)
    new = WebhookDelivery.objects.filter(event_type="article.published")
    assert new.get(endpoint=good).status == "succeeded"
    assert new.get(endpoint=dead).attempts == 1  # tried after, in what was left of the budget


def test_with_a_deferring_backend_a_new_delivery_waits_for_the_back_off(
    make_endpoint, settings, committed
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    endpoint = make_endpoint("http://127.0.0.1:9/hooks", ARTICLE_EVENTS)
    retry_at = timezone.now() + timedelta(minutes=4)
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="article.updated", attempts=2, next_attempt_at=retry_at
    )
    index = factories.make_index()
    default_task_backend.clear()

    with committed():
        factories.make_article(index)

    new = WebhookDelivery.objects.get(event_type="article.published")
    assert (new.attempts, new.next_attempt_at) == (0, retry_at)
    (task,) = [r for r in default_task_backend.results if r.task.name == "send_webhook_delivery"]
    assert task.args == [new.pk] and task.task.run_after == retry_at
    default_task_backend.clear()
