"""The Newsroom's cross-feed entries list, beyond listing: bulk unpublish and delete, and the
old create, edit and delete URLs of that menu sent on to the live console.

Entries have one editor, the feed's live console; the list only selects. The selected entries are
changed through ``wagtail_newsfeed.entry_rules.change_entries`` (one transaction per feed), which
decides permission on each entry's locked row, so a row the editor may not change is refused and
reported by name while the others go through.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import entry_rules
from ..converters import parse_count, parse_id
from ..models import LiveEntry
from ..xml import xml_safe
from .console import console_url

#: The id of the list's bulk form; each row's checkbox joins it with ``form="..."``.
BULK_FORM_ID = "newsfeed-entries-bulk"
#: At most this many entries per bulk action (two pages of the list).
MAX_BULK = 100


class _ModelAdminRedirect(View):
    """Old URLs of the Newsroom entry forms: GET leads to the console, anything else is 405."""

    model_admin: Any = None
    instance_pk: Any = None
    http_method_names = ["get", "head"]

    def get_entry(self, request: HttpRequest) -> LiveEntry:
        pk = parse_id(str(self.instance_pk))
        entry = self.model_admin.get_queryset(request).filter(pk=pk).first() if pk else None
        if entry is None:
            raise Http404
        return entry


class ConsoleCreateRedirect(_ModelAdminRedirect):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        feed_id = parse_id(request.GET.get("feed", ""))
        feeds = entry_rules.editable_feeds(request.user)
        feed = feeds.filter(pk=feed_id).first() if feed_id else None
        if feed is None:
            messages.info(request, _("Entries are written in a live feed's console: open a feed."))
            return redirect(self.model_admin.url_helper.index_url)
        return redirect(console_url(feed))


class ConsoleEditRedirect(_ModelAdminRedirect):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        entry = self.get_entry(request)
        return redirect("wagtail_newsfeed_console:edit", entry.feed_id, entry.pk)


class ConsoleDeleteRedirect(_ModelAdminRedirect):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        entry = self.get_entry(request)
        return redirect("wagtail_newsfeed_console:delete", entry.feed_id, entry.pk)


class BulkEntryActionView(WagtailAdminTemplateMixin, View):
    """POST from the list: unpublish the selected entries, or delete them after a confirmation."""

    model_admin: Any = None
    http_method_names = ["post"]
    template_name = "wagtail_newsfeed/admin/entries/confirm_bulk_delete.html"
    page_title = gettext_lazy("Delete entries")
    header_icon = "time"
    actions = entry_rules.BULK_ACTIONS

    def next_url(self, request: HttpRequest) -> str:
        """Where the list sent the user from (``next``), if it is an address of this site; the
        list otherwise. The redirect and the confirmation's "No" link both go there."""
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = self.model_admin.url_helper.index_url
        return target

    def back(self, request: HttpRequest) -> HttpResponseBase:
        return redirect(self.next_url(request))

    def shown_versions(self, request: HttpRequest) -> dict[int, int]:
        """Entry id -> the version the confirmation page showed (its ``seen`` values,
        ``id:version``); an entry without a readable one is not deleted."""
        versions = {}
        for value in request.POST.getlist("seen"):
            pk, _sep, version = value.partition(":")
            pk_number, version_number = parse_id(pk), parse_count(version)
            if pk_number is not None and version_number is not None:
                versions[pk_number] = version_number
        return versions

    def selected(self, request: HttpRequest) -> list[LiveEntry]:
        """The selected entries this user may see; ``ValidationError`` naming what is wrong with
        the selection (too many, or a value that is no entry id)."""
        values = request.POST.getlist("id")
        if len(values) > MAX_BULK:
            raise ValidationError(
                _("Select at most %(n)d entries, by their checkboxes.") % {"n": MAX_BULK}
            )
        ids = [parse_id(value) for value in values]
        if None in ids:
            raise ValidationError(
                _("“%(value)s” is not an entry id: select entries by their checkboxes.")
                % {"value": xml_safe(values[ids.index(None)])[:30]}
            )
        return list(
            self.model_admin.get_queryset(request)
            .filter(pk__in=set(ids))
            .select_related("feed")
            .order_by("-display_time", "-pk")
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        action = request.POST.get("action")
        if action not in self.actions:
            messages.error(request, _("Choose unpublish or delete."))
            return self.back(request)
        try:
            entries = self.selected(request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back(request)
        if not entries:
            messages.warning(request, _("Select the entries first."))
            return self.back(request)
        if action == "delete" and request.POST.get("confirm") != "yes":
            context = self.get_context_data(
                entries=entries, bulk_url=request.path, next_url=self.next_url(request)
            )
            return self.render_to_response(context)
        return self.apply(request, action, entries)

    def apply(
        self, request: HttpRequest, action: str, entries: list[LiveEntry]
    ) -> HttpResponseBase:
        # A deletion deletes the entries as the confirmation showed them (unpublishing, which
        # asks nothing and loses nothing, takes them as they are).
        expected = self.shown_versions(request) if action == "delete" else None
        try:
            changed, refused, conflicts = entry_rules.change_entries(
                entries, request.user, action, expected_versions=expected
            )
        except OperationalError:  # the feeds changed before stay changed
            messages.error(request, _("The database is busy; try the rest again in a moment."))
            return self.back(request)
        except PermissionDenied as error:  # the user's rights were withdrawn meanwhile
            messages.error(request, str(error))
            return self.back(request)
        done = len(changed)
        if done:
            if action == "delete":
                text = ngettext("%(n)d entry deleted.", "%(n)d entries deleted.", done)
            else:
                text = ngettext("%(n)d entry unpublished.", "%(n)d entries unpublished.", done)
            messages.success(request, text % {"n": done})
        elif not refused and not conflicts:
            if action == "delete":
                nothing = _("Nothing to change: the selected entries are deleted already.")
            else:
                nothing = _("Nothing to change: the selected entries are drafts already.")
            messages.info(request, nothing)
        if refused:
            messages.error(
                request,
                _("You may not change these entries: %(entries)s")
                % {"entries": "; ".join(str(entry) for entry in refused)},
            )
        if conflicts:
            messages.error(
                request,
                _(
                    "These entries changed since you were asked to confirm, so they were not "
                    "deleted: %(entries)s. Check them, and delete them again if they should go."
                )
                % {"entries": "; ".join(str(entry) for entry in conflicts)},
            )
        return self.back(request)
