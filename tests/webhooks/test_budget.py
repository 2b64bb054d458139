"""The request that publishes waits a bounded time for webhooks, however many endpoints hang;
what it did not get to stays due and goes out later."""

from __future__ import annotations

import socket
import time

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import schedule, send_due_deliveries


def test_hanging_endpoints_cost_the_request_at_most_about_twice_the_timeout(
    make_endpoint, webhook_settings, receiver
):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    hanging = [socket.create_server(("127.0.0.1", 0)) for _ in range(4)]  # never accept
    for number, listener in enumerate(hanging):
        port = listener.getsockname()[1]
        make_endpoint(
            f"http://127.0.0.1:{port}/", [WebhookEvent.ARTICLE_PUBLISHED], name=f"{number}"
        )
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED], name="up")
    factories.make_article(factories.make_index())  # never committed: recorded, not sent
    deliveries = list(WebhookDelivery.objects.order_by("endpoint__name"))
    assert len(deliveries) == 5

    started = time.monotonic()
    schedule(deliveries)  # what the commit runs, on the immediate backend
    elapsed = time.monotonic() - started

    assert elapsed < 3  # a budget of one timeout, plus the attempt running when it ran out
    left = WebhookDelivery.objects.filter(status="pending", attempts=0)
    assert left.exists()  # not started in the request, but kept: nothing is lost

    for listener in hanging:
        listener.close()
    send_due_deliveries()  # the sender of due deliveries picks up what the request left
    assert not WebhookDelivery.objects.filter(attempts=0).exists()
    assert WebhookDelivery.objects.filter(endpoint__name="up", status="succeeded").exists()
