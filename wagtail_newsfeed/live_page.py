"""What a live feed's reader page shows, read from the database only if it must be rendered.

The page's entries, key events and JSON-LD are rendered pieces kept in Django's cache
(``fragments``) under the feed's version, which every entry change moves on (``entry_rules``): while
nothing changed, a page costs the version lookup (a cache read where the cache is shared) and its
visibility, however many readers ask and however long the feed. Only when a piece is rendered afresh
are its entries fetched, with the same number of queries for a feed of 100 entries as for 10,000.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import cached_property

from .conf import settings
from .converters import parse_id
from .delta import cached_feed_version, current_version, encode_cursor, remember_feed_version
from .entry_rules import entries_following, latest_key_events, paging_anchor
from .models import LiveEntry, LiveFeedPage
from .models.live import byline_prefetches


class LiveFeedPageState:
    """One request's view of a live feed page: its version now, and its entries on demand."""

    def __init__(
        self,
        feed: LiveFeedPage,
        request: HttpRequest | None,
        following_id: str | None = None,
        entry_id: str | None = None,
    ) -> None:
        self.feed = feed
        self.request = request
        self.following_id = following_id
        # ``?before=`` (the pagination's own links) wins over a permalink's ``?entry=``.
        self.entry_id = None if following_id else entry_id
        self.version = self._current_version()

    def _current_version(self) -> int:
        """The feed's version: from the shared cache the delta API keeps (every entry change
        forgets it), else from the database, remembered there for the polls that follow."""
        from .visibility import is_page_visible

        reader = self.request is not None and not getattr(self.request, "is_preview", False)
        known = cached_feed_version(self.feed.pk) if reader else None
        if known is not None:
            return known
        version = current_version(self.feed)
        if reader and is_page_visible(self.feed, self.request):
            remember_feed_version(self.feed.pk, version)
        return version

    @cached_property
    def cursor(self) -> str:
        return encode_cursor(self.feed, self.version)

    @cached_property
    def entries(self) -> Any:
        from .visibility import visible_entries

        return visible_entries(self.feed, self.request).prefetch_related(*byline_prefetches())

    @cached_property
    def following(self) -> LiveEntry | None:
        """The entry a ``?before=<id>`` page follows (None for the first page or a bad id),
        even one deleted or unpublished since the link was made (``paging_anchor``)."""
        entry_id = parse_id(self.following_id)
        if entry_id is None:
            return None
        return paging_anchor(self.feed, entry_id)

    @cached_property
    def wanted(self) -> LiveEntry | None:
        """The entry a permalink (``?entry=<id>``) asks for: None when none is asked for or the
        id is not one of this feed's visible entries (the page is then the first page)."""
        entry_id = parse_id(self.entry_id)
        if entry_id is None:
            return None
        # Its bylines are not shown from this row: no prefetch.
        return self.entries.prefetch_related(None).filter(pk=entry_id).first()

    @cached_property
    def starts_at(self) -> LiveEntry | None:
        """The entry a permalink's page starts with: None when the first page shows it (pinned,
        or among the newest, or oldest, ``ENTRIES_PER_PAGE``), which is then the page."""
        wanted = self.wanted
        if wanted is None or wanted.is_pinned:
            return None
        first, _ = self._first_page
        return None if any(entry.pk == wanted.pk for entry in first) else wanted

    @property
    def paginated(self) -> bool:
        """Whether this is a page after the first: no pinned entry, no new entries arriving."""
        return self.following is not None or self.starts_at is not None

    @cached_property
    def _pinned(self) -> LiveEntry | None:
        return self.entries.filter(is_pinned=True).first()

    @cached_property
    def pinned(self) -> LiveEntry | None:
        return None if self.paginated else self._pinned

    @cached_property
    def _first_page(self) -> tuple[list[LiveEntry], bool]:
        shown = self.entries.exclude(pk=self._pinned.pk) if self._pinned else self.entries
        return entries_following(shown, self.feed, None, settings.ENTRIES_PER_PAGE)

    @cached_property
    def _page(self) -> tuple[list[LiveEntry], bool]:
        limit = settings.ENTRIES_PER_PAGE
        if self.following is not None:
            return entries_following(self.entries, self.feed, self.following, limit)
        if self.starts_at is not None:
            return entries_following(self.entries, self.feed, self.starts_at, limit, inclusive=True)
        return self._first_page

    @property
    def page(self) -> list[LiveEntry]:
        return self._page[0]

    @property
    def has_more(self) -> bool:
        return self._page[1]

    @property
    def next_after(self) -> int | None:
        return self.page[-1].pk if self.has_more and self.page else None

    @cached_property
    def shown_ids(self) -> set[int]:
        """The entries this page shows: links to them are anchors, to others permalinks."""
        return {entry.pk for entry in [*self.page, *([self.pinned] if self.pinned else [])]}

    @cached_property
    def key_events(self) -> list[LiveEntry]:
        return latest_key_events(self.entries)

    @cached_property
    def latest(self) -> list[LiveEntry]:
        """The newest visible entries (for JSON-LD), from the page's own rows when it has them."""
        limit = settings.ENTRIES_PER_PAGE
        if self.following_id or self.entry_id or self.feed.oldest_first:
            return list(self.entries.order_by("-display_time", "-pk")[:limit])
        # The page holds the newest entries but the pinned one: with it, the newest of all.
        rows = [*self.page, *([self.pinned] if self.pinned else [])]
        return sorted(rows, key=lambda e: (-e.display_time.timestamp(), -e.pk))[:limit]

    @cached_property
    def cache_vary(self) -> tuple[int, int | None, int | None]:
        """What the rendered entries depend on besides the render generation: the version, and
        which page of entries (a bad ``?before=`` or ``?entry=`` shows, and is kept as, the
        first page). A permalink is kept by its entry: telling whether the first page shows it
        would cost a query on every request."""
        following = self.following if self.following_id else None
        wanted = self.wanted if self.entry_id else None
        return (
            self.version,
            following.pk if following else None,
            wanted.pk if wanted else None,
        )


def feed_page_context(
    feed: LiveFeedPage,
    following_id: str | None = None,
    request: HttpRequest | None = None,
    entry_id: str | None = None,
) -> dict[str, Any]:
    """The live feed template's context: the first page, the page after ``?before=<id>``, or
    the page holding the permalink's ``?entry=<id>``. Entry lists are lazy: the template's
    cached pieces read them only when they are rendered afresh."""
    from django.utils.functional import SimpleLazyObject

    state = LiveFeedPageState(feed, request, following_id, entry_id)
    return {
        "newsfeed_live": state,
        "live_cursor": state.cursor,
        "pinned_entry": SimpleLazyObject(lambda: state.pinned),
        "entries": SimpleLazyObject(lambda: state.page),
        "has_more_entries": SimpleLazyObject(lambda: state.has_more),
        "next_entries_after": SimpleLazyObject(lambda: state.next_after),
        "key_events": SimpleLazyObject(lambda: state.key_events),
    }
