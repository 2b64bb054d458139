"""Deliveries reach a real receiver after commit, signed so the ``standardwebhooks`` library
accepts them, keep their id across retries and back off after failures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests import factories
from tests.webhooks.conftest import serving
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import send_due_deliveries


def verify(endpoint, request) -> dict:
    """What a receiver does: the reference library checks the signature and the timestamp."""
    return Webhook(endpoint.secret).verify(request.body, request.headers)


def test_article_publish_delivers_a_payload_the_standardwebhooks_library_verifies(
    receiver, make_endpoint, committed
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    index = factories.make_index()
    with committed():
        article = factories.make_article(index, "Budget passes")

    (request,) = receiver.wait_for(1)
    payload = verify(endpoint, request)
    assert request.path == "/hooks/newsfeed"
    assert request.headers["webhook-id"].startswith("msg_")
    assert payload["type"] == "article.published"
    data = payload["data"]
    assert data["object"] == "article" and data["id"] == article.pk
    assert article.url in data["paths"] and index.url in data["paths"]
    assert f"http://localhost/api/newsfeed/v1/articles/{article.pk}/" in data["api_urls"]
    assert "Budget passes" not in request.body.decode()  # ids and paths, never content
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert (delivery.attempts, delivery.response_code) == (1, 200)
    assert delivery.duration_ms is not None and delivery.message_id == request.headers["webhook-id"]


def test_a_signature_made_with_another_secret_is_rejected_by_the_library(
    receiver, make_endpoint, committed
):
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    with committed():
        factories.make_article(factories.make_index())
    (request,) = receiver.wait_for(1)
    other = make_endpoint("http://127.0.0.1:9/", name="Other")
    with pytest.raises(WebhookVerificationError):
        verify(other, request)


def test_entry_create_through_the_write_path_is_delivered_after_commit(
    receiver, make_endpoint, committed
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ENTRY_CREATED])
    feed = factories.make_feed(factories.make_index())
    with committed():
        entry = factories.make_entry(feed, text="Polls close")
        assert receiver.requests == []  # not before the commit

    (request,) = receiver.wait_for(1)
    payload = verify(endpoint, request)
    assert payload["type"] == "entry.changed"
    assert payload["data"]["entries"] == {"created": [entry.pk], "updated": [], "deleted": []}
    assert payload["data"]["events"] == ["entry.created"]
    assert payload["data"]["paths"][0] == feed.url
    assert "Polls close" not in request.body.decode()


def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(
    receiver, make_endpoint, committed
):
    make_endpoint(receiver.url)
    index = factories.make_index()
    feed = factories.make_feed(index)
    WebhookDelivery.objects.all().delete()

    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        factories.make_article(index, "Never happened")
        factories.make_entry(feed)
        assert WebhookDelivery.objects.exists()  # recorded in the transaction...
        raise RuntimeError("roll back")

    assert callbacks == []

    assert WebhookDelivery.objects.count() == 0
    assert receiver.wait_for(1, timeout=0.5) == []


def test_a_500_is_retried_later_with_the_same_id_and_back_off(
    receiver, make_endpoint, webhook_settings, committed
):
    webhook_settings(WEBHOOK_RETRY_DELAY=10, WEBHOOK_MAX_ATTEMPTS=4)
    receiver.statuses = [500, 503]
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    with committed():
        factories.make_article(factories.make_index())

    receiver.wait_for(1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert "HTTP 500" in delivery.last_error
    first_delay = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=8) < first_delay <= timedelta(seconds=10)
    # Not due yet: the sweeper leaves it alone (the request that published never waited).
    assert send_due_deliveries() == 0

    send_due_deliveries(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 2, 503)
    second_delay = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=18) < second_delay <= timedelta(seconds=20)  # doubled

    send_due_deliveries(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert delivery.last_error == ""

    requests = receiver.wait_for(3)
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    for request in requests:
        verify(endpoint, request)


def test_a_delivery_gives_up_after_the_last_attempt(
    receiver, make_endpoint, webhook_settings, committed
):
    webhook_settings(WEBHOOK_MAX_ATTEMPTS=2)
    receiver.statuses = [500, 500, 500]
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    with committed():
        factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    send_due_deliveries(now=timezone.now() + timedelta(hours=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert send_due_deliveries(now=timezone.now() + timedelta(days=1)) == 0


def test_with_a_deferring_backend_a_retry_is_enqueued_with_run_after(
    receiver, make_endpoint, settings, committed
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    from wagtail_newsfeed.webhooks.deliveries import send_delivery

    receiver.statuses = [500]
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    index = factories.make_index()
    default_task_backend.clear()
    with committed():
        factories.make_article(index)
    delivery = WebhookDelivery.objects.get()
    (first,) = [r for r in default_task_backend.results if r.task.name == "send_webhook_delivery"]
    assert first.args == [delivery.pk] and first.task.run_after is None

    send_delivery(delivery.pk)  # what the worker does
    delivery.refresh_from_db()
    retry = default_task_backend.results[-1]
    assert retry.args == [delivery.pk]
    assert retry.task.run_after == delivery.next_attempt_at
    default_task_backend.clear()


def test_a_slow_receiver_times_out_without_holding_the_publish_long(
    make_endpoint, webhook_settings, committed
):
    import socket
    import threading

    webhook_settings(WEBHOOK_TIMEOUT=0.5)
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    make_endpoint(
        f"http://127.0.0.1:{listener.getsockname()[1]}/", [WebhookEvent.ARTICLE_PUBLISHED]
    )
    index = factories.make_index()
    started = timezone.now()
    with committed():
        factories.make_article(index)
    assert timezone.now() - started < timedelta(seconds=3)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "Timeout" in delivery.last_error
    listener.close()


def test_payload_body_is_the_same_bytes_on_every_attempt(db):
    from wagtail_newsfeed.webhooks.deliveries import payload_body

    delivery = WebhookDelivery(payload={"b": 1, "a": [1, 2]})
    assert payload_body(delivery) == payload_body(delivery) == b'{"a":[1,2],"b":1}'
    assert json.loads(payload_body(delivery)) == delivery.payload


def test_the_send_webhooks_command_sends_what_is_due(receiver, make_endpoint, webhook_settings):
    from django.core.management import call_command

    from wagtail_newsfeed.models import WebhookEndpoint

    endpoint = make_endpoint(receiver.url)
    assert isinstance(endpoint, WebhookEndpoint)
    due = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="article.updated", payload={"type": "article.updated"}
    )
    later = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="article.updated",
        payload={"type": "article.updated"},
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    call_command("send_webhooks")
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("succeeded", "pending")
    (request,) = receiver.wait_for(1)
    assert verify(endpoint, request) == {"type": "article.updated"}


def test_the_log_is_pruned_after_the_configured_days(make_endpoint, webhook_settings):
    from wagtail_newsfeed.webhooks.deliveries import prune_log

    webhook_settings(WEBHOOK_LOG_DAYS=7)
    endpoint = make_endpoint("https://8.8.8.8/")
    old = timezone.now() - timedelta(days=8)
    for status in ("succeeded", "failed", "pending"):
        WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="x", status=status, created_at=old
        )
    WebhookDelivery.objects.create(endpoint=endpoint, event_type="x", status="succeeded")
    assert prune_log() == 2
    assert sorted(WebhookDelivery.objects.values_list("status", flat=True)) == [
        "pending",
        "succeeded",
    ]


def test_settings_beyond_their_limits_do_not_fail_a_publish(
    receiver, make_endpoint, webhook_settings, committed
):
    # ``manage.py check`` refuses them (E003); a site that runs anyway gets the limits, not an
    # OverflowError on every publish.
    from wagtail_newsfeed.webhooks.deliveries import MAX_BACK_OFF, prune_log, retry_delay

    webhook_settings(WEBHOOK_LOG_DAYS=1e6, WEBHOOK_RETRY_DELAY=1e12, WEBHOOK_MAX_ATTEMPTS=30)
    receiver.statuses = [500]
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    with committed():
        factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(hours=23) < wait <= timedelta(days=1)  # WEBHOOK_RETRY_DELAY's limit
    assert retry_delay(29) == MAX_BACK_OFF
    assert prune_log() == 0


def test_an_endless_response_is_read_only_up_to_the_cap(make_endpoint, webhook_settings, committed):
    from http.server import BaseHTTPRequestHandler

    webhook_settings(WEBHOOK_MAX_RESPONSE_BYTES=1024, WEBHOOK_TIMEOUT=2)
    sent = []

    class Endless(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.end_headers()
            try:
                while len(sent) < 100_000:  # up to ~800 MB if nobody stopped reading
                    self.wfile.write(b"x" * 8192)
                    sent.append(1)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    with serving(Endless) as port:
        make_endpoint(f"http://127.0.0.1:{port}/", [WebhookEvent.ARTICLE_PUBLISHED])
        index = factories.make_index()
        with committed():
            factories.make_article(index)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("succeeded", 200)
    assert delivery.duration_ms < 2000
    assert len(sent) < 100_000
