"""Admin edit-view panels, and the tab that puts them on the live feed's editor."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, Panel


class LiveEntriesPanel(Panel):
    """Shows a live feed's latest entries on its edit view, with a one-click way to add one."""

    LIMIT = 10

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_newsfeed/admin/panels/live_entries.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from . import entry_rules
            from .modeladmin import entry_admin_urls, entry_edit_url, entry_label
            from .models import LiveEntry

            context = super().get_context_data(parent_context)
            feed = self.instance
            context["feed"] = feed
            # The console's rule: Wagtail also lets workflow reviewers into the page editor, and
            # the feed's entries (its drafts among them) are not part of the page they review.
            context["may_see_entries"] = bool(feed.pk) and entry_rules.can_edit_feed(
                self.request.user, feed
            )
            if context["may_see_entries"]:
                context["entries"] = list(
                    LiveEntry.objects.filter(feed=feed)
                    .not_deleted()
                    .order_by("-display_time", "-pk")[: LiveEntriesPanel.LIMIT]
                )
                context["rows"] = [
                    {"entry": e, "label": entry_label(e), "edit_url": entry_edit_url(e)}
                    for e in context["entries"]
                ]
                context.update(entry_admin_urls(feed))
                context["console_url"] = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
            context["help"] = _("Save the feed once before adding entries.")
            return context


def add_live_entries_tab(page_class: type) -> None:
    """Put an "Entries" tab with ``LiveEntriesPanel`` second on ``page_class``'s editor.

    The admin attaches it from ``AppConfig.ready()`` so that the models import nothing from the
    admin. Wagtail reads and binds ``edit_handler`` on first use (views and system checks, after
    every ``ready()``) and caches it; a cache already filled is cleared. Subclasses that keep the
    inherited ``edit_handler`` get the tab. Calling it again changes nothing.
    """
    handler = page_class.edit_handler
    tabs = list(handler.children)
    if any(isinstance(panel, LiveEntriesPanel) for tab in tabs for panel in tab.children):
        return
    entries_tab = ObjectList([LiveEntriesPanel(heading=_("Latest entries"))], heading=_("Entries"))
    kwargs = handler.clone_kwargs()
    kwargs["children"] = [*tabs[:1], entries_tab, *tabs[1:]]
    page_class.edit_handler = type(handler)(**kwargs)
    # ``Page.get_edit_handler`` is installed by wagtail.admin: absent before its ``ready()``.
    cached = getattr(page_class, "get_edit_handler", None)
    if cached is not None:
        cached.cache_clear()
