"""The editors' live console: post, edit, pin, flag, publish and delete a feed's entries.

Thin views: they check who is asking, validate the form and call one
``wagtail_newsfeed.entry_rules`` function each, which owns the rules (permissions, locking,
versions, history log entries). Every state change is a POST with Django's CSRF protection; a user
who may not edit the feed gets Wagtail's standard "permission denied" and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.forms import Media
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.telepath import JSContext
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.rich_text import RichText

from .. import coverage, delta, entry_rules, stored_bodies
from ..conf import settings
from ..console_forms import ConsoleEntryForm, entry_panel, restrict_to_drafts
from ..converters import parse_count
from ..models import LiveEntry, LiveFeedPage
from ..models.live import byline_prefetches
from . import rescue

#: How many of the latest entries the console lists.
CONSOLE_ENTRIES = 50
#: A write the database could not take (locked, restarting): nothing was saved, the text stays.
DATABASE_BUSY = gettext_lazy(
    "The database is busy and your entry was not saved. Your text is kept below: "
    "try again in a moment."
)


#: A one-click change (pin, publish, delete…) the database could not take: nothing changed.
DATABASE_BUSY_ACTION = gettext_lazy("The database is busy and nothing was changed; try again.")
#: A contributor's "publish" (a crafted request, or rights withdrawn since the page loaded).
NO_PUBLISHING = gettext_lazy(
    "You may save entries of this live feed as drafts, but not publish them. Your text is kept "
    "below: save it as a draft."
)
#: Why the console header has no link to the reader page.
PAGE_NOT_PUBLISHED = gettext_lazy("The live page is not published yet.")
PAGE_OUTSIDE_SITES = gettext_lazy(
    "The live page is published but sits outside every site, so no reader can reach it: move it "
    "under a site's root page."
)
#: A click on an entry changed since the console showed it: nothing was done.
CHANGED_SINCE_SHOWN = gettext_lazy(
    "“%(entry)s” has changed since your console showed it, so nothing was done. It is shown "
    "below as it is now: check it, then click again."
)
#: "Yes, delete" for an entry changed since the confirmation showed it: nothing was deleted.
CHANGED_SINCE_CONFIRMATION = gettext_lazy(
    "“%(entry)s” has changed since it was shown to you for deletion, so it was not deleted. It "
    "is shown below as it is now: check it, and delete it again if it should go."
)
#: A click from a page whose forms did not say which version they showed (opened before an
#: update of the console): nothing was done.
PAGE_OUT_OF_DATE = gettext_lazy(
    "Your page was out of date, so nothing was done to “%(entry)s”. It is shown below as it is "
    "now: check it, then try again."
)
#: A click on an entry a colleague deleted since the console showed it.
ENTRY_DELETED = gettext_lazy("This entry has been deleted.")
#: An edit saved after a colleague deleted the entry: the text is offered as a new entry.
DELETED_MEANWHILE = gettext_lazy(
    "This entry was deleted while you were editing it. Your text is kept below: post it as a "
    "new entry, or go back to the console to leave it."
)


class EntryDeleted(Exception):
    """The entry in the URL is a tombstone: a colleague deleted it since the console showed it
    (a mistyped URL is a 404; this is an everyday race, answered with a message)."""

    def __init__(self, entry: LiveEntry) -> None:
        super().__init__(entry.pk)
        self.entry = entry


def console_url(feed: LiveFeedPage | int) -> str:
    return reverse("wagtail_newsfeed_console:console", args=[getattr(feed, "pk", feed)])


def shown_version(request: HttpRequest) -> int:
    """The entry version the clicked form showed (its ``expected_version``), which the write
    expects. A post without one gets ``entry_rules.UNKNOWN_VERSION``: refused as a conflict."""
    version = parse_count(request.POST.get("expected_version", ""))
    return entry_rules.UNKNOWN_VERSION if version is None else version


def repaired_body(request: HttpRequest, body: Any) -> Any:
    """The body an editor can open: blocks damaged in storage are left out of the form (the
    editor would fail to load them), and the editor is told which; saving drops them for good."""
    body, left_out = stored_bodies.repair_body(body)
    if left_out:
        messages.warning(
            request,
            _(
                "Parts of this entry could not be shown and were left out below; they stay "
                "stored until you save: %(parts)s"
            )
            % {"parts": "; ".join(left_out)},
        )
    return body


class FeedConsoleMixin(WagtailAdminTemplateMixin):
    """Loads the feed from the URL and refuses users who may not edit it."""

    header_icon = "list-ul"
    feed: LiveFeedPage
    can_publish: bool

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.feed = get_object_or_404(LiveFeedPage, pk=kwargs["feed_id"])
        if self.feed.alias_of_id is not None and request.method in ("GET", "HEAD"):
            # An alias's entries are its feed's: that is where they are written.
            return redirect(console_url(self.feed.alias_of))
        if self.feed.alias_of_id is not None:
            raise Http404
        if not entry_rules.can_edit_feed(request.user, self.feed):
            return permission_denied(request)
        self.can_publish = entry_rules.can_publish_feed(request.user, self.feed)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return permission_denied(request)
        except EntryDeleted as gone:
            return self.entry_deleted(gone.entry)

    def entry_deleted(self, entry: LiveEntry) -> HttpResponseBase:
        """The answer to a click on an entry deleted meanwhile: the console, which says so."""
        messages.error(self.request, ENTRY_DELETED)
        return redirect(console_url(self.feed))

    def entry_changed(
        self, entry: LiveEntry, expected: int, message: Any = CHANGED_SINCE_SHOWN
    ) -> HttpResponseBase:
        """The answer to a click on an entry changed since it was shown (or from a page that did
        not say which version it showed): nothing was done; the console shows it as it is now."""
        if expected == entry_rules.UNKNOWN_VERSION:
            message = PAGE_OUT_OF_DATE
        messages.error(self.request, str(message) % {"entry": entry})
        return redirect(f"{console_url(self.feed)}#console-entry-{entry.pk}")

    def get_page_subtitle(self) -> str:
        return self.feed.get_admin_display_title()

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.feed.pk]),
                "label": self.feed.get_admin_display_title(),
            },
            {"url": console_url(self.feed), "label": _("Live console")},
        ]

    def get_entry(self) -> LiveEntry:
        """The entry in the URL, of this feed; ``EntryDeleted`` if it was deleted."""
        entry = get_object_or_404(LiveEntry, feed=self.feed, pk=self.kwargs["entry_id"])
        if entry.deleted_at is not None:
            raise EntryDeleted(entry)
        return entry

    def make_form(self, data: Any = None, **kwargs: Any) -> ConsoleEntryForm:
        form = entry_panel().get_form_class()(data, for_user=self.request.user, **kwargs)
        if not self.can_publish:
            restrict_to_drafts(form)
        return form

    def form_context(self, form: ConsoleEntryForm) -> dict[str, Any]:
        """The bound panel and the media (block editor JS and CSS) a form needs."""
        panel = entry_panel().get_bound_panel(
            instance=form.instance, request=self.request, form=form
        )
        js_context = JSContext()
        edit_handler_data = js_context.pack(panel)
        return {
            "form": form,
            "panel": panel,
            "edit_handler_data": edit_handler_data,
            "media": Media() + form.media + panel.media + js_context.media,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            feed=self.feed,
            can_publish=self.can_publish,
            console_url=console_url(self.feed),
            coverage_locked=self.can_publish
            and coverage.coverage_lock_message(self.request.user, self.feed),
            coverage_choices=[
                (value, label, value == coverage.NEXT_STATUS.get(self.feed.coverage_status))
                for value, label in LiveFeedPage.Status.choices
                if value != self.feed.coverage_status
            ],
            # The site's UTC offset now, for the composer's "backdated to" label.
            site_utc_offset=int(localtime().utcoffset().total_seconds() // 60),
            **self.live_page(),
            # The console's own list refreshes at the readers' pace, but not more than every 2 s.
            refresh_ms=int(max(float(settings.POLL_INTERVAL), 2.0) * 1000),
            # Its text is saved or on this page: the browser drops its rescue copy.
            rescue_done=rescue.submission_id(self.request),
        )
        return context

    def live_page(self) -> dict[str, Any]:
        """The header's link to the reader page (``live_url``), or why there is none
        (``live_page_note``): a published page outside every site has no URL either."""
        if not self.feed.live:
            return {"live_url": None, "live_page_note": PAGE_NOT_PUBLISHED}
        url = self.feed.get_url(self.request)
        return {"live_url": url, "live_page_note": "" if url else PAGE_OUTSIDE_SITES}

    def restored(self, form: ConsoleEntryForm) -> ConsoleEntryForm:
        """A rescue copy sent back (the text of a post lost to an ended session or a CSRF
        failure), shown for the editor to post again; validated like any post, never saved."""
        form.is_valid()
        messages.info(self.request, rescue.RESTORED)
        return form


class ConsoleView(FeedConsoleMixin, View):
    """The latest entries and the composer; POST creates an entry (published or draft)."""

    template_name = "wagtail_newsfeed/admin/console/console.html"
    page_title = gettext_lazy("Live console")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("partial") == "entries":
            # The console polls every few seconds for colleagues' entries; the list is rendered
            # again only when the feed's version has moved since the one the console shows.
            version = delta.current_version(self.feed)
            if request.GET.get("version") == str(version):
                return HttpResponse(status=204)
            return TemplateResponse(
                request,
                "wagtail_newsfeed/admin/console/_entries.html",
                self.entries_context(version),
            )
        # One empty paragraph, focused on load: the editor types at once (see console.html).
        blank = LiveEntry(feed=self.feed, body=[("paragraph", RichText(""))])
        return self.render(self.make_form(instance=blank))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        publish = request.POST.get("action") == "publish"
        form = self.make_form(request.POST)
        submission = rescue.submission_id(request)
        posted = entry_rules.submitted_entry(self.feed, request.user, submission)
        if posted is not None:
            # Sent again (the answer to it was lost, or its rescue copy restored): the saved
            # page names the submission, so the browser drops its copy.
            messages.info(request, rescue.ALREADY_POSTED % {"entry": posted})
            return redirect(rescue.saved_url(request, console_url(self.feed)))
        if rescue.is_restore(request):
            return self.render(self.restored(form))
        if publish and not self.can_publish:
            # E.g. the editor's publishing right was withdrawn since the page loaded: refuse,
            # but keep the text, with the draft button this user has now.
            form.is_valid()
            messages.error(request, NO_PUBLISHING)
            return self.render(form, status=403)
        if not form.is_valid():
            messages.error(request, _("The entry could not be saved due to errors."))
            return self.render(form, status=200)
        status = LiveEntry.Status.PUBLISHED if publish else LiveEntry.Status.DRAFT
        try:
            entry = entry_rules.create_entry(
                self.feed, request.user, status=status, submission=submission, **form.entry_values()
            )
        except ValidationError as error:  # a rule of the write path, e.g. the display time
            form.add_error(None, error)
            messages.error(request, _("The entry could not be saved due to errors."))
            return self.render(form, status=200)
        except PermissionDenied as error:
            # E.g. permissions changed since the page loaded: refuse, but keep the text.
            messages.error(request, str(error))
            return self.render(form, status=403)
        except OperationalError:
            messages.error(request, DATABASE_BUSY)
            return self.render(form, status=503)
        if publish:
            messages.success(request, _("Entry “%(entry)s” published.") % {"entry": entry})
        else:
            messages.success(request, _("Entry “%(entry)s” saved as a draft.") % {"entry": entry})
        return redirect(rescue.saved_url(request, console_url(self.feed)))

    def entries_context(self, version: int | None = None) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "can_publish": self.can_publish,
            "console_version": delta.current_version(self.feed) if version is None else version,
            "entries": list(
                LiveEntry.objects.filter(feed=self.feed)
                .not_deleted()
                .select_related("created_by")
                .prefetch_related(*byline_prefetches())
                .order_by("-display_time", "-pk")[:CONSOLE_ENTRIES]
            ),
        }

    def render(self, form: ConsoleEntryForm, status: int = 200) -> HttpResponse:
        context = self.get_context_data(**self.entries_context(), **self.form_context(form))
        return self.render_to_response(context, status=status)


class EditEntryView(FeedConsoleMixin, View):
    """Edit one entry; ``expected_version`` stops an editor silently overwriting a newer edit."""

    template_name = "wagtail_newsfeed/admin/console/edit.html"
    page_title = gettext_lazy("Edit entry")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        entry = self.get_entry()
        self.check_may_open(entry)
        entry.body = repaired_body(request, entry.body)  # the form's copy; nothing is saved
        form = self.make_form(instance=entry, initial={"expected_version": entry.version})
        return self.render(entry, form)

    def may_open(self, entry: LiveEntry) -> bool:
        """Who may open the edit page (and have a rescued copy of it shown again)."""
        return self.can_publish or entry_rules.can_change_entry(self.request.user, self.feed, entry)

    def check_may_open(self, entry: LiveEntry) -> None:
        if not self.may_open(entry):
            raise PermissionDenied

    def entry_deleted(self, entry: LiveEntry) -> HttpResponseBase:
        # A save keeps the editor's text (a new entry to post); opening it is a message.
        if self.request.method == "POST":
            return self.render_deleted(entry)
        return super().entry_deleted(entry)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        entry = self.get_entry()
        # Validate against a copy so a failed save leaves ``entry`` as it is in the database.
        form = self.make_form(request.POST, instance=self.get_entry())
        if not self.may_open(entry):
            # The write is refused below (on the locked row), and the form shown again with the
            # text. The entry's images, documents and links are not theirs to keep: shown
            # again, the form leaves out those they sent and may not choose.
            form.instance.kept_references = ()
        if rescue.is_restore(request):
            self.check_may_open(entry)
            return self.render(entry, self.restored(form))
        if not form.is_valid():
            messages.error(request, _("The entry could not be saved due to errors."))
            for error in form.errors.get("expected_version", ()):  # a hidden field: no place
                messages.error(request, error)
            return self.render(entry, form)
        try:
            entry_rules.update_entry(
                entry,
                request.user,
                expected_version=form.cleaned_data["expected_version"],
                **form.entry_values(),
            )
        except entry_rules.EntryConflict:
            return self.render_conflict(entry, form)
        except ValidationError as error:  # a rule of the write path, e.g. the display time
            form.add_error(None, error)
            messages.error(request, _("The entry could not be saved due to errors."))
            return self.render(entry, form)
        except LiveEntry.DoesNotExist:
            return self.render_deleted(entry)
        except PermissionDenied as error:
            # E.g. an editor published this draft meanwhile: refuse, but keep the text.
            messages.error(request, str(error))
            return self.render(entry, form, status=403)
        except OperationalError:
            messages.error(request, DATABASE_BUSY)
            return self.render(entry, form, status=503)
        messages.success(request, _("Entry “%(entry)s” updated.") % {"entry": entry})
        return redirect(
            rescue.saved_url(request, console_url(self.feed), f"#console-entry-{entry.pk}")
        )

    def render_conflict(self, entry: LiveEntry, form: ConsoleEntryForm) -> HttpResponse:
        """Keep the editor's text, show what changed, and let a second save overwrite it."""
        entry.refresh_from_db()
        data = form.data.copy()
        data["expected_version"] = str(entry.version)
        kept = self.make_form(data, instance=self.get_entry())
        kept.is_valid()
        messages.error(
            self.request,
            _(
                "Someone else changed this entry while you were editing it. Your text is kept "
                "below and their version is shown beside it; save again to replace theirs with "
                "yours, or go back to the console to keep theirs."
            ),
        )
        return self.render(entry, kept, conflict=True, status=409)

    def render_deleted(self, entry: LiveEntry) -> HttpResponse:
        """A colleague deleted the entry: the editor's text comes back as the console's
        composer (a new entry), never lost with the entry it was meant for. Nothing is saved."""
        data = self.request.POST.copy()
        data.pop("expected_version", None)
        form = self.make_form(data)
        form.is_valid()
        messages.error(self.request, DELETED_MEANWHILE)
        context = self.get_context_data(entry=entry, deleted=True, **self.form_context(form))
        return self.render_to_response(context, status=409)

    def render(
        self, entry: LiveEntry, form: ConsoleEntryForm, *, conflict: bool = False, status: int = 200
    ) -> HttpResponse:
        context = self.get_context_data(entry=entry, conflict=conflict, **self.form_context(form))
        return self.render_to_response(context, status=status)


class EntryActionView(FeedConsoleMixin, View):
    """One-click changes (POST only): pin, unpin, key event on/off, publish, unpublish. Each
    form sends the entry's version it showed: an entry changed since is left as it is."""

    http_method_names = ["post"]
    actions = {
        "pin": (
            entry_rules.set_pinned,
            {"pinned": True},
            gettext_lazy("Entry “%(entry)s” pinned."),
        ),
        "unpin": (
            entry_rules.set_pinned,
            {"pinned": False},
            gettext_lazy("Entry “%(entry)s” unpinned."),
        ),
        "key-event": (
            entry_rules.set_key_event,
            {"key_event": True},
            gettext_lazy("Entry “%(entry)s” marked as a key event."),
        ),
        "not-key-event": (
            entry_rules.set_key_event,
            {"key_event": False},
            gettext_lazy("Entry “%(entry)s” is no longer a key event."),
        ),
        "publish": (entry_rules.publish_entry, {}, gettext_lazy("Entry “%(entry)s” published.")),
        "unpublish": (
            entry_rules.unpublish_entry,
            {},
            gettext_lazy("Entry “%(entry)s” unpublished (now a draft)."),
        ),
    }
    #: What a click says when the entry already was so (a colleague's click came first, or a
    #: page open for a while): nothing changed, and no history line was written.
    unchanged = {
        "pin": gettext_lazy("Entry “%(entry)s” is pinned already: nothing changed."),
        "unpin": gettext_lazy("Entry “%(entry)s” is not pinned: nothing changed."),
        "key-event": gettext_lazy("Entry “%(entry)s” is a key event already: nothing changed."),
        "not-key-event": gettext_lazy("Entry “%(entry)s” is not a key event: nothing changed."),
        "publish": gettext_lazy("Entry “%(entry)s” is published already: nothing changed."),
        "unpublish": gettext_lazy("Entry “%(entry)s” is a draft already: nothing changed."),
    }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        function, options, message = self.actions[kwargs["action"]]
        entry = self.get_entry()
        version, expected = entry.version, shown_version(request)
        try:
            # Decided on the locked row: the click acts on the entry as the editor saw it.
            function(entry, request.user, expected_version=expected, **options)
        except LiveEntry.DoesNotExist:  # deleted since ``get_entry``
            return self.entry_deleted(entry)
        except entry_rules.EntryConflict:
            return self.entry_changed(entry, expected)
        except OperationalError:
            messages.error(request, DATABASE_BUSY_ACTION)
            return redirect(f"{console_url(self.feed)}#console-entry-{entry.pk}")
        if entry.version == version:  # the write path changed nothing
            messages.info(request, str(self.unchanged[kwargs["action"]]) % {"entry": entry})
        else:
            messages.success(request, str(message) % {"entry": entry})
        return redirect(f"{console_url(self.feed)}#console-entry-{entry.pk}")


class DeleteEntryView(FeedConsoleMixin, View):
    """Asks for confirmation (GET), then deletes (POST) the entry as the confirmation showed it
    (its version); readers' pages drop the entry."""

    template_name = "wagtail_newsfeed/admin/console/confirm_delete.html"
    page_title = gettext_lazy("Delete entry")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        entry = self.get_entry()
        if not self.can_publish and not entry_rules.can_change_entry(
            request.user, self.feed, entry
        ):
            raise PermissionDenied
        return self.render_to_response(self.get_context_data(entry=entry))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        entry = self.get_entry()
        expected = shown_version(request)
        try:
            entry_rules.delete_entry(entry, request.user, expected_version=expected)
        except entry_rules.EntryConflict:
            return self.entry_changed(entry, expected, CHANGED_SINCE_CONFIRMATION)
        except OperationalError:
            messages.error(request, DATABASE_BUSY_ACTION)
            return redirect(f"{console_url(self.feed)}#console-entry-{entry.pk}")
        messages.success(request, _("Entry “%(entry)s” deleted.") % {"entry": entry})
        return redirect(console_url(self.feed))


class CoverageView(FeedConsoleMixin, View):
    """One click from the console header: the feed's coverage is now upcoming, live or ended.

    ``coverage.set_coverage_status`` publishes the change without publishing draft edits."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        status = request.POST.get("status", "")
        try:
            coverage.set_coverage_status(
                self.feed, request.user, status, expected=request.POST.get("expected") or None
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(console_url(self.feed))
        except coverage.FeedLocked as locked:
            messages.error(request, str(locked))
            return redirect(console_url(self.feed))
        label = self.feed.get_coverage_status_display()
        messages.success(request, _("Coverage is now “%(status)s”.") % {"status": label})
        return redirect(console_url(self.feed))
