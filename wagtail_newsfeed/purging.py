"""Which cached URLs go stale when an article or a live feed changes, and purging them.

A CDN in front of the site caches pages, feeds and API responses; publishing an article changes the
article itself, its news index (and that index filtered by each of its topics), the RSS/Atom feeds
that list it, the Google News sitemap and the API. A live entry change affects the feed page, its
RSS/Atom feed and its API endpoints. Purges go through ``wagtail.contrib.frontend_cache``
(``PurgeBatch``), which sends them to every configured backend as a background task; when the site
configures no backend (``WAGTAILFRONTENDCACHE`` unset) nothing is computed at all.

Pages' URLs are Wagtail's (``PurgeBatch.add_page``: the page's URL joined with each of its
``get_cached_paths()``), so a site's page class that declares more cached variants of itself gets
them purged here too; this module adds only what Wagtail cannot know: the topic listings, feeds,
sitemaps and API endpoints that show the page.

URLs for parts the site has not mounted (the feeds, the API, the news sitemap) are left out.
"""

from __future__ import annotations

import copy
import http.client
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from .models import Author, LiveFeedMixin, NewsArticleMixin, Source, Topic
from .models.taxonomy import with_ancestors
from .syndication import feed_paths

API_NAMESPACE = "wagtail_newsfeed_api"
NEWS_SITEMAP_URL_NAME = "wagtail_newsfeed_news_sitemap"
#: The name docs/installation.md gives the page sitemap's URL (``sitemaps.page_sitemap``).
PAGE_SITEMAP_URL_NAME = "sitemap"


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


def _reverse(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _add_paths(batch: PurgeBatch, page: Page, paths: Iterable[str | None]) -> None:
    """``paths`` (the app's own views) on the site that serves ``page``, if any."""
    parts = page.get_url_parts(request=batch)
    root_url = parts[1] if parts else None
    if root_url:
        batch.add_urls(f"{root_url}{path}" for path in paths if path)


def _add_index(batch: PurgeBatch, index: Page, topic_slugs: Iterable[str] = ()) -> None:
    """A news index page (with whatever its ``get_cached_paths`` names), its listings of
    ``topic_slugs`` (``?topic=``) and its feeds."""
    batch.add_page(index)
    index_url = index.get_full_url(request=batch)
    if index_url:
        batch.add_urls(f"{index_url}?{urlencode({'topic': slug})}" for slug in topic_slugs)
    _add_paths(batch, index, feed_paths("index", index.pk).values())


def _topic_slugs(page: Page) -> list[str]:
    """The page's topics and the broader topics above them, whose listings show it too."""
    topics = getattr(page, "topics", None)
    if topics is None:
        return []
    # ``all()`` may be modelcluster's in-memory list (a revision's topics): ids, then the tree.
    ids = [topic.pk for topic in topics.all() if topic.pk is not None]
    return list(with_ancestors(Topic.objects.filter(pk__in=ids)).values_list("slug", flat=True))


@dataclass(frozen=True)
class Listings:
    """The taxonomy an article is listed under: its topics (with the broader ones), authors and
    source, by slug. Their listings, feeds and API endpoints show the article, or stop showing
    it when it leaves them, so a change purges them as they were before and after."""

    topics: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()

    def __or__(self, other: Listings) -> Listings:
        return Listings(
            self.topics | other.topics, self.authors | other.authors, self.sources | other.sources
        )


def listings(article: Any) -> Listings:
    """What ``article`` (a saved page, or a revision's page in memory) is listed under."""
    links = getattr(article, "article_authors", None)
    author_ids = [link.author_id for link in links.all()] if links is not None else []
    source_id = getattr(article, "source_id", None)
    return Listings(
        topics=frozenset(_topic_slugs(article)),
        authors=frozenset(Author.objects.filter(pk__in=author_ids).values_list("slug", flat=True)),
        sources=frozenset(
            Source.objects.filter(pk=source_id).values_list("slug", flat=True) if source_id else ()
        ),
    )


def saved_listings(article: Any) -> Listings:
    """What ``article`` is listed under in the database (before a save changes it)."""
    if article.pk is None:
        return Listings()
    saved = type(article).objects.filter(pk=article.pk).first()
    return listings(saved) if saved is not None else Listings()


def taxonomy_api_paths(listed: Listings) -> list[str | None]:
    """The API's taxonomy endpoints that show what ``listed`` names: their lists hold only
    what visible stories use (``visibility``), so a story's change can change them."""
    paths = [_reverse(f"{API_NAMESPACE}:{kind}-list") for kind in ("topic", "author", "source")]
    for kind, slugs in (("topic", listed.topics), ("author", listed.authors)):
        paths += [_reverse(f"{API_NAMESPACE}:{kind}-detail", slug) for slug in sorted(slugs)]
    paths += [_reverse(f"{API_NAMESPACE}:source-detail", slug) for slug in sorted(listed.sources)]
    return paths


def article_urls(article: Any, listed_before: Listings = Listings()) -> set[str]:
    """Everything that shows ``article``: page, index, topic listings, feeds, sitemap, API;
    ``listed_before`` adds the listings it was under before the change (a topic taken away)."""
    batch = PurgeBatch()
    batch.add_page(article)
    listed = listings(article) | listed_before
    parent = article.get_parent()
    if parent is not None:
        _add_index(batch, parent, sorted(listed.topics))
    paths = [
        *feed_paths("latest").values(),
        _reverse(NEWS_SITEMAP_URL_NAME),
        _reverse(PAGE_SITEMAP_URL_NAME),
    ]
    for slug in sorted(listed.topics):
        paths += feed_paths("topic", slug).values()
    paths += [
        _reverse(f"{API_NAMESPACE}:article-list"),
        _reverse(f"{API_NAMESPACE}:article-detail", article.pk),
        # Every ?path= of it: the proxy bans a path's every query string.
        _reverse(f"{API_NAMESPACE}:article-find"),
        *taxonomy_api_paths(listed),
    ]
    _add_paths(batch, article, paths)
    return batch.urls


def live_feed_urls(feed: Any, *, with_index: bool = False, entries: Iterable[Any] = ()) -> set[str]:
    """A live feed's page, its RSS/Atom feed and its API endpoints, with the API URL of each
    changed entry in ``entries`` (and, on publish or move, the index that lists it and the API's
    feed list)."""
    batch = PurgeBatch()
    batch.add_page(feed)
    entries = list(entries)
    paths = [
        *feed_paths("live", feed.pk).values(),
        _reverse("wagtail_newsfeed:live_fragments", feed.pk),
        _reverse(f"{API_NAMESPACE}:feed-list"),  # each feed's cursor and time of change
        _reverse(f"{API_NAMESPACE}:feed-detail", feed.pk),
        _reverse(f"{API_NAMESPACE}:feed-entries", feed.pk),
        *(_reverse(f"{API_NAMESPACE}:feed-entry-detail", feed.pk, entry.pk) for entry in entries),
    ]
    if entries:  # an entry's byline can make its authors public (or no longer)
        authors = Author.objects.filter(live_entries__in=[entry.pk for entry in entries])
        paths.append(_reverse(f"{API_NAMESPACE}:author-list"))
        paths += [
            _reverse(f"{API_NAMESPACE}:author-detail", slug)
            for slug in sorted(set(authors.values_list("slug", flat=True)))
        ]
    if with_index:
        parent = feed.get_parent()
        if parent is not None:
            batch.add_page(parent)
    _add_paths(batch, feed, paths)
    return batch.urls


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
    if parent_before is not None:
        _add_index(batch, parent_before.specific, _topic_slugs(specific))
    return batch.urls


def restricted_page_urls(page: Page) -> set[str]:
    """What showed ``page`` and the pages under it before a view restriction hid them (or
    what a removed restriction makes public again): each page and its aliases, and for articles
    and live feeds everything that lists them, as on unpublish."""
    urls: set[str] = set()
    batch = PurgeBatch()
    pages = page.get_descendants(inclusive=True).live()
    # Their aliases elsewhere on the site follow their sources' restrictions (``visibility``).
    pages = pages | Page.objects.live().filter(alias_of__in=pages.values("pk"))
    for descendant in pages.specific().iterator():
        if isinstance(descendant, NewsArticleMixin):
            urls |= article_urls(descendant)
        elif isinstance(descendant, LiveFeedMixin):
            urls |= live_feed_urls(descendant, with_index=True)
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
