"""Sending webhook deliveries: one attempt at a time, retried with exponential back-off.

A delivery is claimed with a conditional UPDATE (so two workers never send it together, and a
worker that died mid-send leaves a lease that runs out), sent to the address ``targets`` checked
moments before (no redirects followed, a timeout for the whole attempt, the response read up to a
cap), and its outcome written to the log. A failed attempt is not retried in the request that
made it: the next attempt is due ``WEBHOOK_RETRY_DELAY × 2ⁿ`` seconds later and is enqueued with
``run_after`` when the task backend can defer. Until then the endpoint's other deliveries wait
too (``standing``): one failing receiver gets one attempt per back-off period, and never holds up
the others. When it cannot (the immediate backend, Wagtail's
default), what is due goes out with the next webhook activity (``schedule`` flushes a few due
deliveries after sending the new ones) or with ``send_due_deliveries`` (the ``send_webhooks``
command, or the task of the same name run by a worker).
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections
from django.db.models import F, Q
from django.utils import timezone

from ..conf import bounded, settings
from ..models import WebhookDelivery, WebhookEndpoint
from .budget import budget_spent, budget_started
from .signing import signed_headers
from .standing import fair_order, held_back, hold_back_due, wait_for_back_off
from .subjects import dropped
from .targets import Target, TargetRefused, TargetUnreachable, check_url

logger = logging.getLogger(__name__)

USER_AGENT = "wagtail-newsfeed-webhooks/1"
#: How long a claimed delivery is left alone beyond the request timeout before another worker
#: may take it over (its sender presumably died).
LEASE_MARGIN = timedelta(seconds=60)
#: At most this many already-due deliveries are sent with each new one on a backend that cannot
#: defer, and none is started once ``WEBHOOK_TIMEOUT`` has passed: what the flush may add to the
#: request that triggered it is bounded (see ``flush_due``).
FLUSH_LIMIT = 20
#: Control characters (C0, DEL, C1) in what a receiver answered: PostgreSQL refuses NUL in text,
#: which made the log row unwritable and the delivery loop for ever; the rest garble the admin.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: How much of an answer's status line and headers is read (``http.client`` alone would take 100
#: lines of 64 KB each); the body has ``WEBHOOK_MAX_RESPONSE_BYTES``.
HEADER_MAX_BYTES = 65536
#: Line breaks and tabs in what a receiver answered: a space in the one-line log.
_LINE_BREAKS = re.compile(r"[\t\n\r]+")
#: How many characters of an error answer's body the log keeps.
ERROR_BODY_CHARACTERS = 200
#: ``WebhookDelivery.last_error``'s length.
ERROR_MAX_LENGTH = 500
#: The longest wait before a retry, however many attempts came before (30 s × 2²⁸ is 255 years).
MAX_BACK_OFF = timedelta(days=365)


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


class AnswerTooLong(http.client.HTTPException):
    """A receiver's status line and headers went on past ``HEADER_MAX_BYTES``."""


class _DeadlineSocket:
    """A connected socket whose every send and read gets only the time left before the attempt's
    deadline: a per-read timeout would let a receiver that drips a byte at a time hold the
    attempt for ever. ``close`` is left to ``post``, which owns the socket (``http.client``
    closes it mid-read once a response says ``Connection: close``)."""

    def __init__(self, sock: socket.socket, deadline: float, budget: int | None = None) -> None:
        self._sock = sock
        self._deadline = deadline
        #: How many more bytes may be read (``None``: no limit).
        self.budget = budget

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the receiver took too long")
        self._sock.settimeout(remaining)

    def sendall(self, data: bytes) -> None:
        self._arm()
        self._sock.sendall(data)  # the timeout bounds the whole sendall (Python 3.5+)

    def recv_into(self, buffer: memoryview, nbytes: int = 0) -> int:
        self._arm()
        wanted = nbytes or len(buffer)
        if self.budget is not None:
            if self.budget <= 0:
                raise AnswerTooLong(
                    f"the status line and headers are over {HEADER_MAX_BYTES} bytes"
                )
            wanted = min(wanted, self.budget)
        count = self._sock.recv_into(buffer, wanted)
        if self.budget is not None:
            self.budget -= count
        return count

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        pass


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def _connect(target: Target, address: str, deadline: float) -> socket.socket:
    """A connection to ``address`` (the one ``targets`` checked, whatever the name resolves to
    now), TLS-wrapped for ``https``."""
    sock = socket.create_connection((address, target.port), max(_remaining(deadline), 0.001))
    if target.scheme != "https":
        return sock
    try:
        sock.settimeout(max(_remaining(deadline), 0.001))
        return ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
    except BaseException:
        sock.close()
        raise


def _host_header(target: Target) -> str:
    host = target.host
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _exchange(
    sock: socket.socket, target: Target, body: bytes, headers: dict[str, str], deadline: float
) -> tuple[int | None, bytes, str]:
    """Send the request on ``sock`` and read the answer by ``deadline``: the status code (``None``
    if none came), up to ``WEBHOOK_MAX_RESPONSE_BYTES`` of the body, and the error, if any.
    Trouble reading the body after the status line does not lose the code."""
    cap = int(settings.WEBHOOK_MAX_RESPONSE_BYTES)
    connection = http.client.HTTPConnection(target.host, target.port)
    reader = _DeadlineSocket(sock, deadline)
    connection.sock = reader
    code: int | None = None
    received = b""
    try:
        connection.request(
            "POST", target.path, body=body, headers={"Host": _host_header(target), **headers}
        )
        reader.budget = HEADER_MAX_BYTES
        response = connection.getresponse()
        reader.budget = None  # the body is read up to its own cap below
        code = response.status
        while len(received) <= cap:
            chunk = response.read(min(8192, cap + 1 - len(received)))
            if not chunk:
                break
            received += chunk
    except (OSError, http.client.HTTPException, ValueError) as error:
        return code, received, f"{type(error).__name__}: {error}"
    finally:
        connection.close()
    return code, received, ""


def post(
    target: Target, body: bytes, headers: dict[str, str], started: float | None = None
) -> Attempt:
    """POST ``body`` to ``target`` within ``WEBHOOK_TIMEOUT`` of ``started`` (when the attempt
    began: resolving the name counts too) in all (connecting, sending and reading the answer);
    never raises for network trouble, never follows redirects.

    The next resolved address is tried only when connecting to one fails: once the request went
    out, the receiver may have acted on it, and sending it again would duplicate the delivery."""
    started = time.monotonic() if started is None else started
    deadline = started + bounded("WEBHOOK_TIMEOUT")
    errors = []
    for address in target.addresses:
        if _remaining(deadline) <= 0:
            errors.append("TimeoutError: no time left to try the other addresses")
            break
        try:
            sock = _connect(target, address, deadline)
        except (OSError, ValueError) as error:
            errors.append(f"{address}: {type(error).__name__}: {error}")
            continue
        try:
            code, received, error = _exchange(sock, target, body, headers, deadline)
        finally:
            sock.close()
        return _outcome(code, received, error, started)
    return Attempt(False, True, None, _elapsed_ms(started), "; ".join(errors) or "no address")


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _outcome(code: int | None, received: bytes, error: str, started: float) -> Attempt:
    """A ``2xx`` is a success even if the rest of its body was cut short: the receiver took the
    delivery, and retrying would send it twice."""
    duration = _elapsed_ms(started)
    if code is None:
        return Attempt(False, True, None, duration, error)
    if 200 <= code < 300:
        return Attempt(True, False, code, duration)
    snippet = received.decode("utf-8", "replace")[:ERROR_BODY_CHARACTERS]
    return Attempt(False, True, code, duration, f"HTTP {code}: {snippet}")


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: the first retry after ``WEBHOOK_RETRY_DELAY``, then twice as long
    each time, up to ``MAX_BACK_OFF``."""
    seconds = bounded("WEBHOOK_RETRY_DELAY") * 2 ** min(max(attempts - 1, 0), 64)
    return timedelta(seconds=min(seconds, MAX_BACK_OFF.total_seconds()))


def claim(delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Take the delivery if it is due and nobody else holds it, counting the attempt now;
    ``None`` otherwise.

    Counting on claim rather than after the attempt means a sender that dies mid-attempt (a
    killed worker, a crash) still uses one up: a delivery taken over from dead senders again
    and again ends ``failed`` after ``WEBHOOK_MAX_ATTEMPTS`` instead of being sent for ever."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=bounded("WEBHOOK_TIMEOUT")) + LEASE_MARGIN
    due = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
        next_attempt_at__lte=now,
    )
    gave_up = due.filter(
        status=WebhookDelivery.Status.SENDING, attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS
    ).update(
        status=WebhookDelivery.Status.FAILED,
        last_error="The sender stopped during the last attempt.",
    )
    if gave_up:
        return None
    taken = due.update(
        status=WebhookDelivery.Status.SENDING,
        next_attempt_at=lease,
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()


def loggable(text: str) -> str:
    """``text`` fit for the log: one line (breaks and tabs as a space), other control characters
    replaced, cut to the column's length."""
    one_line = _LINE_BREAKS.sub(" ", text)
    return _CONTROL_CHARACTERS.sub("\ufffd", one_line)[:ERROR_MAX_LENGTH]


def attempt_delivery(delivery: WebhookDelivery) -> Attempt:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return Attempt(False, False, None, 0, "The endpoint is disabled.")
    started = time.monotonic()  # the attempt's one timeout covers resolving the name too
    try:
        target = check_url(endpoint.url, timeout=bounded("WEBHOOK_TIMEOUT"))
    except TargetUnreachable as error:
        return Attempt(False, True, None, _elapsed_ms(started), str(error))
    except TargetRefused as error:
        return Attempt(False, False, None, _elapsed_ms(started), str(error))
    body = payload_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signed_headers(endpoint.signing_secrets(), delivery.message_id, int(time.time()), body),
    }
    return post(target, body, headers, started)


def send_delivery(delivery_id: int, now: datetime | None = None) -> str | None:
    """Make one attempt at a due delivery and log it; returns its new status (``None`` when it
    was not due, is held by another worker, waits for its endpoint's back-off, or is gone). One
    about what readers can no longer see is dropped instead (``subjects``)."""
    checked_at = now or timezone.now()
    if dropped(delivery_id, checked_at):  # about what readers can no longer see
        return WebhookDelivery.Status.FAILED
    if held_back(delivery_id, checked_at):
        return None
    delivery = claim(delivery_id, now)
    if delivery is None:
        return None
    try:
        result = attempt_delivery(delivery)
    except Exception as error:  # a bug must cost an attempt, not leave the lease to loop
        logger.exception("Webhook delivery %s: the attempt failed unexpectedly", delivery.pk)
        result = Attempt(False, True, None, 0, f"{type(error).__name__}: {error}")
    delivery.response_code = result.response_code
    delivery.duration_ms = result.duration_ms
    delivery.last_error = loggable(result.error)
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
    fields = ["status", "next_attempt_at", "response_code", "duration_ms", "last_error"]
    # An update, not ``save``: the endpoint (and so the delivery) may have been deleted
    # meanwhile, which is no error.
    written = WebhookDelivery.objects.filter(pk=delivery.pk).update(
        delivered_at=delivery.delivered_at, **{name: getattr(delivery, name) for name in fields}
    )
    if written and delivery.status == WebhookDelivery.Status.PENDING:
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
    what is already due (``flush_due``).

    On such a backend (the immediate one runs each task right here, in the request) no new
    attempt is started once ``WEBHOOK_TIMEOUT`` has passed, however many endpoints there are:
    the deliveries not started stay due, for the next flush or ``send_webhooks``. So that one
    hanging receiver does not take that budget from the others, the deliveries of an endpoint
    that backs off are not tried (they wait for its retry), and the rest go in ``fair_order``."""
    from .tasks import send_webhook_delivery

    started = budget_started()
    now = timezone.now()
    deferring = can_defer()
    deliveries = list(deliveries)
    wait_for_back_off(deliveries, now)
    scheduled = []
    for delivery in fair_order((delivery.endpoint_id, delivery) for delivery in deliveries):
        scheduled.append(delivery.pk)
        if delivery.next_attempt_at <= now:
            if not deferring and budget_spent(started):
                continue  # left due: not lost, sent by the next flush or ``send_webhooks``
            send_webhook_delivery.enqueue(delivery.pk)
        elif deferring:
            send_webhook_delivery.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    if flush and not deferring:
        flush_due(exclude=scheduled, started=started)


def send_committed(deliveries: list[WebhookDelivery]) -> None:
    """What a commit runs: ``schedule`` the deliveries, then prune the log. Never raises: the
    change they tell of is committed, and the editor must be told it succeeded. What could not
    be sent or logged (the database went away mid-send, say) stays due, or ``sending`` until its
    lease runs out, for the next flush, ``send_webhooks`` or the worker."""
    try:
        schedule(deliveries)
        prune_log()
    except Exception:
        logger.exception("Webhooks: sending after a commit failed; left for a later attempt")
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # one that broke reconnects for the next query
                connection.close_if_unusable_or_obsolete()


def flush_due(
    exclude: Iterable[int] = (), limit: int = FLUSH_LIMIT, started: float | None = None
) -> int:
    """Enqueue the send task for up to ``limit`` due deliveries (``due_deliveries``), starting no
    new one once ``WEBHOOK_TIMEOUT`` has passed since ``started`` (the start of the new
    deliveries' sending, so both share one budget); returns how many were enqueued.

    With the immediate backend each runs here, after the new deliveries went out: the request
    that made them waits for them (a receiver that is up answers in milliseconds; against ones
    that hang, sending and flushing together cost at most about twice ``WEBHOOK_TIMEOUT``).
    ``claim`` makes sure no attempt is made twice when another process flushes or runs
    ``send_webhooks`` at the same time."""
    from .tasks import send_webhook_delivery

    started = budget_started() if started is None else started
    skip = set(exclude)
    enqueued = 0
    for pk in due_deliveries(timezone.now(), limit=limit + len(skip)):
        if pk in skip:
            continue
        if enqueued >= limit or budget_spent(started):
            break
        send_webhook_delivery.enqueue(pk)
        enqueued += 1
    return enqueued


def due_deliveries(now: datetime, limit: int = 500) -> list[int]:
    """Up to ``limit`` of the deliveries due longest, in ``fair_order``. Those of endpoints that
    back off are first put off until their retry (``held_back``, for all of them at once)."""
    rows = list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("endpoint_id", "pk")[:limit]
    )
    return fair_order(hold_back_due(rows, now))


def send_due_deliveries(now: datetime | None = None) -> int:
    """Send every delivery that is due (first attempts held back by coalescing, retries, and
    ones whose sender died), then prune the log. Returns how many were attempted."""
    now = now or timezone.now()
    sent = sum(send_delivery(pk, now) is not None for pk in due_deliveries(now))
    prune_log(now)
    return sent


def prune_log(now: datetime | None = None) -> int:
    """Delete finished deliveries older than ``WEBHOOK_LOG_DAYS``, and the old secrets whose
    overlap has ended (a secret that signs nothing more is not kept). Returns how many
    deliveries were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=bounded("WEBHOOK_LOG_DAYS"))
    finished = Q(status=WebhookDelivery.Status.SUCCEEDED) | Q(status=WebhookDelivery.Status.FAILED)
    deleted, _ = WebhookDelivery.objects.filter(finished, created_at__lt=cutoff).delete()
    WebhookEndpoint.objects.filter(previous_secret_until__lte=now).update(
        previous_secret="", previous_secret_until=None
    )
    return deleted
