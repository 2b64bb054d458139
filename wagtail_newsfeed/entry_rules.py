"""The rules for live entries: who may change them, the write path, and the reader page's order.

Every change to an entry runs in one transaction that locks the feed's counter row, increments it
and stamps the changed entries with the new value. The lock serialises writers per feed, so the
order of versions is the order of commits: a poller that asks for "changes after version N" never
misses a change committed later with a smaller number (``delta`` reads them so). The admin, the
API and the reader pages all call these functions; none of them writes entries on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import PageLogEntry
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import caching, delta
from .conf import settings
from .local_time import is_ahead, out_of_range
from .models import LiveEntry, LiveFeedCounter, LiveFeedPage
from .models.live import LiveEntryAuthor
from .xml import one_line

#: Sent after the transaction that changed entries has committed.
#: Arguments: ``feed`` (LiveFeedPage), ``entries`` (list of LiveEntry), ``action`` (str).
entries_changed = Signal()

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = {"headline", "body", "display_time", "is_pinned", "is_key_event", "status"}


class EntryConflict(Exception):
    """The entry changed since the editor loaded it."""


#: The ``expected_version`` of an admin form that did not say which version it showed (a page
#: opened before its forms carried one): no entry has it, so the write refuses it as a conflict,
#: after its permission checks. Never the editor's guess that nothing changed.
UNKNOWN_VERSION = -1


# Permissions ---------------------------------------------------------------------------------


# Who may write entries is the page permission policy's "change", on the feed or an ancestor
# (or "add" on a feed the user owns), and nothing more. Not ``PagePermissionTester.can_edit()``:
# it also lets in whoever the current workflow task lets into the page editor, and live entries
# are not part of the page revision under moderation. The policy is built for the base page
# model: on Wagtail 7.4 a policy for a page subclass would look for "change_livefeedpage"
# permissions, which groups never hold.


def _writer(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit_feed(user: Any, feed: LiveFeedPage) -> bool:
    """May this user post draft entries to (and edit their own draft entries of) this feed?
    The same rule as ``editable_feeds``, asked of one feed."""
    return _writer(user) and PagePermissionPolicy().user_has_permission_for_instance(
        user, "change", feed
    )


def editable_feeds(user: Any) -> QuerySet[LiveFeedPage]:
    """The live feeds this user may post entries to (``can_edit_feed`` of each), for lists."""
    if not _writer(user):
        return LiveFeedPage.objects.none()
    if user.is_superuser:
        return LiveFeedPage.objects.all()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return LiveFeedPage.objects.filter(pk__in=pages.values("pk"))


def can_publish_feed(user: Any, feed: LiveFeedPage) -> bool:
    """May this user change what readers see (publish, pin, edit or delete published entries)
    and edit or delete other users' drafts?"""
    return bool(user and user.is_authenticated and feed.permissions_for_user(user).can_publish())


def check_display_time(user: Any, feed: LiveFeedPage, value: datetime | None) -> None:
    """A display time within range (``local_time.out_of_range``, the rule of every time people
    give); in the future only for editors who may publish the feed.

    An entry's display time orders the feed, so a contributor's far-future time would keep
    their entry on top like a pin once it is published.
    """
    if value is None:
        return
    if problem := out_of_range(value):
        raise ValidationError({"display_time": problem})
    if is_ahead(value) and not can_publish_feed(user, feed):
        raise ValidationError(
            {
                "display_time": _(
                    "Only editors who may publish this feed can give an entry a time in the future."
                )
            }
        )


def _check_permission(user: Any, feed: LiveFeedPage, *, publishing: bool) -> None:
    if not can_edit_feed(user, feed):
        raise PermissionDenied(_("You do not have permission to edit this live feed."))
    if publishing and not can_publish_feed(user, feed):
        raise PermissionDenied(
            _(
                "You may save entries of this live feed as drafts, "
                "but not publish or change live ones."
            )
        )


def can_change_entry(user: Any, feed: LiveFeedPage, entry: LiveEntry) -> bool:
    """May this user edit or delete ``entry``? Publishers any entry of the feed; a user who may
    only write drafts, the drafts they created. For showing controls: a write decides again on
    the locked row (``_check_may_change``)."""
    if can_publish_feed(user, feed):
        return True
    return can_edit_feed(user, feed) and not entry.is_published and entry.created_by_id == user.pk


def _as_of_now(user: Any) -> Any:
    """The writer as the database has them now, for the check made under the lock. Wagtail and
    Django cache a user's permissions on the user object for the rest of the request, so a
    permission withdrawn after the request began would still pass on the object it came with."""
    if not getattr(user, "pk", None):
        return user
    model = get_user_model()  # request.user is a lazy object: its type says nothing
    try:
        return model._default_manager.get(pk=user.pk)
    except model.DoesNotExist:
        raise PermissionDenied(_("You do not have permission to edit this live feed.")) from None


def _check_may_change(user: Any, feed: LiveFeedPage, entry: LiveEntry, *, publishing: bool) -> Any:
    """``_check_permission`` for a change to ``entry`` (the locked row), with the writer's
    permissions as they are now: a user who may not publish the feed changes and deletes only
    the drafts they created themselves. Returns the writer as of now, for further checks."""
    user = _as_of_now(user)
    _check_permission(user, feed, publishing=publishing)
    if not publishing and not can_publish_feed(user, feed) and entry.created_by_id != user.pk:
        raise PermissionDenied(_("You may edit and delete only the drafts you created."))
    return user


# The write path ------------------------------------------------------------------------------


def _lock_counter(feed_id: int) -> LiveFeedCounter:
    LiveFeedCounter.objects.get_or_create(feed_id=feed_id)
    return LiveFeedCounter.objects.select_for_update().get(feed_id=feed_id)


def _stamp(counter: LiveFeedCounter, entries: Iterable[LiveEntry]) -> None:
    for entry in entries:
        counter.version += 1
        entry.version = counter.version
        entry.save()
    counter.save(update_fields=["version"])


def _unpin_others(feed_id: int, keep_pk: int | None) -> list[LiveEntry]:
    return list(
        LiveEntry.objects.select_for_update()
        .filter(feed_id=feed_id, is_pinned=True)
        .exclude(pk=keep_pk)
    )


def set_byline(entry: LiveEntry, authors: Iterable[Any]) -> None:
    """Make ``authors`` (authors or their ids) the entry's byline, in that order; an author
    named twice keeps their first place. Callers cap the number (``ENTRY_MAX_AUTHORS``)."""
    ids = list(dict.fromkeys(getattr(author, "pk", author) for author in authors))
    LiveEntryAuthor.objects.filter(entry=entry).delete()
    LiveEntryAuthor.objects.bulk_create(
        LiveEntryAuthor(entry=entry, author_id=author_id, sort_order=position)
        for position, author_id in enumerate(ids)
    )
    entry.__dict__.pop("byline_links", None)


def _log(
    feed: LiveFeedPage, entry: LiveEntry, action: str, user: Any, submission: str = ""
) -> None:
    # The name as it reads now ("first words… (14:05)" for an entry without a headline).
    data: dict[str, Any] = {
        "entry": {"id": entry.pk, "headline": entry.headline, "label": str(entry)}
    }
    if submission:
        data["submission"] = submission
    log(instance=feed, action=f"wagtail_newsfeed.entry.{action}", user=user, data=data)


#: How long a console submission is remembered: as long as the browser keeps its rescue copy.
SUBMISSION_MEMORY = timedelta(days=1)


def submitted_entry(feed: LiveFeedPage, user: Any, submission: str) -> LiveEntry | None:
    """The entry this user's console submission (its id, ``views/rescue.py``) already created in
    this feed within ``SUBMISSION_MEMORY``, if any. The same post sent again (its answer was
    lost, or its rescue copy is restored) must not post the entry twice; the history row of the
    creation records the submission, so every process sees it."""
    if not submission or not getattr(user, "pk", None):
        return None
    logged = (
        PageLogEntry.objects.filter(
            page_id=feed.pk,
            user_id=user.pk,
            action__in=["wagtail_newsfeed.entry.publish", "wagtail_newsfeed.entry.create_draft"],
            data__submission=submission,
            timestamp__gte=timezone.now() - SUBMISSION_MEMORY,
        )
        .order_by("-timestamp")
        .values_list("data__entry__id", flat=True)
        .first()
    )
    if logged is None:
        return None
    return LiveEntry.objects.filter(feed_id=feed.pk, pk=logged).first()


def _notify(feed: LiveFeedPage, entries: list[LiveEntry], action: str) -> None:
    """In the change's transaction: what caches must know before it commits. Once it has
    committed the write is made: what follows (cache deletes, purges, webhooks) can only be
    logged when it fails, never turn the write's answer into an error a client would retry."""
    # Forget the cached version now and again at commit: a poll between the two could have
    # cached the version this transaction is about to replace.
    delta.forget_feed_version(feed.pk)
    caching.entry_data_stale()

    def committed() -> None:
        delta.forget_feed_version(feed.pk)
        sent = entries_changed.send_robust(
            sender=LiveEntry, feed=feed, entries=entries, action=action
        )
        for receiver, answer in sent:
            if isinstance(answer, Exception):
                logger.error(
                    "After a committed change to entries of feed %s, %s failed.",
                    feed.pk,
                    getattr(receiver, "__qualname__", receiver),
                    exc_info=answer,
                )

    transaction.on_commit(committed, robust=True)


def import_entries(
    feed: LiveFeedPage, decide: Callable[[], list[tuple[LiveEntry, str, Any]]]
) -> list[tuple[LiveEntry, str, Any]]:
    """The write path for importers, which set times and authors no writer could: inside the
    caller's transaction, lock the feed's counter, ask ``decide()`` (which reads the feed's
    entries under the lock) for the entries to save as ``(entry, action, user)``, stamp them
    with the next versions, and log and announce them like any other change, so delta sync
    and caches see them. Returns what ``decide()`` gave."""
    counter = _lock_counter(feed.pk)
    changes = decide()
    if changes:
        _stamp(counter, [entry for entry, _action, _user in changes])
        for entry, action, user in changes:
            _log(feed, entry, action, user)
        _notify(feed, [entry for entry, _action, _user in changes], "import")
    return changes


#: What announcing a restamp reads of each entry (``webhooks.events.entry_changes``,
#: ``invalidation.pages.live_feed_change``): loading only these keeps a feed's entries to one query.
_ANNOUNCED_FIELDS = ("pk", "feed_id", "status", "deleted_at", "version")


def restamp_entries(entries: QuerySet[LiveEntry]) -> None:
    """The write path for a change made elsewhere that changes what entries show (an author on
    their byline deleted or renamed): give each of ``entries`` that is not deleted (a tombstone
    was sent as it is) the next versions of its feed, and announce them as edited, so delta
    sync, caches, purges and webhooks carry the change.

    Per feed, under its counter's lock: one query reads the entries and one update stamps them
    all, so the cost follows the number of feeds, not of entries. An entry's new version is its
    id plus one offset per feed: each has a version of its own above the old counter, in id
    order, and the counter moves to the highest (the numbers between ids are skipped)."""
    chosen = LiveEntry.objects.filter(pk__in=entries.values("pk"), deleted_at__isnull=True)
    feed_ids = sorted(set(chosen.values_list("feed_id", flat=True)))
    if not feed_ids:
        return
    feeds = LiveFeedPage.objects.in_bulk(feed_ids)
    with transaction.atomic():
        for feed_id in feed_ids:  # in id order: two restamps lock the counters in one order
            counter = _lock_counter(feed_id)
            changed = list(chosen.filter(feed_id=feed_id).only(*_ANNOUNCED_FIELDS).order_by("pk"))
            if not changed:
                continue
            first, last = changed[0].pk, changed[-1].pk
            offset = counter.version + 1 - first
            chosen.filter(feed_id=feed_id, pk__range=(first, last)).update(
                version=F("pk") + offset, updated_at=timezone.now()
            )
            for entry in changed:
                entry.version = entry.pk + offset
            counter.version = last + offset
            counter.save(update_fields=["version"])
            _notify(feeds[feed_id], changed, "edit")


def create_entry(
    feed: LiveFeedPage,
    user: Any,
    *,
    body: Any,
    headline: str = "",
    status: str = LiveEntry.Status.PUBLISHED,
    is_pinned: bool = False,
    is_key_event: bool = False,
    display_time: Any = None,
    authors: Iterable[Any] = (),
    submission: str = "",
) -> LiveEntry:
    """Post a new entry. Raises ``PermissionDenied`` if the user may not post (or publish) it,
    ``ValidationError`` for a display time they may not give. With a console ``submission`` id
    that already created an entry (``submitted_entry``), returns that entry and posts nothing."""
    # Pinning is an editor's decision, even on a draft (it unpins the feed's pinned entry when the
    # draft is published).
    publishing = status == LiveEntry.Status.PUBLISHED or is_pinned
    with transaction.atomic():
        counter = _lock_counter(feed.pk)
        writer = _as_of_now(user)
        _check_permission(writer, feed, publishing=publishing)
        check_display_time(writer, feed, display_time)
        # Under the lock: a second copy of the same post waits for the first, then finds it.
        if (posted := submitted_entry(feed, user, submission)) is not None:
            return posted
        now = timezone.now()
        entry = LiveEntry(
            feed=feed,
            headline=one_line(headline or ""),
            body=body,
            status=status,
            is_pinned=is_pinned,
            is_key_event=is_key_event,
            display_time=display_time or now,
            first_published_at=now if status == LiveEntry.Status.PUBLISHED else None,
            created_by=user if getattr(user, "pk", None) else None,
        )
        changed = [entry]
        if is_pinned and status == LiveEntry.Status.PUBLISHED:
            changed += _unpin_others(feed.pk, None)
            for other in changed[1:]:
                other.is_pinned = False
        _stamp(counter, changed)
        if authors:
            set_byline(entry, authors)
        action = "publish" if status == LiveEntry.Status.PUBLISHED else "create_draft"
        _log(feed, entry, action, user, submission)
        _notify(feed, changed, action)
    return entry


def update_entry(
    entry: LiveEntry,
    user: Any,
    *,
    expected_version: int | None = None,
    authors: Iterable[Any] | None = None,
    **changes: Any,
) -> LiveEntry:
    """Change an entry's fields; ``expected_version`` guards against overwriting a newer edit.
    Values the entry already holds are no change: an edit of nothing but those is no edit."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    feed = entry.feed
    # Whether the change touches what readers see is decided on the row locked below, not on
    # ``entry`` as the caller loaded it: an editor may have published it meanwhile.
    _check_permission(user, feed, publishing=False)
    with transaction.atomic():
        counter = _lock_counter(feed.pk)
        current = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        if current.deleted_at is not None:
            raise LiveEntry.DoesNotExist(_("This entry has been deleted."))
        # Pinning is an editor's decision, even on a draft: unpinning an editor's pin as well.
        touches_readers = (
            current.is_published
            or changes.get("status") == LiveEntry.Status.PUBLISHED
            or bool(changes.get("is_pinned", current.is_pinned)) != current.is_pinned
        )
        writer = _check_may_change(user, feed, current, publishing=touches_readers)
        if "display_time" in changes and changes["display_time"] is None:
            raise ValidationError({"display_time": _("Give the time to show.")})
        if changes.get("display_time", current.display_time) != current.display_time:
            check_display_time(writer, feed, changes["display_time"])
        if expected_version is not None and current.version != expected_version:
            raise EntryConflict(_("Someone else changed this entry; reload it and try again."))
        if "headline" in changes:
            changes["headline"] = one_line(changes["headline"] or "")
        changes = {name: new for name, new in changes.items() if not _same(current, name, new)}
        if authors is not None and [a.pk for a in authors] == [a.pk for a in current.get_authors()]:
            authors = None  # the byline it has, in its order
        if not changes and authors is None:
            # Nothing changes: no new version, no history line, nothing for pollers.
            _take_values(entry, current)
            return entry
        was_published = current.is_published
        for field, value in changes.items():
            setattr(current, field, value)
        if current.is_published and current.first_published_at is None:
            current.first_published_at = timezone.now()
        changed = [current]
        # Readers see one pinned entry: a published entry that is pinned, or a pinned entry that
        # is published, takes the place of the other. A pinned draft waits for its publication.
        if (
            current.is_pinned
            and current.is_published
            and ("is_pinned" in changes or not was_published)
        ):
            changed += _unpin_others(feed.pk, current.pk)
            for other in changed[1:]:
                other.is_pinned = False
        _stamp(counter, changed)
        if authors is not None:
            set_byline(current, authors)
        if current.is_published and not was_published:
            action = "publish"
        elif was_published and not current.is_published:
            action = "unpublish"
        else:
            action = "edit"
        _log(feed, current, action, user)
        _notify(feed, changed, action)
    _take_values(entry, current)
    if authors is not None:  # the caller's copy may hold the old byline, prefetched
        entry.__dict__.pop("byline_links", None)
    return entry


def _same(entry: LiveEntry, name: str, value: Any) -> bool:
    """Whether ``value`` is what ``entry`` holds for the field ``name`` (a body by its blocks'
    types and values: a body sent again without its block ids is the same body)."""
    held = getattr(entry, name)
    if name == "body":
        return _blocks(held) == _blocks(value)
    return held == value


def _blocks(body: Any) -> list[tuple[Any, Any]]:
    raw = body.get_prep_value() if hasattr(body, "get_prep_value") else body
    return [(block.get("type"), block.get("value")) for block in raw or ()]


def publish_entry(entry: LiveEntry, user: Any, *, expected_version: int | None = None) -> LiveEntry:
    return update_entry(
        entry, user, expected_version=expected_version, status=LiveEntry.Status.PUBLISHED
    )


def unpublish_entry(
    entry: LiveEntry, user: Any, *, expected_version: int | None = None
) -> LiveEntry:
    return update_entry(
        entry, user, expected_version=expected_version, status=LiveEntry.Status.DRAFT
    )


def set_pinned(
    entry: LiveEntry, user: Any, pinned: bool = True, *, expected_version: int | None = None
) -> LiveEntry:
    """Pin an entry or unpin it. Pinning a published entry unpins any other (readers see one
    pinned entry); a pinned draft unpins the other when it is published."""
    return update_entry(entry, user, expected_version=expected_version, is_pinned=pinned)


def set_key_event(
    entry: LiveEntry, user: Any, key_event: bool = True, *, expected_version: int | None = None
) -> LiveEntry:
    return update_entry(entry, user, expected_version=expected_version, is_key_event=key_event)


def delete_entry(entry: LiveEntry, user: Any, *, expected_version: int | None = None) -> LiveEntry:
    """Soft-delete: the row stays as a tombstone so pollers learn of the deletion.
    ``expected_version``, as in ``update_entry``: an editor deletes the entry they saw, not one
    changed since (a deleted entry's version moved on too)."""
    feed = entry.feed
    _check_permission(user, feed, publishing=False)
    with transaction.atomic():
        counter = _lock_counter(feed.pk)
        current = LiveEntry.objects.select_for_update().get(pk=entry.pk)
        # Decided on the locked row: it may have been published since the caller loaded it.
        _check_may_change(user, feed, current, publishing=current.is_published)
        if expected_version is not None and current.version != expected_version:
            raise EntryConflict(_("Someone else changed this entry; reload it and try again."))
        if current.deleted_at is None:
            current.deleted_at = timezone.now()
            current.is_pinned = False
            _stamp(counter, [current])
            _log(feed, current, "delete", user)
            _notify(feed, [current], "delete")
    _take_values(entry, current)
    return entry


#: The Newsroom list's bulk actions, as ``change_entries`` takes them.
BULK_ACTIONS = ("unpublish", "delete")


def change_entries(
    entries: Iterable[LiveEntry],
    user: Any,
    action: str,
    *,
    expected_versions: Mapping[int, int] | None = None,
) -> tuple[list[LiveEntry], list[LiveEntry], list[LiveEntry]]:
    """Unpublish or delete many entries at once (the Newsroom list): ``unpublish_entry`` or
    ``delete_entry`` of each, with the same rules, in one transaction per feed. Each locks its
    feed's counter once, decides each entry's permission on its locked row, stamps the changed
    rows in one update, logs them in one insert and announces them in one ``entries_changed``,
    so the queries follow the number of feeds, not of entries.

    ``expected_versions`` (entry id -> the version the user was shown), as ``expected_version``
    of ``update_entry``: an entry whose locked row has another version, or that it does not
    name, is left as it is.

    Returns the entries changed, those the user may not change and those changed since they
    were shown. Entries deleted meanwhile, and drafts asked to be unpublished, are none of
    these: there is nothing to do. The search index is not told: the searched text did not
    change, and searches choose their candidates with the queryset (``search``), as
    ``restamp_entries`` relies on too.
    """
    if action not in BULK_ACTIONS:
        raise ValueError(f"Not a bulk action: {action}")
    chosen: dict[int, list[int]] = {}
    for entry in entries:
        chosen.setdefault(entry.feed_id, []).append(entry.pk)
    if not chosen:
        return [], [], []
    writer = _as_of_now(user)
    feeds = LiveFeedPage.objects.in_bulk(list(chosen))
    changed: list[LiveEntry] = []
    refused: list[LiveEntry] = []
    conflicts: list[LiveEntry] = []
    for feed_id in sorted(chosen):  # in id order: two bulk actions lock counters in one order
        feed = feeds.get(feed_id)
        if feed is None:
            continue
        with transaction.atomic():
            counter = _lock_counter(feed_id)
            rows = LiveEntry.objects.select_for_update().filter(
                feed_id=feed_id, pk__in=chosen[feed_id], deleted_at__isnull=True
            )
            now = timezone.now()
            done = []
            for entry in rows.order_by("pk"):
                if action == "unpublish" and not entry.is_published:
                    continue
                # Decided on the locked row, with the writer's permissions as of now.
                if not can_change_entry(writer, feed, entry):
                    refused.append(entry)
                    continue
                if expected_versions is not None and entry.version != expected_versions.get(
                    entry.pk, UNKNOWN_VERSION
                ):
                    conflicts.append(entry)
                    continue
                if action == "delete":
                    entry.deleted_at, entry.is_pinned = now, False
                else:
                    entry.status = LiveEntry.Status.DRAFT
                counter.version += 1
                entry.version, entry.updated_at = counter.version, now
                done.append(entry)
            if done:
                fields = ["status", "deleted_at", "is_pinned", "version", "updated_at"]
                LiveEntry.objects.bulk_update(done, fields)
                counter.save(update_fields=["version"])
                _log_many(feed, done, action, user)
                _notify(feed, done, action)
        changed += done
    return changed, refused, conflicts


def _log_many(feed: LiveFeedPage, entries: list[LiveEntry], action: str, user: Any) -> None:
    """``_log`` of each entry, in one insert: the rows ``wagtail.log_actions.log`` writes."""
    context = get_active_log_context()
    content_type = ContentType.objects.get_for_model(feed, for_concrete_model=False)
    label = feed.get_admin_display_title()
    now = timezone.now()
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            page=feed,
            content_type=content_type,
            label=label,
            action=f"wagtail_newsfeed.entry.{action}",
            timestamp=now,
            user=user if getattr(user, "pk", None) else context.user,
            uuid=context.uuid,
            data={"entry": {"id": entry.pk, "headline": entry.headline, "label": str(entry)}},
        )
        for entry in entries
    )


def _take_values(entry: LiveEntry, current: LiveEntry) -> None:
    """Give the caller's copy the values written from the locked row (its field values only:
    the relations it has loaded, its feed say, stay loaded)."""
    for field in LiveEntry._meta.concrete_fields:
        setattr(entry, field.attname, getattr(current, field.attname))


# Reading -------------------------------------------------------------------------------------


def paging_anchor(feed: LiveFeedPage, entry_id: int) -> LiveEntry | None:
    """The entry of ``feed`` a page of older entries follows (``?before=<id>``): one readers
    see, or one they saw that an editor has unpublished or deleted since, whose place in the
    reading order still stands, so a "load more" link made before it went keeps working.
    Only that place is loaded (nothing of it is shown); a draft never published is not
    readers' business, not even as an id."""
    return (
        LiveEntry.objects.filter(delta.seen_by_readers(), feed_id=feed.pk, pk=entry_id)
        .only("pk", "feed_id", "display_time")
        .first()
    )


def reading_order(feed: LiveFeedPage) -> list[str]:
    return ["display_time", "pk"] if feed.oldest_first else ["-display_time", "-pk"]


def entries_following(
    entries: QuerySet,
    feed: LiveFeedPage,
    following: LiveEntry | None,
    limit: int,
    *,
    inclusive: bool = False,
) -> tuple[list[LiveEntry], bool]:
    """A keyset page of ``entries`` in the feed's reading order, after the entry ``following``
    (or, ``inclusive``, starting with it).

    Keyset (not offset) paging keeps a page cheap on a feed of any length and stable while new
    entries arrive at the top.
    """
    if following is not None:
        t, pk = following.display_time, following.pk
        if feed.oldest_first:
            same = "pk__gte" if inclusive else "pk__gt"
            entries = entries.filter(Q(display_time__gt=t) | Q(display_time=t, **{same: pk}))
        else:
            same = "pk__lte" if inclusive else "pk__lt"
            entries = entries.filter(Q(display_time__lt=t) | Q(display_time=t, **{same: pk}))
    rows = list(entries.order_by(*reading_order(feed))[: limit + 1])
    return rows[:limit], len(rows) > limit


def latest_key_events(entries: QuerySet) -> list[LiveEntry]:
    """The newest ``KEY_EVENTS_LIMIT`` key events among ``entries`` (a feed's visible entries),
    as the page, its auto-update and the API list them."""
    return list(
        entries.filter(is_key_event=True).order_by("-display_time", "-pk")[
            : settings.KEY_EVENTS_LIMIT
        ]
    )
