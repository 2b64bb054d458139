"""How endpoints stand, so that one failing receiver never holds up the others.

An endpoint whose last attempt failed backs off until its retry is due, and its other deliveries
(new ones included) wait for that moment too: a dead receiver costs one attempt per back-off
period, however many changes are made meanwhile, rather than one per change. Where attempts
share one time budget (the immediate task backend runs them in the request), endpoints whose
last attempt succeeded go first, then those never tried, then those whose last attempt failed;
among endpoints that stand alike, each one's first delivery goes before any one's second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from django.db.models import Min, OuterRef, Subquery

from ..models import WebhookDelivery, WebhookEndpoint

T = TypeVar("T")

#: Ranks: the order in which endpoints get their attempts.
ANSWERED, UNTRIED, FAILING = 0, 1, 2


def backing_off(endpoint_ids: Iterable[int], now: datetime) -> dict[int, datetime]:
    """Endpoint id → when its back-off ends, for those of ``endpoint_ids`` with a retry waiting (a
    pending delivery whose last attempt failed, not due yet at ``now``)."""
    rows = (
        WebhookDelivery.objects.filter(
            endpoint_id__in=set(endpoint_ids),
            status=WebhookDelivery.Status.PENDING,
            attempts__gt=0,
            next_attempt_at__gt=now,
        )
        .values("endpoint_id")
        .annotate(until=Min("next_attempt_at"))
        .order_by()
    )
    return {row["endpoint_id"]: row["until"] for row in rows}


def ranks(endpoint_ids: Iterable[int]) -> dict[int, int]:
    """Endpoint id → ``ANSWERED`` if its latest attempted delivery succeeded, ``FAILING`` if that
    one failed (for good or awaiting a retry), ``UNTRIED`` if none was attempted yet."""
    latest = (
        WebhookDelivery.objects.filter(endpoint=OuterRef("pk"), attempts__gt=0)
        .exclude(status=WebhookDelivery.Status.SENDING)
        .order_by("-pk")
        .values("status")[:1]
    )
    rows = (
        WebhookEndpoint.objects.filter(pk__in=set(endpoint_ids))
        .annotate(latest=Subquery(latest))
        .values_list("pk", "latest")
    )
    succeeded = WebhookDelivery.Status.SUCCEEDED
    return {
        pk: UNTRIED if status is None else ANSWERED if status == succeeded else FAILING
        for pk, status in rows
    }


def fair_order(items: Iterable[tuple[int, T]]) -> list[T]:
    """The items of ``(endpoint id, item)`` pairs in the order to attempt them: by their
    endpoint's rank; within a rank, each endpoint's first before any endpoint's second;
    otherwise as given."""
    items = list(items)
    if len({endpoint_id for endpoint_id, _ in items}) < 2:
        return [item for _, item in items]
    rank = ranks(endpoint_id for endpoint_id, _ in items)
    turns: Counter[int] = Counter()
    keyed = []
    for index, (endpoint_id, item) in enumerate(items):
        keyed.append(((rank.get(endpoint_id, UNTRIED), turns[endpoint_id], index), item))
        turns[endpoint_id] += 1
    return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


def put_off(pks: Iterable[int], until: datetime, now: datetime, *, enqueue: bool = True) -> None:
    """Make the deliveries ``pks`` that are pending and due at ``now`` due at ``until`` instead,
    and enqueue them for then when the task backend can defer (unless the caller does)."""
    from .tasks import send_webhook_delivery

    pks = list(pks)
    WebhookDelivery.objects.filter(
        pk__in=pks, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=until)
    if enqueue and send_webhook_delivery.get_backend().supports_defer:
        for pk in pks:  # ``claim`` sends each once, whatever else was enqueued for it
            send_webhook_delivery.using(run_after=until).enqueue(pk)


def held_back(delivery_id: int, now: datetime) -> bool:
    """Whether a due delivery was put off, when about to be attempted, because its endpoint
    backs off after another delivery failed meanwhile."""
    endpoint_id = (
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .values_list("endpoint_id", flat=True)
        .first()
    )
    until = backing_off([endpoint_id], now).get(endpoint_id) if endpoint_id else None
    if until is not None:
        put_off([delivery_id], until, now)
    return until is not None


def wait_for_back_off(deliveries: list[WebhookDelivery], now: datetime) -> None:
    """Make the due ``deliveries`` of endpoints that back off due when their back-off ends (the
    caller enqueues them)."""
    due = [delivery for delivery in deliveries if delivery.next_attempt_at <= now]
    waits = backing_off((delivery.endpoint_id for delivery in due), now)
    held: dict[datetime, list[int]] = {}
    for delivery in due:
        until = waits.get(delivery.endpoint_id)
        if until is not None:
            delivery.next_attempt_at = until  # as the caller schedules it
            held.setdefault(until, []).append(delivery.pk)
    for until, pks in held.items():  # one update per endpoint backing off
        put_off(pks, until, now, enqueue=False)


def hold_back_due(rows: list[tuple[int, int]], now: datetime) -> list[tuple[int, int]]:
    """The ``(endpoint id, delivery id)`` pairs of due deliveries whose endpoint does not back
    off; the others are put off until it ends."""
    waits = backing_off({endpoint_id for endpoint_id, _ in rows}, now)
    for endpoint_id, until in waits.items():
        put_off([pk for owner, pk in rows if owner == endpoint_id], until, now)
    return [row for row in rows if row[0] not in waits]
