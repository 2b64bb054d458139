"""The "Live console" buttons on a live feed's edit view header and in the page listing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from .. import entry_rules
from ..models import LiveFeedPage


class LiveConsoleButton(PageMenuItem):
    label = _("Live console")
    icon_name = "list-ul"

    @cached_property
    def url(self) -> str:
        from .console import console_url

        return console_url(self.page)

    def is_shown(self, user: Any) -> bool:
        page = self.page.specific_deferred if isinstance(self.page, Page) else self.page
        return isinstance(page, LiveFeedPage) and entry_rules.can_edit_feed(user, page)


def live_console_buttons(page: Page, user: Any, **kwargs: Any) -> Iterator[PageMenuItem]:
    """For ``register_page_header_buttons`` and ``register_page_listing_more_buttons``."""
    if issubclass(page.specific_class or Page, LiveFeedPage):
        yield LiveConsoleButton(page=page, priority=5)
