"""How live entry changes read in a feed page's history (Wagtail log actions).

``wagtail_newsfeed.entry_rules`` logs every entry change against the feed page with
``data={"entry": {"id", "headline", "label"}}`` (``label``: the entry's name when it was logged,
see ``names``); ``wagtail_hooks`` registers these actions.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter


class EntryLogFormatter(LogFormatter):
    """Describes an entry change in the feed page's history, naming the entry."""

    template = ""

    def format_message(self, log_entry: Any) -> str:
        entry = (log_entry.data or {}).get("entry") or {}
        # Entries logged before names existed carry no label.
        name = (
            entry.get("label")
            or entry.get("headline")
            or _("entry %(id)s") % {"id": entry.get("id", "?")}
        )
        return self.template % {"entry": name}


def _entry_formatter(label: str, template: str) -> type[EntryLogFormatter]:
    return type("EntryLogFormatter", (EntryLogFormatter,), {"label": label, "template": template})


#: (action, formatter) pairs registered by ``wagtail_hooks.register_log_actions``.
ENTRY_LOG_ACTIONS = [
    (
        "wagtail_newsfeed.entry.publish",
        _entry_formatter(
            gettext_lazy("Publish live entry"), gettext_lazy("Published entry '%(entry)s'")
        ),
    ),
    (
        "wagtail_newsfeed.entry.create_draft",
        _entry_formatter(
            gettext_lazy("Draft live entry"), gettext_lazy("Saved draft entry '%(entry)s'")
        ),
    ),
    (
        "wagtail_newsfeed.entry.edit",
        _entry_formatter(gettext_lazy("Edit live entry"), gettext_lazy("Edited entry '%(entry)s'")),
    ),
    (
        "wagtail_newsfeed.entry.unpublish",
        _entry_formatter(
            gettext_lazy("Unpublish live entry"), gettext_lazy("Unpublished entry '%(entry)s'")
        ),
    ),
    (
        "wagtail_newsfeed.entry.delete",
        _entry_formatter(
            gettext_lazy("Delete live entry"), gettext_lazy("Deleted entry '%(entry)s'")
        ),
    ),
]

#: Changing a feed's coverage status from the live console (``coverage.set_coverage_status``).
COVERAGE_ACTION = "wagtail_newsfeed.feed.coverage_status"


class CoverageLogFormatter(LogFormatter):
    label = gettext_lazy("Change coverage status")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        return _("Changed coverage status from '%(old)s' to '%(new)s'") % {
            "old": data.get("old_label", data.get("old", "?")),
            "new": data.get("new_label", data.get("new", "?")),
        }


LOG_ACTIONS = [*ENTRY_LOG_ACTIONS, (COVERAGE_ACTION, CoverageLogFormatter)]
