"""Live blogs written with Automattic's Liveblog plugin become live feeds with their entries.

The plugin stores each entry as a comment of type ``liveblog``. Editing an entry adds a later
comment whose comment meta ``liveblog_replaces`` names the entry it replaces (and, in newer
versions, also rewrites the original); deleting adds a replacing comment with empty content and
trashes or deletes the original. So an entry here is an original comment with the content of its
latest replacement, at the original's time and by the original's author; a deletion leaves it
out (or, if it was imported before, deletes it here too). An entry an editor deleted here stays
deleted, even when WordPress changed it since (reported). A key event is an entry whose content
holds the ``/key`` command (saved as ``<span class="liveblog-command type-key">``) or whose
comment meta ``liveblog_key_entry`` is set. Co-authors come from ``liveblog_contributors``.

Entries are written at their original times through the live write path's own rules: one transaction
that locks the feed's counter and stamps every new or changed entry with the next version
(``entry_rules.import_entries``), so delta sync sees imported entries like any other change.
(``entry_rules.create_entry`` is not used: it refuses a writer of None and stamps the first-publish
time "now".)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from .. import entry_rules
from ..conf import settings
from ..local_time import is_ahead, out_of_range
from ..models import LiveEntry, LiveFeedPage, WordPressOrigin
from . import content, values
from .records import Comment, Item
from .report import Report
from .survey import Catalog

#: The plugin shows only comments whose ``comment_approved`` is this (it queries
#: ``status => 'liveblog'``): an entry held back (``0``) or approved as a comment (``1``) was
#: never shown, and an edit so marked never applied.
SHOWN_STATUS = "liveblog"
DELETED_STATUSES = {"trash", "spam", "post-trashed"}
#: The plugin saves "/key" as a span; both forms mark a key event. Bounded patterns: linear.
#: A space after the command goes with it ("Key /key event" -> "Key event").
_COMMAND_SPAN = re.compile(r"<span\b[^>]{0,600}>[^<]{0,20}</span>[ \t]?", re.I)
_KEY_TEXT = re.compile(r"(?<![\w/])/key\b[ \t]?", re.I)


def _key_span(match: re.Match) -> str:
    span = match.group(0)
    return "" if "liveblog-command" in span and "type-key" in span else span


def strip_key_command(html: str) -> str:
    return _KEY_TEXT.sub("", _COMMAND_SPAN.sub(_key_span, html))


@dataclass
class EntryPlan:
    wp_id: int
    time: datetime
    html: str
    key_event: bool
    deleted: bool
    comment: Comment
    body: list[dict] = field(default_factory=list)
    authors: list[Any] = field(default_factory=list)
    user: Any = None

    def fingerprint(self) -> str:
        data = [
            self.time,
            self.body,
            self.key_event,
            [a.pk for a in self.authors],
            getattr(self.user, "pk", None),
        ]
        encoded = json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8", "surrogatepass")).hexdigest()


def _key(comment: Comment) -> bool:
    marked = values.is_true(comment.meta.get("liveblog_key_entry"))
    return marked or strip_key_command(comment.content) != comment.content


def plan_entries(item: Item, catalog: Catalog, warn: Any) -> list[EntryPlan]:
    """The entries of a live blog post as readers last saw them (deleted ones marked)."""
    timed = []
    seen: set[int] = set()
    for comment in item.comments:
        if comment.type != "liveblog" or comment.left_out:
            continue
        if comment.wp_id in seen:
            warn("entry", f"entry {comment.wp_id} is in the post twice: the later one was left out")
            continue
        if comment.wp_id is None:
            warn("entry", "an entry without a valid comment id was left out")
            continue
        time = values.best_date(comment.date_gmt, comment.date, catalog.offset)
        # A time in the future would pin the entry on top (``entry_rules.check_display_time``).
        if time is None or out_of_range(time) or is_ahead(time):
            warn(
                "entry",
                f"entry {comment.wp_id} has no valid time ({values.shown(comment.date_gmt)})",
            )
            continue
        seen.add(comment.wp_id)
        timed.append((time, comment.wp_id, comment))
    timed.sort(key=lambda row: (row[0], row[1]))
    entries: dict[int, EntryPlan] = {}
    root_of: dict[int, int] = {}
    own = {wp_id for _time, wp_id, _comment in timed}
    for time, wp_id, comment in timed:
        replaces = values.wp_id(comment.meta.get("liveblog_replaces"))
        if comment.approved != SHOWN_STATUS and comment.approved not in DELETED_STATUSES:
            warn(
                "entry",
                f"entry {wp_id} was not shown in WordPress (comment_approved"
                f" {values.shown(comment.approved)}): left out",
            )
            if replaces is not None:
                continue  # an edit WordPress did not show: the entry keeps its text
        elif replaces is not None and comment.approved != SHOWN_STATUS:
            continue  # a trashed edit: WordPress shows the entry without it
        if replaces is not None and replaces not in own and comment.content.strip():
            # An edit of an entry this post does not hold (another post's, or one gone from
            # the export) is an entry of its own: under the other entry's id it would take
            # that entry over, and two feeds would each re-create it on every run.
            warn("entry", f"entry {wp_id} edits entry {replaces}, which this post does not hold")
            replaces = None
        if replaces is None:
            root_of[wp_id] = wp_id
            deleted = comment.approved != SHOWN_STATUS
            existing = entries.get(wp_id)
            if existing is None:
                entries[wp_id] = EntryPlan(
                    wp_id, time, comment.content, _key(comment), deleted, comment
                )
            else:  # an edit dated before its original: the original keeps time and author
                existing.time, existing.comment = time, comment
                existing.deleted = existing.deleted or deleted
            continue
        root = root_of.get(replaces, replaces)
        root_of[wp_id] = root
        entry = entries.get(root)
        if not comment.content.strip():
            if entry is None:
                entries[root] = EntryPlan(root, time, "", False, True, comment)
            else:
                entry.deleted = True
        elif entry is None:  # replaces an entry that never reached the export: on its own
            entries[root] = EntryPlan(root, time, comment.content, _key(comment), False, comment)
        elif not entry.deleted:
            entry.html = comment.content
            entry.key_event = _key(comment) or values.is_true(
                entry.comment.meta.get("liveblog_key_entry")
            )
    for entry in entries.values():
        entry.html = strip_key_command(entry.html)
    return sorted(entries.values(), key=lambda entry: (entry.time, entry.wp_id))


def sync_entries(
    feed: LiveFeedPage, plans: list[EntryPlan], site: str, report: Report, label: str
) -> None:
    """Create, update or delete the feed's imported entries; call inside the post's transaction."""
    stream_block = LiveEntry._meta.get_field("body").stream_block
    plans_of: dict[int, EntryPlan] = {}
    deleted_here: dict[int, int] = {}  # id(entry) -> WordPress id, of the entries it deletes

    def decide() -> list[tuple[LiveEntry, str, Any]]:
        # Read under the feed's lock: an editor's change in the console cannot slip in between.
        origins = {
            origin.wp_id: origin
            for origin in WordPressOrigin.objects.filter(
                site=site, kind=WordPressOrigin.Kind.ENTRY, wp_id__in=[plan.wp_id for plan in plans]
            ).select_related("entry")
        }
        changed: list[tuple[LiveEntry, str, Any]] = []
        now = timezone.now()
        for plan in plans:
            origin = origins.get(plan.wp_id)
            entry = origin.entry if origin is not None and origin.entry_id else None
            if entry is not None and entry.feed_id != feed.pk:
                entry = None  # the entry was moved to another feed by hand: leave it there
            if plan.deleted:
                if entry is None:
                    report.count("live entries", "left out (deleted in WordPress)")
                elif entry.deleted_at is None:
                    entry.deleted_at, entry.is_pinned = now, False
                    changed.append((entry, "delete", None))
                    deleted_here[id(entry)] = plan.wp_id
                continue
            fingerprint = plan.fingerprint()
            if entry is not None and deleted_in_wagtail(entry, origin):
                report.count("live entries", "left deleted (deleted in Wagtail)")
                if origin.fingerprint != fingerprint:
                    report.warn(
                        "entry",
                        f"{label}: entry {plan.wp_id} was deleted in Wagtail: its edit in "
                        "WordPress was not imported",
                    )
                continue
            if entry is not None and origin.fingerprint == fingerprint:
                report.count("live entries", "unchanged")
                continue
            try:
                body = content.clean_blocks(plan.body, stream_block, settings.ENTRY_BODY_MAX_BYTES)
            except Exception as error:
                report.warn("entry", f"{label}: entry {plan.wp_id}: {content.describe(error)}")
                continue
            if not body:
                report.warn("entry", f"{label}: entry {plan.wp_id} has no content left to show")
                continue
            action = "edit" if entry is not None else "publish"
            if entry is None:
                entry = LiveEntry(feed=feed, headline="", status=LiveEntry.Status.PUBLISHED)
            entry.body, entry.display_time, entry.is_key_event = body, plan.time, plan.key_event
            entry.first_published_at = entry.first_published_at or plan.time
            entry.created_by = entry.created_by or plan.user
            entry.deleted_at = None
            changed.append((entry, action, plan.user))
            plans_of[id(entry)] = plan
        return changed

    for entry, action, _user in entry_rules.import_entries(feed, decide):
        if id(entry) in deleted_here:  # deleted by WordPress: back if WordPress shows it again
            WordPressOrigin.objects.filter(
                site=site, kind=WordPressOrigin.Kind.ENTRY, wp_id=deleted_here[id(entry)]
            ).update(fingerprint="")
        plan = plans_of.get(id(entry))
        if plan is not None:
            entry_rules.set_byline(entry, plan.authors[: settings.ENTRY_MAX_AUTHORS])
            WordPressOrigin.objects.update_or_create(
                site=site,
                kind=WordPressOrigin.Kind.ENTRY,
                wp_id=plan.wp_id,
                defaults={"entry": entry, "fingerprint": plan.fingerprint()},
            )
        report.count(
            "live entries", {"publish": "created", "edit": "updated", "delete": "deleted"}[action]
        )


def deleted_in_wagtail(entry: LiveEntry, origin: WordPressOrigin) -> bool:
    """Whether an editor deleted the entry: an import that deletes one (deleted or held back in
    WordPress) forgets its fingerprint, so it comes back if WordPress shows it again, while an
    editor's deletion stands, as an editor's unpublishing does."""
    return entry.deleted_at is not None and bool(origin.fingerprint)


def count_entry_changes(
    feed: LiveFeedPage | None, plans: list[EntryPlan], site: str, report: Report
) -> None:
    """What ``sync_entries`` would do to the feed's entries, counted and not written (a dry
    run). Entries whose body fails validation are counted as they are planned; the real run
    reports them."""
    origins = {}
    if feed is not None:
        origins = {
            origin.wp_id: origin
            for origin in WordPressOrigin.objects.filter(
                site=site,
                kind=WordPressOrigin.Kind.ENTRY,
                wp_id__in=[plan.wp_id for plan in plans],
                entry__feed=feed,
            ).select_related("entry")
        }
    for plan in plans:
        origin = origins.get(plan.wp_id)
        entry = origin.entry if origin is not None else None
        if plan.deleted:
            if entry is None:
                report.count("live entries", "left out (deleted in WordPress)")
            elif entry.deleted_at is None:
                report.count("live entries", "to delete")
        elif entry is None:
            report.count("live entries", "to create")
        elif deleted_in_wagtail(entry, origin):
            report.count("live entries", "left deleted (deleted in Wagtail)")
        elif origin.fingerprint == plan.fingerprint():
            report.count("live entries", "unchanged")
        else:
            report.count("live entries", "to update")
