"""What a delivery is about, checked again when it is sent: readers may have lost sight of it
since it was recorded.

A delivery waits (a trailing batch of entry changes in the coalescing window, a retry in its
back-off) while its article or feed may be made private, unpublished or deleted. The event that
says so goes out; what was waiting would then name a page readers can no longer see, after the
event that said it went, so it is dropped (``deliveries.send_delivery`` logs why). The events
that say a subject went are never dropped: their subject is hidden by definition.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wagtail.models import Page

from ..invalidation.cascades import PUBLIC_TAXONOMY
from ..models import WebhookDelivery, WebhookEvent
from ..models.webhooks import ENTRIES_CHANGED
from ..visibility import visible_pages

#: ``feed.changed`` actions and ``taxonomy.changed`` ones that tell of a subject going.
GOING_ACTIONS = {"unpublished", "deleted"}
#: Events about an article or feed (``data.id``) that readers must still see to be told of.
PAGE_EVENTS = {
    WebhookEvent.ARTICLE_PUBLISHED,
    WebhookEvent.ARTICLE_UPDATED,
    WebhookEvent.FEED_CHANGED,
    ENTRIES_CHANGED,
}


def withheld(delivery: WebhookDelivery) -> str:
    """Why ``delivery`` must not be sent now (its subject is hidden from readers), or ``""``."""
    data: dict[str, Any] = (delivery.payload or {}).get("data") or {}
    if data.get("action") in GOING_ACTIONS or "id" not in data:  # no subject to check
        return ""
    subject = data.get("object", "page")
    if delivery.event_type in PAGE_EVENTS and not _page_visible(data.get("id")):
        return (
            f"Not sent: readers can no longer see the {subject} (private, unpublished or deleted)."
        )
    if delivery.event_type == WebhookEvent.TAXONOMY_CHANGED and not _taxonomy_public(data):
        return f"Not sent: readers can no longer see the {subject} (no visible story names it)."
    return ""


def _page_visible(pk: Any) -> bool:
    """The one rule of ``visibility``, for the page ``pk`` (gone: not visible)."""
    return isinstance(pk, int) and visible_pages(Page.objects.filter(pk=pk)).exists()


def _taxonomy_public(data: dict[str, Any]) -> bool:
    visible = PUBLIC_TAXONOMY.get(data.get("object", ""))
    pk = data.get("id")
    return visible is not None and isinstance(pk, int) and visible().filter(pk=pk).exists()


def dropped(delivery_id: int, now: datetime) -> bool:
    """Whether the delivery, due at ``now``, was dropped because readers can no longer see its
    subject: logged ``failed`` with the reason, without an attempt (none is counted)."""
    due = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
        next_attempt_at__lte=now,
    )
    delivery = due.only("event_type", "payload").first()
    reason = withheld(delivery) if delivery is not None else ""
    if reason:
        due.update(status=WebhookDelivery.Status.FAILED, last_error=reason)
    return bool(reason)
