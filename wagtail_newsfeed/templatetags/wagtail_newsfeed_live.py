"""``{% live_feed_script page %}``: the live page's auto-update script, configured from settings.

The script needs two URLs the site may or may not mount: the API's delta endpoint
(``wagtail_newsfeed.api.urls``) and the entry fragments (``wagtail_newsfeed.urls``). Where either
is missing, or coverage has ended, nothing is emitted and the page stays a plain static page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext

from ..conf import settings
from ..models import LiveFeedPage

register = template.Library()


def live_update_urls(feed: LiveFeedPage) -> dict[str, str] | None:
    """The URLs ``live.js`` polls for this feed, or ``None`` if the site has not mounted them."""
    try:
        return {
            "delta": reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk]),
            "feed": reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk]),
            "fragments": reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]),
        }
    except NoReverseMatch:
        return None


def live_script_strings() -> dict[str, Any]:
    """The text ``live.js`` writes into the page, in the reader's language: the script itself
    holds no English. ``{count}`` is replaced by the number of new updates."""
    return {
        # With a context of their own: Wagtail's catalogue translates a bare "Live" as a page
        # status ("Veröffentlicht"), and whichever app comes first in INSTALLED_APPS wins.
        "status": {
            LiveFeedPage.Status.UPCOMING: pgettext("coverage status", "Upcoming"),
            LiveFeedPage.Status.LIVE: pgettext("coverage status", "Live"),
            LiveFeedPage.Status.ENDED: pgettext("coverage status", "Ended"),
        },
        "pinned": pgettext("live entry", "Pinned"),
        "newUpdate": gettext("1 new update"),
        "newUpdates": gettext("{count} new updates"),
    }


@register.simple_tag(takes_context=True)
def live_feed_script(context: dict[str, Any], feed: LiveFeedPage) -> str:
    """The strings ``live.js`` shows (a JSON script element) and the script tag itself: an ES
    module (deferred by nature), configured by the tag's data attributes."""
    urls = live_update_urls(feed)
    if urls is None or feed.coverage_status == LiveFeedPage.Status.ENDED:
        return ""
    strings = json_script(live_script_strings(), "newsfeed-live-strings")
    return (
        strings
        + SafeString("\n")
        + format_html(
            '<script type="module" src="{}" data-newsfeed-live-script data-delta-url="{}" '
            'data-feed-url="{}" data-fragments-url="{}" data-poll-interval="{}" '
            'data-poll-max-interval="{}"></script>',
            static("wagtail_newsfeed/live.js"),
            urls["delta"],
            urls["feed"],
            urls["fragments"],
            float(settings.POLL_INTERVAL),
            float(settings.POLL_MAX_INTERVAL),
        )
    )
