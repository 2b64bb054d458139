"""Admin edit-view panels."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class LiveEntriesPanel(Panel):
    """Shows a live feed's latest entries on its edit view, with a one-click way to add one."""

    LIMIT = 10

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_newsfeed/admin/panels/live_entries.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from .modeladmin import entry_admin_urls, entry_edit_url, entry_label
            from .models import LiveEntry

            context = super().get_context_data(parent_context)
            feed = self.instance
            context["feed"] = feed
            if feed.pk:
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
