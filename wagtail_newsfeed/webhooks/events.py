"""What each content change sends, and to whom: delivery rows for the subscribed endpoints.

Only public content is reported: a change to a draft, a private (view-restricted) or an
invisible page sends nothing at all, and a payload carries ids, paths and API URLs, never
content. Page events are recorded inside the publishing transaction (a rollback drops them) and
sent after commit. Entry changes of a feed are coalesced per endpoint with a leading and a
trailing edge: a change when nothing went out for the feed within ``WEBHOOK_COALESCE_SECONDS``
is sent at once; later ones within the window join one pending ``entry.changed`` delivery due
one window after the last one went out. So a burst costs at most two deliveries per window, and
the first change never waits (which matters on a task backend that cannot defer).

Bulk writers that are not news (``import_wordpress`` moving an archive in) wrap their work in
``suppressed()``: no delivery is recorded for what they change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from ..conf import bounded
from ..invalidation.cascades import is_public_taxonomy, taxonomy_change
from ..invalidation.listings import UNLISTED, Listings, listings_before
from ..invalidation.pages import live_feed_change, page_change
from ..models import (
    LiveEntry,
    LiveFeedMixin,
    NewsArticleMixin,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from ..models.webhooks import ENTRIES_CHANGED
from ..serialization import iso_datetime
from ..visibility import is_page_private, is_page_visible
from .access import copied_in_private
from .deliveries import send_committed

ENTRY_KINDS = {
    "created": WebhookEvent.ENTRY_CREATED,
    "updated": WebhookEvent.ENTRY_UPDATED,
    "deleted": WebhookEvent.ENTRY_DELETED,
}


_suppressed: ContextVar[bool] = ContextVar("wagtail_newsfeed_webhooks_suppressed", default=False)


@contextmanager
def suppressed() -> Iterator[None]:
    """No webhook deliveries for changes made inside the block, in this thread or async context
    only (other requests go on sending): an import of an old archive is not news, and announcing
    thousands of old stories as published would reach every subscriber. Changes committed
    after the block ends (an outer transaction's ``on_commit``) are not covered."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def are_suppressed() -> bool:
    """Whether the current thread or context is inside ``suppressed()``."""
    return _suppressed.get()


def subscribed_endpoints(*events: str) -> list[WebhookEndpoint]:
    """Active endpoints subscribed to any of ``events`` (a short list: filtered in Python, as
    JSON containment is not portable across databases); none inside ``suppressed()``."""
    if are_suppressed():
        return []
    wanted = set(events)
    return [e for e in WebhookEndpoint.objects.filter(is_active=True) if wanted & set(e.events)]


#: A slug change as readers see it: the renamed page's URL path now, and before.
Renamed = tuple[str, str]


def renamed_paths(page: Page, url_path_before: str) -> Renamed | None:
    """The URL path of ``page`` now and before its slug changed (its ``url_path`` was
    ``url_path_before``), or ``None`` if no URL moved: a site's root page (its site's URLs
    start from it, whatever its slug) or a page no site serves."""
    if page.is_site_root():
        return None
    before = copy.copy(page)
    before.__dict__.pop("specific_deferred", None)
    before.url_path = url_path_before
    now, then = page.get_url_parts(), before.get_url_parts()
    if now is None or then is None or now[2] == then[2]:
        return None
    return now[2], then[2]


def _previous(path: str, renamed: Renamed) -> str:
    """Where ``path`` was before ``renamed``: the renamed page's old path in place of its new."""
    now, then = renamed
    return then + path[len(now) :] if path.startswith(now) else path


def _page_path(page: Page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


def own_paths(page: Page) -> list[str]:
    """The paths of the page and of its parent listing: what ``previous_paths`` reports after a
    move or a rename."""
    path = _page_path(page)
    paths = [path] if path else []
    parent = page.get_parent()
    if parent is not None and parent.depth > 1:
        parent_path = _page_path(parent)
        if parent_path and parent_path not in paths:
            paths.append(parent_path)
    return paths


def page_data(
    page: Page, *, renamed: Renamed | None = None, listed_before: Listings = UNLISTED
) -> dict[str, Any]:
    """Ids, the paths a frontend should revalidate and the API URLs that changed with it: what
    a purge drops (``invalidation.pages.page_change``). After ``renamed`` (a slug change of the page
    or of one above it), the old paths too, and the page's and its listing's as
    ``previous_paths``, as after a move."""
    kind = "article" if isinstance(page, NewsArticleMixin) else "feed"
    data = {"object": kind, "id": page.pk, **page_change(page, listed_before).payload()}
    if renamed:
        own = own_paths(page)
        previous = [_previous(path, renamed) for path in own]
        if previous != own:
            data["previous_paths"] = previous
            old = [_previous(path, renamed) for path in data["paths"]]
            data["paths"] += [path for path in old if path not in data["paths"]]
    return data


def _envelope(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    # The API's one time format (``...T14:30:00.123456Z``), so receivers parse one.
    return {"type": event_type, "timestamp": iso_datetime(timezone.now()), "data": data}


def create_deliveries(
    event_type: str, data: dict[str, Any], endpoints: Iterable[WebhookEndpoint]
) -> list[WebhookDelivery]:
    """A delivery per endpoint, written now (in the caller's transaction), not yet scheduled."""
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint, event_type=event_type, payload=_envelope(event_type, data)
        )
        for endpoint in endpoints
    )


def send_after_commit(deliveries: list[WebhookDelivery]) -> None:
    """Send ``deliveries`` together after commit (``send_committed``: what fails is left for a
    later attempt, the committed change is not reported failed)."""
    if deliveries:
        transaction.on_commit(lambda: send_committed(deliveries))


def record(event_type: str, data: dict[str, Any], endpoints: Iterable[WebhookEndpoint]) -> None:
    """A delivery per endpoint, written now (in the caller's transaction) and sent after
    commit."""
    send_after_commit(create_deliveries(event_type, data, endpoints))


def page_event(
    page: Page, event_type: str, *, action: str | None = None, renamed: Renamed | None = None
) -> None:
    endpoints = subscribed_endpoints(event_type)
    if endpoints:
        data = page_data(page, renamed=renamed, listed_before=listings_before(page))
        if action:
            data["action"] = action
        record(event_type, data, endpoints)


# Signal receivers (connected in signal_handlers.py) ------------------------------------------


def remember_liveness(instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Before a full save of an article or feed (what publishing does), note whether it was live,
    so ``page_published`` can tell a first publication from an update, and where it was (a new
    slug moves it to a new URL)."""
    if update_fields is None and isinstance(instance, NewsArticleMixin | LiveFeedMixin):
        # One cheap query per full save of these pages (publishing is one).
        row = None
        if instance.pk is not None:
            rows = type(instance).objects.filter(pk=instance.pk)
            row = rows.values_list("live", "url_path").first()
        instance._newsfeed_was_live = bool(row and row[0])
        instance._newsfeed_url_path_before = row[1] if row else None


def has_endpoints() -> bool:
    """Whether any endpoint is active (and this context is not ``suppressed()``)."""
    return not are_suppressed() and WebhookEndpoint.objects.filter(is_active=True).exists()


def announced(page: Any) -> bool:
    """Whether ``page`` is one webhooks tell of: an article, or a live feed that is not an alias
    (an alias of a feed is a second address of it, with no API or feeds of its own)."""
    if isinstance(page, LiveFeedMixin):
        return getattr(page, "alias_of_id", None) is None
    return isinstance(page, NewsArticleMixin)


def page_published(instance: Any, **kwargs: Any) -> None:
    if not announced(instance) or not has_endpoints():
        return
    if not is_page_visible(instance):  # private, expired or scheduled: nothing is sent
        return
    if copied_in_private():  # a copy of a private page: it gets its restriction in a moment
        return
    was_live = getattr(instance, "_newsfeed_was_live", True)
    before = getattr(instance, "_newsfeed_url_path_before", None)
    # A live page with a new slug moved: readers knew it at the old URL. (Pages below it:
    # ``access.page_renamed``.)
    renamed = (
        renamed_paths(instance, before)
        if was_live and before not in (None, instance.url_path)
        else None
    )
    if isinstance(instance, NewsArticleMixin):
        event = WebhookEvent.ARTICLE_UPDATED if was_live else WebhookEvent.ARTICLE_PUBLISHED
        page_event(instance, event, renamed=renamed)
    else:
        action = "updated" if was_live else "published"
        page_event(instance, WebhookEvent.FEED_CHANGED, action=action, renamed=renamed)


def page_unpublished(instance: Any, **kwargs: Any) -> None:
    if not announced(instance) or not has_endpoints():
        return
    # Whether readers saw it before: unpublishing changes nothing but ``live`` (of the page and
    # its aliases). Private by the visibility rule, not only by Wagtail's check: an alias of a
    # story in a members-only section, or a story below such an alias, was never public.
    if is_page_private(instance):
        return
    if Page.objects.filter(pk=instance.pk, live=True).exists():
        return  # Wagtail unpublishes without saving a page it is about to delete: page_deleted
    if isinstance(instance, NewsArticleMixin):
        page_event(instance, WebhookEvent.ARTICLE_UNPUBLISHED)
    else:
        page_event(instance, WebhookEvent.FEED_CHANGED, action="unpublished")


def page_deleted(instance: Any, **kwargs: Any) -> None:
    """``pre_delete``: the page is still there to be checked and located."""
    if not announced(instance) or not has_endpoints():
        return
    if not is_page_visible(instance):
        return
    if isinstance(instance, NewsArticleMixin):
        page_event(instance, WebhookEvent.ARTICLE_DELETED)
    else:
        page_event(instance, WebhookEvent.FEED_CHANGED, action="deleted")


def entry_changes(entries: Iterable[LiveEntry], action: str) -> dict[str, list[int]]:
    """What readers saw change: a new publication is ``created``, a change to a published entry
    ``updated``, an unpublished or deleted one that was published ``deleted``; drafts count for
    nothing."""
    changes: dict[str, list[int]] = {"created": [], "updated": [], "deleted": []}
    for index, entry in enumerate(entries):
        if entry.is_published:
            kind = "created" if action == "publish" and index == 0 else "updated"
        elif entry.status == LiveEntry.Status.PUBLISHED or action == "unpublish":
            kind = "deleted"  # deleted while published, or just unpublished
        else:
            continue
        changes[kind].append(entry.pk)
    return changes


def _merge(pending: dict[str, list[int]], new: dict[str, list[int]]) -> dict[str, list[int]]:
    """The latest change of an entry wins, except that an update to an entry the receiver has
    not yet been told about keeps it ``created``."""
    merged = {kind: list(ids) for kind, ids in pending.items()}
    for kind, ids in new.items():
        for entry_id in ids:
            current = next((k for k, v in merged.items() if entry_id in v), None)
            if current == "created" and kind == "updated":
                continue
            if current:
                merged[current].remove(entry_id)
            merged[kind].append(entry_id)
    return merged


def _entry_data(base: dict[str, Any], changes: dict[str, list[int]]) -> dict[str, Any]:
    return {
        **base,
        "entries": changes,
        "events": [ENTRY_KINDS[kind] for kind, ids in changes.items() if ids],
    }


def _joined(pending: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the paths and API URLs ``pending`` already names: a coalesced delivery
    names what each change it carries made stale (each entry's API URL)."""
    joined = dict(base)
    for key in ("paths", "api_urls"):
        kept = list(pending.get(key, []))
        joined[key] = kept + [item for item in base.get(key, []) if item not in kept]
    return joined


def _window_opened_at(endpoint: WebhookEndpoint, key: str, now: Any, window: timedelta) -> Any:
    """When the last delivery of ``key`` to ``endpoint`` went out (or is going out now), if that
    was within ``window``; ``None`` when the next change may be sent at once."""
    cutoff = now - window
    recent = WebhookDelivery.objects.filter(endpoint=endpoint, coalesce_key=key).filter(
        Q(created_at__gt=cutoff)
        | Q(delivered_at__gt=cutoff)
        | Q(status=WebhookDelivery.Status.SENDING)
    )
    times = []
    for status, created_at, delivered_at in recent.values_list(
        "status", "created_at", "delivered_at"
    ):
        times.append(now if status == WebhookDelivery.Status.SENDING else created_at)
        if delivered_at is not None:
            times.append(delivered_at)
    opened = max(times, default=None)
    return opened if opened is not None and opened > cutoff else None


def _coalesce(
    endpoint: WebhookEndpoint, key: str, base: dict[str, Any], wanted: dict[str, list[int]]
) -> WebhookDelivery | None:
    """Record ``wanted`` for ``endpoint``; returns the delivery to schedule after commit (a new
    one, or a pending one that is already due and now carries more), ``None`` if nothing is
    due yet."""
    window = timedelta(seconds=bounded("WEBHOOK_COALESCE_SECONDS"))
    with transaction.atomic():
        now = timezone.now()
        if window:
            # One writer per endpoint at a time (PostgreSQL): two processes must not both decide
            # that the window is closed and send two leading deliveries.
            WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
            # Not yet attempted: not sent, so it can still take more (``claim`` moves a delivery
            # it sends out of ``pending`` first, and waits for this lock).
            pending = (
                WebhookDelivery.objects.select_for_update()
                .filter(
                    endpoint=endpoint,
                    coalesce_key=key,
                    status=WebhookDelivery.Status.PENDING,
                    attempts=0,
                )
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if pending is not None:
                merged = _merge(pending.payload["data"]["entries"], wanted)
                pending.payload["data"] = _entry_data(
                    _joined(pending.payload["data"], base), merged
                )
                pending.save(update_fields=["payload"])
                return pending if pending.next_attempt_at <= now else None
            opened = _window_opened_at(endpoint, key, now, window)
            due = opened + window if opened is not None else now
        else:
            due = now
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_type=ENTRIES_CHANGED,
            coalesce_key=key,
            payload=_envelope(ENTRIES_CHANGED, _entry_data(base, wanted)),
            next_attempt_at=due,
        )


def queue_entry_events(feed: Any, entries: Any = (), action: str = "", **kwargs: Any) -> None:
    """``entry_rules.entries_changed`` (sent after commit): coalesce per feed and endpoint."""
    changes = entry_changes(entries, action)
    if not any(changes.values()):
        return
    endpoints = subscribed_endpoints(*ENTRY_KINDS.values())
    if not endpoints or not is_page_visible(feed):
        return
    reported = {pk for ids in changes.values() for pk in ids}
    stale = live_feed_change(feed, entries=[entry for entry in entries if entry.pk in reported])
    base = {"object": "feed", "id": feed.pk, **stale.payload()}
    touched = []
    for endpoint in endpoints:
        wanted = {k: ids if ENTRY_KINDS[k] in endpoint.events else [] for k, ids in changes.items()}
        if any(wanted.values()):
            delivery = _coalesce(endpoint, f"feed:{feed.pk}", base, wanted)
            if delivery is not None:
                touched.append(delivery)
    if touched:
        transaction.on_commit(lambda: send_committed(touched))


# Taxonomy ------------------------------------------------------------------------------------


def taxonomy_saving(instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """``pre_save`` of a topic, author or source: note its slug, as a new one moves its API URL
    and its listings (the old ones are then reported, and purged, too)."""
    instance._newsfeed_slug_before = None
    if instance.pk is not None and (update_fields is None or "slug" in update_fields):
        rows = type(instance).objects.filter(pk=instance.pk)
        instance._newsfeed_slug_before = rows.values_list("slug", flat=True).first()


def taxonomy_saved(instance: Any, **kwargs: Any) -> None:
    """``post_save`` of a topic, author or source."""
    _taxonomy_changed(instance, deleted=False)


def taxonomy_deleted(instance: Any, **kwargs: Any) -> None:
    """``pre_delete`` of a topic, author or source (while it can still be checked)."""
    _taxonomy_changed(instance, deleted=True)


def _taxonomy_changed(instance: Any, *, deleted: bool) -> None:
    """Only for one that readers can see: one used only by drafts or private stories is not
    public (its name could give the story away). The paths and API URLs are what a purge drops
    (``invalidation.cascades.taxonomy_change``)."""
    endpoints = subscribed_endpoints(WebhookEvent.TAXONOMY_CHANGED)
    if not endpoints or not is_public_taxonomy(instance):
        return
    slug_before = None if deleted else getattr(instance, "_newsfeed_slug_before", None)
    data = {
        "object": instance._meta.model_name,
        "id": instance.pk,
        "action": "deleted" if deleted else "saved",
        **taxonomy_change(instance, slug_before).payload(),
    }
    record(WebhookEvent.TAXONOMY_CHANGED, data, endpoints)
