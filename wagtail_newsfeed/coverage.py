"""Changing a live feed's coverage status (upcoming → live → ended) in one click from the console.

The status is a field of the feed page, and readers only ever see a page's published revision, so
the change is published as a revision of its own. What it must not do is publish anything else: a
page with unpublished draft edits gets a revision made from the *live* content plus the new
status, which is published, and then the editors' draft is saved again on top of it with the new
status too, so their edits stay a draft, and publishing that draft later does not bring the old
status back. A feed that was never published only gets a new draft revision.

The change also records when coverage went live or ended (``coverage_start``, ``coverage_end``),
where no editor set a time that has passed: the page's "Started"/"Ended" line and the JSON-LD's
``coverageStartTime``/``coverageEndTime`` come from them, and search engines stop showing a live
blog as live at its end time. Going live again drops an end time that has passed; going back to
upcoming drops start and end times that have passed.

Publishing goes through Wagtail's publish action, so its ``page_published`` signal purges the
page, the feeds and the API caches as for any other publish. The feed's history records one line,
"Changed coverage status from Live to Ended", linked to the published revision.

A feed in moderation stays in moderation. Wagtail's publish cancels the page's workflow
(``WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH``), because a publish normally puts the reviewed edits live;
this one puts only the status live, so it leaves the review alone. The draft saved on top of the
revision under review carries the new status, and Wagtail publishes a page's latest revision when
its workflow is approved, so the approval keeps the status. Only the task's reviewers may make the
change meanwhile (Wagtail's workflow lock); the others are told which workflow holds the feed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.locks import WorkflowLock
from wagtail.log_actions import log

from .entry_rules import can_publish_feed
from .log_actions import COVERAGE_ACTION
from .models import LiveFeedPage
from .models.live import CoverageStatus

LABELS = dict(CoverageStatus.choices)
#: The next step of a feed's coverage, offered first in the console.
NEXT_STATUS = {
    CoverageStatus.UPCOMING: CoverageStatus.LIVE,
    CoverageStatus.LIVE: CoverageStatus.ENDED,
    CoverageStatus.ENDED: CoverageStatus.LIVE,
}


class FeedLocked(PermissionDenied):
    """Another user holds the feed's lock, or a publish is scheduled: the message says which."""


class _PublishStatus(PublishPageRevisionAction):
    """Wagtail's publish of a page revision, except that a workflow in progress is left alone:
    what it publishes is the live content and a new status, not the edits under review."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.object.publishing_coverage_only = True


def coverage_lock_message(user: Any, feed: LiveFeedPage) -> str | None:
    """Why ``user`` cannot change the coverage now (a colleague's lock, a scheduled publish, a
    workflow task they do not review), or ``None``."""
    lock = feed.get_lock()
    if not lock or not lock.for_user(user):
        return None
    state = feed.current_workflow_state if isinstance(lock, WorkflowLock) else None
    if state is not None:
        return _(
            "This feed is in the “%(workflow)s” workflow, awaiting “%(task)s”: until the review "
            "ends, only its reviewers can change the coverage status."
        ) % {"workflow": state.workflow.name, "task": lock.task.name}
    return lock.get_message(user)


def set_coverage_status(
    feed: LiveFeedPage, user: Any, status: str, *, expected: str | None = None
) -> LiveFeedPage:
    """Publish ``status`` as the feed's coverage status, leaving any draft edits a draft.

    ``expected`` is the status the editor saw: if a colleague changed it meanwhile, nothing
    happens and ``ValidationError`` says so. ``PermissionDenied`` if the user may not publish
    the feed, ``FeedLocked`` (one) if another user holds its lock or a publish is scheduled.
    """
    if status not in CoverageStatus.values:
        raise ValidationError(_("Choose upcoming, live or ended."))
    with transaction.atomic():
        # The page row, locked: two clicks at once are applied one after the other.
        page = LiveFeedPage.objects.select_for_update().get(pk=feed.pk)
        if not can_publish_feed(user, page):  # readers see the change
            raise PermissionDenied(_("Only editors who may publish this feed can change this."))
        locked = coverage_lock_message(user, page)
        if locked:
            raise FeedLocked(locked)
        old = page.coverage_status
        if expected is not None and expected != old:
            raise ValidationError(
                _("Someone changed the coverage status to '%(status)s' meanwhile.")
                % {"status": page.get_coverage_status_display()}
            )
        if old == status:
            return page
        draft = page.latest_revision if page.has_unpublished_changes else None
        if draft is not None and page.live and draft.pk == page.live_revision_id:
            draft = None  # nothing newer than what readers see
        # Whole seconds: revisions store times to the millisecond, the page row to the µs.
        now = timezone.now().replace(microsecond=0)
        published = None
        if page.live:
            base = page.live_revision.as_object() if page.live_revision else page
            _apply_status(base, status, now)
            published = base.save_revision(user=user, clean=False, log_action=False)
            _PublishStatus(published, user=user, log_action=False).execute()
        if draft is not None or not page.live:
            edits = draft.as_object() if draft is not None else page
            _apply_status(edits, status, now)
            # ``changed``: the draft still differs from what readers see.
            edits.save_revision(user=user, clean=False, log_action=False, changed=True)
            if not page.live:
                # Readers see nothing of this page: its row takes the status too, so the
                # console shows what was set and the next click is checked against it.
                LiveFeedPage.objects.filter(pk=page.pk).update(
                    **{name: getattr(edits, name) for name in COVERAGE_FIELDS}
                )
        page.refresh_from_db()
        log(
            instance=page,
            action=COVERAGE_ACTION,
            user=user,
            revision=published,
            data={
                "old": old,
                "new": status,
                "old_label": str(LABELS.get(old, old)),
                "new_label": str(LABELS[status]),
            },
        )
    feed.refresh_from_db()
    return feed


#: What a coverage change sets (``_apply_status``).
COVERAGE_FIELDS = ("coverage_status", "coverage_start", "coverage_end")


def _apply_status(feed: LiveFeedPage, status: str, now: datetime) -> None:
    """Set ``status`` and record when coverage really started or ended. A time an editor set
    stays, unless it is still to come: the coverage started or ended now, whatever was planned."""
    feed.coverage_status = status
    if status == CoverageStatus.ENDED:
        if feed.coverage_end is None or feed.coverage_end > now:
            feed.coverage_end = now
        if feed.coverage_start is not None and feed.coverage_start > feed.coverage_end:
            feed.coverage_start = None  # planned, never begun: ended before it started
    elif status == CoverageStatus.LIVE:
        # Whatever it was before: ended coverage may never have had a start (back to upcoming
        # drops a start that passed, then ended at once), and a live blog states when it began.
        if feed.coverage_start is None or feed.coverage_start > now:
            feed.coverage_start = now
        if feed.coverage_end is not None and feed.coverage_end <= now:
            feed.coverage_end = None  # live again: the end is no longer past
    else:  # upcoming again: coverage has not started, so times that have passed are void
        moment = timezone.now()  # ``now`` is whole seconds; a start recorded this second passed
        if feed.coverage_start is not None and feed.coverage_start <= moment:
            feed.coverage_start = None
        if feed.coverage_end is not None and feed.coverage_end <= moment:
            feed.coverage_end = None
