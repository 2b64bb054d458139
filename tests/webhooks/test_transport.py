"""How one attempt talks to a receiver: any framing of the answer, one deadline for the whole
exchange, and another resolved address only when connecting to one fails."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from wagtail_newsfeed.webhooks.deliveries import post
from wagtail_newsfeed.webhooks.targets import Target, check_url

HEADERS = {"Content-Type": "application/json"}


@pytest.mark.parametrize("framing", ["close", "keep-alive", "eof"])
def test_a_2xx_with_a_body_is_a_success_whatever_the_framing(receiver, framing):
    receiver.framing = framing
    attempt = post(check_url(receiver.url), b"{}", HEADERS)
    assert (attempt.ok, attempt.retry, attempt.response_code, attempt.error) == (
        True,
        False,
        200,
        "",
    )
    assert len(receiver.wait_for(1)) == 1


@pytest.mark.parametrize("framing", ["close", "keep-alive"])
def test_a_500_with_a_body_keeps_its_code_and_body(receiver, framing):
    receiver.framing = framing
    receiver.statuses = [500]
    attempt = post(check_url(receiver.url), b"{}", HEADERS)
    assert (attempt.ok, attempt.retry, attempt.response_code) == (False, True, 500)
    assert attempt.error == "HTTP 500: receiver broke"


def test_a_delivery_to_a_gunicorn_style_receiver_succeeds_once(receiver, make_endpoint, committed):
    from tests import factories
    from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent

    receiver.framing = "close"
    make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    with committed():
        factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert delivery.last_error == "" and len(receiver.wait_for(1)) == 1


@contextmanager
def raw_server(host: str, port: int, answer) -> Iterator[tuple[int, list[bytes]]]:
    """A bare TCP server on ``host``: ``answer(connection, request_bytes)`` plays the receiver."""
    listener = socket.create_server((host, port))
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                data = connection.recv(65536)
                seen.append(data)
                with suppress(OSError):
                    answer(connection, data)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1], seen
    finally:
        listener.close()


def hang_up(connection: socket.socket, request: bytes) -> None:
    """Takes the request and drops the connection without answering."""


def answer_ok(connection: socket.socket, request: bytes) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def test_a_request_that_went_out_is_never_sent_to_the_next_address():
    with raw_server("127.0.0.1", 0, hang_up) as (port, first):  # noqa: SIM117 (needs port)
        with raw_server("127.0.0.2", port, answer_ok) as (_, second):
            target = Target("http", "example.com", port, "/", ("127.0.0.1", "127.0.0.2"))
            attempt = post(target, b"{}", HEADERS)
            time.sleep(0.2)
    assert (attempt.ok, attempt.retry, attempt.response_code) == (False, True, None)
    assert len(first) == 1 and second == []  # no duplicate delivery


def test_the_next_address_is_tried_when_connecting_fails():
    with raw_server("127.0.0.2", 0, answer_ok) as (port, second):
        # nothing listens on 127.0.0.3:port: the connection is refused
        target = Target("http", "example.com", port, "/", ("127.0.0.3", "127.0.0.2"))
        attempt = post(target, b"{}", HEADERS)
    assert (attempt.ok, attempt.response_code) == (True, 200)
    assert len(second) == 1 and b"Host: example.com:" in second[0]


def drip(connection: socket.socket, request: bytes) -> None:
    """A status line and headers, one byte every 0.1 s (about 5 s in all)."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Pad: aaaaa\r\n\r\n":
        connection.sendall(bytes([byte]))
        time.sleep(0.1)


def test_one_deadline_covers_the_whole_exchange_however_slowly_bytes_drip(webhook_settings):
    webhook_settings(WEBHOOK_TIMEOUT=1)
    with raw_server("127.0.0.1", 0, drip) as (port, _):
        target = Target("http", "127.0.0.1", port, "/", ("127.0.0.1",))
        started = time.monotonic()
        attempt = post(target, b"{}", HEADERS)
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert (attempt.ok, attempt.retry, attempt.response_code) == (False, True, None)
    assert "Timeout" in attempt.error


def test_a_body_dripped_after_a_2xx_is_cut_at_the_deadline_and_counts_as_delivered(
    webhook_settings,
):
    webhook_settings(WEBHOOK_TIMEOUT=1)

    def slow_body(connection: socket.socket, request: bytes) -> None:
        connection.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\n\r\n")
        for _ in range(50):
            connection.sendall(b"x")
            time.sleep(0.1)

    with raw_server("127.0.0.1", 0, slow_body) as (port, seen):
        target = Target("http", "127.0.0.1", port, "/", ("127.0.0.1",))
        started = time.monotonic()
        attempt = post(target, b"{}", HEADERS)
        assert time.monotonic() - started < 1.5
    assert (attempt.ok, attempt.response_code) == (True, 202)
