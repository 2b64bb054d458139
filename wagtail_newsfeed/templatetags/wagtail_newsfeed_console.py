"""``{% newsfeed_post_limit %}``: what the live console's script must know of the server.

A form post larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused before any view
runs (a 400 page): the console's script (``admin/console/_composer_js.html``) keeps such a text
on the page instead of sending it, and restores a rescued copy of that size into the form rather
than posting it again.
"""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def newsfeed_post_limit() -> int | None:
    """The largest form post, in bytes, the server reads; ``None`` when it sets no limit."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
