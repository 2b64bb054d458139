"""Template helpers for the newsroom's reader pages.

Templates never decide visibility themselves: ``newsfeed_visible`` asks ``visibility.py``. Entry
permalinks are built from the feed page already in the context so a list of entries does not look
up its feed once per entry.
"""

from __future__ import annotations

from typing import Any

from django import template
from wagtail.models import Page

from ..models import LiveEntry
from ..visibility import is_page_visible

register = template.Library()


@register.filter
def newsfeed_visible(page: Page | None) -> bool:
    """True if readers may see ``page`` (live, public, not expired)."""
    return bool(page) and is_page_visible(page)


@register.simple_tag(takes_context=True)
def entry_permalink(context: dict[str, Any], entry: LiveEntry) -> str:
    """The URL of one entry: its feed page's URL with the ``#entry-<id>`` anchor."""
    page = context.get("page")
    request = context.get("request")
    if page is None or page.pk != entry.feed_id:
        page = entry.feed
    return f"{page.get_url(request=request) or ''}#{entry.anchor}"
