"""Sending webhook deliveries: one attempt at a time, retried with exponential back-off.

A delivery is claimed with a conditional UPDATE (so two workers never send it together, and a
worker that died mid-send leaves a lease that runs out), sent to the address ``targets`` checked
moments before (no redirects followed, a timeout for the whole attempt, the response read up to a
cap), and its outcome written to the log. A failed attempt is not retried in the request that
made it: the next attempt is due ``WEBHOOK_RETRY_DELAY × 2ⁿ`` seconds later and is enqueued with
``run_after`` when the task backend can defer. When it cannot (the immediate backend, Wagtail's
default), what is due goes out with the next webhook activity (``schedule`` flushes a few due
deliveries after sending the new ones) or with ``send_due_deliveries`` (the ``send_webhooks``
command, or the task of the same name run by a worker).
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from ..conf import settings
from ..models import WebhookDelivery
from .signing import signed_headers
from .targets import Target, TargetRefused, TargetUnreachable, check_url

USER_AGENT = "wagtail-newsfeed-webhooks/1"
#: How long a claimed delivery is left alone beyond the request timeout before another worker
#: may take it over (its sender presumably died).
LEASE_MARGIN = timedelta(seconds=60)
#: At most this many already-due deliveries are sent with each new one on a backend that cannot
#: defer, and none is started once ``WEBHOOK_TIMEOUT`` has passed: what the flush may add to the
#: request that triggered it is bounded (see ``flush_due``).
FLUSH_LIMIT = 20


@dataclass
class Attempt:
    ok: bool
    retry: bool
    response_code: int | None
    duration_ms: int
    error: str = ""


def payload_body(delivery: WebhookDelivery) -> bytes:
    """The request body: the same bytes on every attempt of a delivery."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str]) -> Attempt:
    """POST ``body`` to ``target``; never raises for network trouble, never follows redirects."""
    timeout = float(settings.WEBHOOK_TIMEOUT)
    cap = int(settings.WEBHOOK_MAX_RESPONSE_BYTES)
    started = time.monotonic()
    deadline = started + timeout
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    errors = []
    for address in target.addresses:
        connection = connection_class(target.host, target.port, address, timeout)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            sock = connection.sock  # http.client drops it once the response is complete
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            response = connection.getresponse()
            received = b""
            while len(received) <= cap:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the response took too long")
                sock.settimeout(remaining)
                chunk = response.read(min(8192, cap + 1 - len(received)))
                if not chunk:
                    break
                received += chunk
            code = response.status
        except (OSError, http.client.HTTPException, ValueError) as error:
            errors.append(f"{address}: {type(error).__name__}: {error}")
            if isinstance(error, TimeoutError | socket.timeout):
                break  # the address answered, too slowly; trying others would exceed the timeout
            continue
        finally:
            connection.close()
        duration = int((time.monotonic() - started) * 1000)
        if 200 <= code < 300:
            return Attempt(True, False, code, duration)
        snippet = received[:200].decode("utf-8", "replace")
        return Attempt(False, True, code, duration, f"HTTP {code}: {snippet}")
    duration = int((time.monotonic() - started) * 1000)
    return Attempt(False, True, None, duration, "; ".join(errors) or "no address to connect to")


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: the first retry after ``WEBHOOK_RETRY_DELAY``, then twice as long
    each time."""
    return timedelta(seconds=float(settings.WEBHOOK_RETRY_DELAY) * 2 ** max(attempts - 1, 0))


def claim(delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Take the delivery if it is due and nobody else holds it; ``None`` otherwise."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=float(settings.WEBHOOK_TIMEOUT)) + LEASE_MARGIN
    taken = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
        next_attempt_at__lte=now,
    ).update(status=WebhookDelivery.Status.SENDING, next_attempt_at=lease)
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def attempt_delivery(delivery: WebhookDelivery) -> Attempt:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return Attempt(False, False, None, 0, "The endpoint is disabled.")
    try:
        target = check_url(endpoint.url)
    except TargetUnreachable as error:
        return Attempt(False, True, None, 0, str(error))
    except TargetRefused as error:
        return Attempt(False, False, None, 0, str(error))
    body = payload_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signed_headers(endpoint.secret, delivery.message_id, int(time.time()), body),
    }
    return post(target, body, headers)


def send_delivery(delivery_id: int, now: datetime | None = None) -> str | None:
    """Make one attempt at a due delivery and log it; returns its new status (``None`` when it
    was not due or is held by another worker)."""
    delivery = claim(delivery_id, now)
    if delivery is None:
        return None
    result = attempt_delivery(delivery)
    delivery.attempts += 1
    delivery.response_code = result.response_code
    delivery.duration_ms = result.duration_ms
    delivery.last_error = result.error[:500]
    finished_at = timezone.now()
    if result.ok:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = finished_at
        delivery.last_error = ""
    elif result.retry and delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = finished_at + retry_delay(delivery.attempts)
    else:
        delivery.status = WebhookDelivery.Status.FAILED
    delivery.save(
        update_fields=[
            "attempts",
            "status",
            "next_attempt_at",
            "response_code",
            "duration_ms",
            "last_error",
            "delivered_at",
        ]
    )
    if delivery.status == WebhookDelivery.Status.PENDING:
        schedule([delivery], flush=False)  # the caller is sending already: no nested flush
    return delivery.status


def can_defer() -> bool:
    """Whether the task backend of the send task can run it later (``run_after``)."""
    from .tasks import send_webhook_delivery

    return bool(send_webhook_delivery.get_backend().supports_defer)


def schedule(deliveries: Iterable[WebhookDelivery], *, flush: bool = True) -> None:
    """Enqueue a send task for each delivery: now if it is due, with ``run_after`` if not and the
    backend can defer. A backend that cannot defer would leave the rest (retries, trailing
    batches of entry changes) waiting for ``send_webhooks``, so the new activity also sends
    what is already due (``flush_due``)."""
    from .tasks import send_webhook_delivery

    now = timezone.now()
    deferring = can_defer()
    scheduled = []
    for delivery in deliveries:
        scheduled.append(delivery.pk)
        if delivery.next_attempt_at <= now:
            send_webhook_delivery.enqueue(delivery.pk)
        elif deferring:
            send_webhook_delivery.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    if flush and not deferring:
        flush_due(exclude=scheduled)


def flush_due(exclude: Iterable[int] = (), limit: int = FLUSH_LIMIT) -> int:
    """Enqueue the send task for up to ``limit`` due deliveries (oldest due first), starting no
    new one once ``WEBHOOK_TIMEOUT`` has passed; returns how many were enqueued.

    With the immediate backend each runs here, after the new delivery went out: the request that
    made the new one waits for them (a receiver that is up answers in milliseconds; one that
    hangs costs at most about twice ``WEBHOOK_TIMEOUT``). ``claim`` makes sure no attempt is made
    twice when another process flushes or runs ``send_webhooks`` at the same time."""
    from .tasks import send_webhook_delivery

    started = time.monotonic()
    budget = float(settings.WEBHOOK_TIMEOUT)
    skip = set(exclude)
    enqueued = 0
    for pk in due_deliveries(timezone.now(), limit=limit + len(skip)):
        if pk in skip:
            continue
        if enqueued >= limit or time.monotonic() - started >= budget:
            break
        send_webhook_delivery.enqueue(pk)
        enqueued += 1
    return enqueued


def due_deliveries(now: datetime, limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_due_deliveries(now: datetime | None = None) -> int:
    """Send every delivery that is due (first attempts held back by coalescing, retries, and
    ones whose sender died), then prune the log. Returns how many were attempted."""
    now = now or timezone.now()
    sent = sum(send_delivery(pk, now) is not None for pk in due_deliveries(now))
    prune_log(now)
    return sent


def prune_log(now: datetime | None = None) -> int:
    """Delete finished deliveries older than ``WEBHOOK_LOG_DAYS``."""
    cutoff = (now or timezone.now()) - timedelta(days=float(settings.WEBHOOK_LOG_DAYS))
    finished = Q(status=WebhookDelivery.Status.SUCCEEDED) | Q(status=WebhookDelivery.Status.FAILED)
    deleted, _ = WebhookDelivery.objects.filter(finished, created_at__lt=cutoff).delete()
    return deleted
