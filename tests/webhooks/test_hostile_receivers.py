"""What a receiver or an endpoint's settings can do to the sender: bytes a database refuses in the
log, a URL that is valid but not ASCII, a secret the signer cannot use, a sender that died
mid-attempt. Each must cost an attempt, never a delivery stuck or sent for ever."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from tests import factories
from tests.webhooks.test_transport import raw_server
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.webhooks.deliveries import HEADER_MAX_BYTES, send_due_deliveries


def answer_500_with_control_characters(connection, request: bytes) -> None:
    connection.sendall(
        b"HTTP/1.1 500 Oops\r\nContent-Length: 9\r\nConnection: close\r\n\r\nab\x00cd\x1b[2J"
    )


def test_control_characters_in_an_answer_are_logged_replaced(make_endpoint, committed):
    # PostgreSQL refuses NUL in text: the row could not be written, stayed "sending", and the
    # delivery went out again each time its lease ran out, for ever.
    with raw_server("127.0.0.1", 0, answer_500_with_control_characters) as (port, seen):
        make_endpoint(f"http://127.0.0.1:{port}/hook", [WebhookEvent.ARTICLE_PUBLISHED])
        with committed():
            factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500: ab\ufffdcd\ufffd[2J"
    assert len(seen) == 1


def answer_500_with_endless_headers(connection, request: bytes) -> None:
    # 20 lines of 8 KB: under http.client's own limits (100 lines of 64 KB each).
    connection.sendall(b"HTTP/1.1 500 Oops\r\n")
    for number in range(20):
        connection.sendall(b"X-Filler-%d: %s\r\n" % (number, b"x" * 8192))
    connection.sendall(b"Content-Length: 2\r\nConnection: close\r\n\r\nhi")


def test_headers_are_read_only_up_to_their_cap(make_endpoint, committed):
    with raw_server("127.0.0.1", 0, answer_500_with_endless_headers) as (port, seen):
        make_endpoint(f"http://127.0.0.1:{port}/hook", [WebhookEvent.ARTICLE_PUBLISHED])
        with committed():
            factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, None)
    assert delivery.last_error == (
        f"AnswerTooLong: the status line and headers are over {HEADER_MAX_BYTES} bytes"
    )


def answer_503_with_lines_and_wide_characters(connection, request: bytes) -> None:
    body = b"line one\r\n\tline two\n" + "\u00e9".encode() * 300
    connection.sendall(
        b"HTTP/1.1 503 Busy\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body
    )


def test_the_log_keeps_200_characters_of_an_error_body_on_one_line(make_endpoint, committed):
    with raw_server("127.0.0.1", 0, answer_503_with_lines_and_wide_characters) as (port, _):
        make_endpoint(f"http://127.0.0.1:{port}/hook", [WebhookEvent.ARTICLE_PUBLISHED])
        with committed():
            factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    body = "line one line two " + "\u00e9" * 180  # 200 characters as received
    assert delivery.last_error == f"HTTP 503: {body}"


def test_a_url_with_non_ascii_characters_is_delivered_percent_encoded(
    receiver, make_endpoint, committed
):
    endpoint = make_endpoint(receiver.url + "/caf\u00e9?for=m%C3%BCller&x=\u00fc")
    endpoint.full_clean()  # a valid URL for Django
    with committed():
        factories.make_article(factories.make_index())
    (request,) = receiver.wait_for(1)
    assert request.path == "/hooks/newsfeed/caf%C3%A9?for=m%C3%BCller&x=%C3%BC"
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED


def test_a_secret_the_signer_cannot_use_costs_attempts_then_fails(
    receiver, make_endpoint, committed, webhook_settings
):
    # Set outside the admin (a shell, a data migration): "abc" is not base64. The attempt
    # raised, the task backend swallowed it, and the delivery was taken over for ever.
    webhook_settings(WEBHOOK_MAX_ATTEMPTS=2)
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="whsec_abc")
    with committed():
        factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "padding" in delivery.last_error
    send_due_deliveries(now=timezone.now() + timedelta(hours=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert receiver.requests == []


def test_a_sender_that_died_during_the_last_attempt_is_not_sent_again(
    receiver, make_endpoint, webhook_settings
):
    webhook_settings(WEBHOOK_MAX_ATTEMPTS=3)
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    long_ago = timezone.now() - timedelta(hours=1)  # its lease ran out long ago
    dead = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="article.published",
        status="sending",
        attempts=3,
        next_attempt_at=long_ago,
    )
    taken_over = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="article.published",
        status="sending",
        attempts=1,
        next_attempt_at=long_ago,
    )
    assert send_due_deliveries() == 1
    dead.refresh_from_db()
    taken_over.refresh_from_db()
    assert (dead.status, dead.attempts) == ("failed", 3)
    assert "stopped" in dead.last_error
    # The lost attempt counted: this is the second, and the receiver can verify it.
    assert (taken_over.status, taken_over.attempts) == ("succeeded", 2)
    (request,) = receiver.wait_for(1)
    assert request.headers["webhook-id"] == taken_over.message_id
    Webhook(endpoint.secret).verify(request.body, request.headers)
