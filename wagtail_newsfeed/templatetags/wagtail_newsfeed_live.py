"""``{% live_feed_script page %}``: the live page's auto-update script, configured from settings.

The script needs two URLs the site may or may not mount: the API's delta endpoint
(``wagtail_newsfeed.api.urls``) and the entry fragments (``wagtail_newsfeed.urls``). Where either
is missing, or coverage has ended, nothing is emitted and the page stays a plain static page.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext

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


#: The counts the table covers; live.js reads the form of a larger ``n`` at ``100 + n % 100``.
PLURAL_TABLE_SIZE = 200


@lru_cache(maxsize=32)
def plural_forms(language: str | None) -> tuple[tuple[str, ...], str]:
    """The "N new updates" text in every form ``language``'s catalogue has: the distinct
    ``forms`` and a ``table`` of digits, the form of each count from 0 to 199.

    The catalogue's own ``Plural-Forms`` formula chooses, through ``ngettext``, so a language
    with three or six forms (Polish, Arabic) is as right as English, with no second request and
    no formula evaluated in the browser (a page's Content-Security-Policy may forbid ``eval``).
    live.js reads the form of a count ``n`` of 200 or more at ``100 + n % 100``: gettext formulas
    look only at ``n``, ``n % 10`` and ``n % 100`` and compare ``n`` itself with numbers under
    100, so ``n`` and ``100 + n % 100`` always agree. (Breton's ``n % 1000000`` millions are the
    one exception, and no feed gets a million updates between two looks.)

    Once per language and process, as Django reads its catalogues: the tag runs on every page."""
    with translation.override(language):
        texts = [
            ngettext("{count} new update", "{count} new updates", n)
            for n in range(PLURAL_TABLE_SIZE)
        ]
    forms = tuple(dict.fromkeys(texts))  # gettext languages have at most 6 forms: one digit each
    return forms, "".join(str(forms.index(text)) for text in texts)


def live_script_strings() -> dict[str, Any]:
    """The text ``live.js`` writes into the page, in the reader's language: the script itself
    holds no English. ``{count}`` is replaced by the number of new updates."""
    forms, table = plural_forms(translation.get_language())
    return {
        # With a context of their own: Wagtail's catalogue translates a bare "Live" as a page
        # status ("Veröffentlicht"), and whichever app comes first in INSTALLED_APPS wins.
        "status": {
            LiveFeedPage.Status.UPCOMING: pgettext("coverage status", "Upcoming"),
            LiveFeedPage.Status.LIVE: pgettext("coverage status", "Live"),
            LiveFeedPage.Status.ENDED: pgettext("coverage status", "Ended"),
        },
        "pinned": pgettext("live entry", "Pinned"),
        "newUpdates": {"forms": list(forms), "table": table},
        # The header's line of times, rewritten when the status changes (as the template
        # words it), and what the live region says then; {status} is the status's word.
        "coverage": {
            "starts": pgettext("live coverage", "Starts"),
            "started": pgettext("live coverage", "Started"),
            "ended": pgettext("live coverage", "Ended"),
        },
        "statusChanged": gettext("Coverage status: {status}"),
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
            '<script type="module" src="{}" data-newsfeed-live-script data-feed-id="{}" '
            'data-delta-url="{}" data-feed-url="{}" data-fragments-url="{}" '
            'data-poll-interval="{}" data-poll-max-interval="{}"></script>',
            static("wagtail_newsfeed/live.js"),
            feed.pk,
            urls["delta"],
            urls["feed"],
            urls["fragments"],
            float(settings.POLL_INTERVAL),
            float(settings.POLL_MAX_INTERVAL),
        )
    )
