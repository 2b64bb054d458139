"""After the commit, in the editor's request: one time budget for all the webhooks it sends,
however many pages it changed, and trouble sending or logging them never reports the committed
change failed. What the request did not get to, or could not log, goes out later."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.webhooks.conftest import serving
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import LEASE_MARGIN, send_due_deliveries

# Real commits: the webhooks go out in the request, as they do on a site.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextmanager
def slow_receiver(delay: float, on_first=None) -> Iterator[tuple[str, list[dict]]]:
    """A receiver that answers ``200`` after ``delay`` seconds, running ``on_first`` (in its own
    thread) when the first delivery arrives; yields its URL and the payloads it got."""
    seen: list[dict] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                seen.append(json.loads(body))
                first = len(seen) == 1
            if first and on_first is not None:
                on_first()
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}/hook", seen


def unpublish(client, page, *, descendants: bool = False):
    form = {"include_descendants": "on"} if descendants else {}
    return client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]), form)


def test_unpublishing_a_section_waits_one_budget_however_many_pages(
    admin_client, make_endpoint, webhook_settings
):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    index = factories.make_index()
    for _ in range(8):
        factories.make_article(index)
    with slow_receiver(0.5) as (url, seen):
        make_endpoint(url, [WebhookEvent.ARTICLE_UNPUBLISHED])
        response = unpublish(admin_client, index, descendants=True)

        assert response.status_code == 302
        assert not index.get_descendants().live().exists()
        # One budget (1 s) for the request, not one per page (8 × 0.5 s): at most the attempts
        # started in the first second went out in it (not a wall-clock bound: CI machines vary).
        assert len(seen) <= 3
        assert WebhookDelivery.objects.count() == 8
        left = WebhookDelivery.objects.filter(status="pending", attempts=0)
        assert left.count() == 8 - len(seen)  # not started in the request, but kept

        send_due_deliveries()  # the sender of due deliveries picks them up
        assert WebhookDelivery.objects.filter(status="succeeded").count() == 8
        assert len(seen) == 8


def test_deleting_a_section_waits_one_budget_however_many_pages(
    admin_client, make_endpoint, webhook_settings
):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    index = factories.make_index()
    for _ in range(8):
        factories.make_article(index)
    with slow_receiver(0.5) as (url, seen):
        make_endpoint(url, [WebhookEvent.ARTICLE_DELETED])
        response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[index.pk]))

        assert response.status_code == 302
        assert not type(index).objects.filter(pk=index.pk).exists()
        assert len(seen) <= 3  # one budget for the request, not one per page
        left = WebhookDelivery.objects.filter(status="pending", attempts=0)
        assert left.count() == 8 - len(seen)
        send_due_deliveries()
        assert WebhookDelivery.objects.filter(status="succeeded").count() == 8
        assert len(seen) == 8


def test_each_request_gets_a_budget_of_its_own(admin_client, make_endpoint, webhook_settings):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    first = factories.make_article(factories.make_index())
    second = factories.make_article(factories.make_index())
    with slow_receiver(0.6) as (url, seen):
        make_endpoint(url, [WebhookEvent.ARTICLE_UNPUBLISHED])
        assert unpublish(admin_client, first).status_code == 302
        time.sleep(0.5)  # the first request's budget would be spent by now
        assert unpublish(admin_client, second).status_code == 302
        assert len(seen) == 2  # the second request sent at once: its budget was whole
    assert WebhookDelivery.objects.filter(status="succeeded").count() == 2


def break_connection_of(pid: int) -> None:
    """End the database session ``pid`` from a second connection, as a failover or a restarted
    database would."""
    other = connections["default"]  # this thread's own connection
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_database_error_logging_a_sent_webhook_still_answers_the_editor_success(
    admin_client, make_endpoint, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip("ends the request's database session with pg_terminate_backend")
    article = factories.make_article(factories.make_index())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()  # the test client's requests run on this connection

    with slow_receiver(0.2, on_first=lambda: break_connection_of(pid)) as (url, seen):
        make_endpoint(url, [WebhookEvent.ARTICLE_UNPUBLISHED])
        response = unpublish(admin_client, article)

        assert response.status_code == 302  # not the 503 of a database outage
        article.refresh_from_db()
        assert article.live is False
        assert len(seen) == 1
        assert "sending after a commit failed" in caplog.text
        delivery = WebhookDelivery.objects.get()
        # Sent, but its outcome could not be written: its lease runs out, then it goes again.
        assert (delivery.status, delivery.attempts) == ("sending", 1)

        later = timezone.now() + timedelta(seconds=2) + LEASE_MARGIN + timedelta(seconds=1)
        assert send_due_deliveries(now=later) == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("succeeded", 2)
        assert len(seen) == 2
