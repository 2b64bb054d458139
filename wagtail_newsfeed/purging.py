"""Purging the cached URLs a change makes stale.

A CDN in front of the site caches pages, feeds and API responses. Which of them a change makes
stale (an article: its page, index and topic listings, feeds, sitemaps, the API; a live entry:
the feed page, its feeds and API endpoints; a topic, author or source: what shows its name; a
section renamed or moved: what named the pages below it at their old URLs) is
decided in ``invalidation``, which webhook payloads read too, so a frontend is told to
revalidate what the cache drops. Here those paths become URLs (the API's on every Site's
hostname: it answers on each) and go through ``wagtail.contrib.frontend_cache`` (``PurgeBatch``),
which sends them to every configured backend as a background task; when the site configures no
backend (``WAGTAILFRONTENDCACHE`` unset) nothing is computed at all.

Pages' URLs are joined with each of their ``get_cached_paths()`` as Wagtail's own purge joins
them, so a site's page class that declares more cached variants of itself gets them purged too.
"""

from __future__ import annotations

import copy
import http.client
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings as django_settings
from django.db import transaction
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from .invalidation.cascades import is_public_taxonomy, section_change, taxonomy_change
from .invalidation.listings import UNLISTED, Listings
from .invalidation.pages import (
    article_change,
    live_feed_change,
    moved_from,
    page_change,
    page_sitemap_change,
    shown_entries,
)
from .invalidation.paths import Stale
from .models import LiveFeedMixin, NewsArticleMixin
from .sites import root_urls
from .visibility import with_followers

logger = logging.getLogger("wagtail.frontendcache")

#: Seconds a purge may take (connect, then answer) when the backend's params name no ``TIMEOUT``.
DEFAULT_PURGE_TIMEOUT = 2.0


class TimeoutHTTPBackend(HTTPBackend):
    """Wagtail's ``HTTPBackend`` (PURGE requests to Varnish) with a time limit.

    Wagtail's own waits for ever: a cache that accepts the connection and never answers would
    hold the editor's request (the purge runs as it commits) until the server kills it, after
    the change was saved. Here each purge gives up after ``TIMEOUT`` seconds (params, default
    2), and after the first purge of a batch that cannot reach the cache the rest are skipped.
    A purge that fails is logged; it is never the writer's error.
    """

    def __init__(self, params: dict[str, Any]) -> None:
        self.timeout = float(params.pop("TIMEOUT", DEFAULT_PURGE_TIMEOUT))
        super().__init__(params)

    def purge(self, url: str) -> None:
        self._send(url)

    def purge_batch(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        for done, url in enumerate(urls):
            if not self._send(url):
                if len(urls) > done + 1:
                    skipped = len(urls) - done - 1
                    logger.error("Skipped %d more purges: the HTTP cache is unreachable.", skipped)
                return

    def _send(self, url: str) -> bool:
        """PURGE ``url``; False if the cache could not be reached in time (an error status
        is logged but the cache is there, so the batch goes on)."""
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        request = PurgeRequest(
            url=urlunsplit(
                (self.cache_scheme, self.cache_netloc, parts.path, parts.query, parts.fragment)
            ),
            headers={"Host": host, "User-Agent": f"Wagtail-frontendcache/{wagtail_version}"},
        )
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310 - LOCATION is configured
                return True
        except OSError as error:  # HTTPError, URLError, timeouts, refused or reset connections
            code = getattr(error, "code", None)
            logger.error("Couldn't purge '%s' from HTTP cache: %s", url, error)
            return code is not None
        except (http.client.HTTPException, ValueError) as error:
            logger.error("Couldn't purge '%s' from HTTP cache: %r", url, error)
            return False


def frontend_cache_enabled() -> bool:
    """True if the site configured a frontend cache backend (as ``get_backends`` reads it)."""
    return bool(
        getattr(django_settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(django_settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def stale_urls(stale: Stale) -> set[str]:
    """The absolute URLs of what ``stale`` names: reader paths on their Site, API paths on
    every Site's hostname (each is a copy of its own in the cache)."""
    return stale.urls(root_urls())


def article_urls(article: Any, listed_before: Listings = UNLISTED) -> set[str]:
    """Everything that shows ``article`` (``invalidation.pages.article_change``)."""
    return stale_urls(article_change(article, listed_before))


def live_feed_urls(feed: Any, *, with_index: bool = False, entries: Iterable[Any] = ()) -> set[str]:
    """A live feed's URLs (``invalidation.pages.live_feed_change``)."""
    return stale_urls(live_feed_change(feed, with_index=with_index, entries=entries))


def page_urls(page: Any, listed_before: Listings = UNLISTED) -> set[str]:
    """What a page event changes for an article or a live feed (``invalidation.pages.page_change``),
    the same as its webhook payload names."""
    return stale_urls(page_change(page, listed_before))


def taxonomy_urls(instance: Any, slug_before: str | None = None) -> set[str]:
    """What shows a public topic's, author's or source's name
    (``invalidation.cascades.taxonomy_change``); nothing for one readers cannot see."""
    if not is_public_taxonomy(instance):
        return set()
    return stale_urls(taxonomy_change(instance, slug_before))


def moved_page_urls(page: Page, parent_before: Page | None, url_path_before: str) -> set[str]:
    """What showed the page at its old place: the old URL (with its ``get_cached_paths``) and
    the old parent index."""
    batch = PurgeBatch()
    specific = page.specific
    # The page as it was: Wagtail then works out the old URL (site, mount point, trailing slash).
    before = copy.copy(specific)
    before.__dict__.pop("specific_deferred", None)
    before.url_path = url_path_before
    batch.add_page(before)
    urls = batch.urls
    if parent_before is not None:
        urls |= stale_urls(moved_from(parent_before.specific, specific))
    return urls


def section_urls(page: Page, url_path_before: str) -> set[str]:
    """What named the pages below a renamed or moved page other than a story at their old URLs
    (``invalidation.cascades.section_change``)."""
    return stale_urls(section_change(page, url_path_before))


def restricted_page_urls(page: Page) -> set[str]:
    """What showed ``page`` and the pages under it before a view restriction hid them (or
    what a removed restriction makes public again): each page, its aliases and the pages below
    them, the page sitemap that lists them, and for articles and live feeds everything that
    lists them, as on unpublish; for live feeds each entry's API URL too, as the entries are
    hidden (or shown) with their feed."""
    urls = stale_urls(page_sitemap_change(page))
    batch = PurgeBatch()
    # Their aliases elsewhere on the site (along whole chains) and the pages below those follow
    # their sources' restrictions (``visibility``).
    pages = with_followers(page.get_descendants(inclusive=True)).live()
    for descendant in pages.specific().iterator():
        if isinstance(descendant, NewsArticleMixin):
            urls |= article_urls(descendant)
        elif isinstance(descendant, LiveFeedMixin):
            entries = shown_entries(descendant)
            urls |= live_feed_urls(descendant, with_index=True, entries=entries)
        else:
            batch.add_page(descendant)
    return urls | batch.urls


def purge_after_commit(urls: Iterable[str]) -> None:
    """Send ``urls`` once the current transaction commits (at once outside one): a purge sent
    before, a reader's request in between would read the old state and cache it again."""
    urls = set(urls)
    if urls:
        transaction.on_commit(lambda: purge(urls))


def purge(urls: Iterable[str]) -> set[str]:
    """Send ``urls`` to the frontend cache backends; returns what was sent (empty if disabled)."""
    urls = {url for url in urls if url}
    if not urls or not frontend_cache_enabled():
        return set()
    PurgeBatch(urls).purge()
    return urls
