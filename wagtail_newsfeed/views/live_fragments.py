"""Server-rendered HTML of changed live entries, for the reader page's ``live.js``.

``live.js`` polls the API's delta endpoint (cheap, cacheable JSON). Only when that reports changed
entries does it ask this view for their HTML, rendered with the very templates the page itself
uses, so an entry that arrives by auto-update looks exactly like one that was there on load.
Readers see only what ``visibility`` allows, of a feed the Site of the request serves.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import body_references, entry_rules, jsonld, serialization
from ..conf import settings
from ..converters import parse_id
from ..models import LiveFeedPage
from ..models.live import byline_prefetches
from ..problems import problem_response
from ..sites import in_request_site
from ..visibility import is_page_visible, visible_entries

#: The most entries one request may ask for (a delta page is at most this long by default).
MAX_IDS = 100
ENTRY_TEMPLATE = "wagtail_newsfeed/includes/live_entry.html"
KEY_EVENTS_TEMPLATE = "wagtail_newsfeed/includes/live_key_events.html"


def parse_ids(raw: str | None) -> list[int] | None:
    """``"3,5,8"`` as ``[3, 5, 8]``; ``None`` if malformed or too long (``converters.parse_id``
    keeps every id within what the database column holds)."""
    if not raw:
        return []
    ids = [parse_id(part) for part in raw.split(",")]
    if len(ids) > MAX_IDS or None in ids:
        return None
    return ids


def render_entries(
    entries: list[Any], context: dict[str, Any], request: HttpRequest
) -> dict[str, str]:
    """Each entry's HTML by id; what their bodies refer to is read once for all of them."""
    with body_references.scope([entry.body for entry in entries]):
        return {
            str(entry.pk): render_to_string(
                ENTRY_TEMPLATE,
                {**context, "entry": entry, "pinned": entry.is_pinned},
                request=request,
            )
            for entry in entries
        }


@require_safe
def live_fragments(request: HttpRequest, feed_id: int) -> JsonResponse:
    """``?ids=1,2``: those entries' HTML (visible ones only), the key events list, the status
    and the coverage times."""
    feeds = LiveFeedPage.objects.filter(alias_of__isnull=True)  # an alias has no entries
    # Another Site's feed is not found on this Site's hostname, as its page and feeds are not.
    feed: LiveFeedPage | None = in_request_site(feeds.filter(pk=feed_id), request).first()
    if feed is None or not is_page_visible(feed, request):
        return problem_response(404, _("Not found."), code="not_found")
    ids = parse_ids(request.GET.get("ids"))
    if ids is None:
        detail = _("Give up to %(n)d entry ids separated by commas, e.g. ids=3,5.") % {"n": MAX_IDS}
        return problem_response(400, detail, code="invalid", errors={"ids": [detail]})
    entries = visible_entries(feed, request)
    changed = list(entries.filter(pk__in=ids).prefetch_related(*byline_prefetches())) if ids else []
    key_events = entry_rules.latest_key_events(entries)
    context = {"page": feed, "self": feed}
    response = JsonResponse(
        {
            "status": feed.coverage_status,
            # As the feed API gives them: live.js rewrites the header's times when the status
            # changes.
            "coverage_start": serialization.iso_datetime(jsonld.coverage_start(feed)),
            "coverage_end": serialization.iso_datetime(jsonld.coverage_end(feed)),
            "entries": render_entries(changed, context, request),
            "key_events": render_to_string(
                KEY_EVENTS_TEMPLATE, {**context, "key_events": key_events}, request=request
            ).strip(),
        }
    )
    patch_cache_control(response, public=True, max_age=settings.API_LIVE_CACHE_MAX_AGE)
    return response
