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
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from .syndication import feed_paths

API_NAMESPACE = "wagtail_newsfeed_api"
NEWS_SITEMAP_URL_NAME = "wagtail_newsfeed_news_sitemap"
#: The name docs/installation.md gives the page sitemap's URL (``sitemaps.page_sitemap``).
PAGE_SITEMAP_URL_NAME = "sitemap"


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
    topics = getattr(page, "topics", None)
    return [topic.slug for topic in topics.all()] if topics is not None else []


def article_urls(article: Any) -> set[str]:
    """Everything that shows ``article``: page, index, topic listings, feeds, sitemap, API."""
    batch = PurgeBatch()
    batch.add_page(article)
    slugs = _topic_slugs(article)
    parent = article.get_parent()
    if parent is not None:
        _add_index(batch, parent, slugs)
    paths = [
        *feed_paths("latest").values(),
        _reverse(NEWS_SITEMAP_URL_NAME),
        _reverse(PAGE_SITEMAP_URL_NAME),
    ]
    for slug in slugs:
        paths += feed_paths("topic", slug).values()
    paths += [
        _reverse(f"{API_NAMESPACE}:article-list"),
        _reverse(f"{API_NAMESPACE}:article-detail", article.pk),
    ]
    _add_paths(batch, article, paths)
    return batch.urls


def live_feed_urls(feed: Any, *, with_index: bool = False, entries: Iterable[Any] = ()) -> set[str]:
    """A live feed's page, its RSS/Atom feed and its API endpoints, with the API URL of each
    changed entry in ``entries`` (and, on publish or move, the index that lists it and the API's
    feed list)."""
    batch = PurgeBatch()
    batch.add_page(feed)
    paths = [
        *feed_paths("live", feed.pk).values(),
        _reverse("wagtail_newsfeed:live_fragments", feed.pk),
        _reverse(f"{API_NAMESPACE}:feed-detail", feed.pk),
        _reverse(f"{API_NAMESPACE}:feed-entries", feed.pk),
        *(_reverse(f"{API_NAMESPACE}:feed-entry-detail", feed.pk, entry.pk) for entry in entries),
    ]
    if with_index:
        paths.append(_reverse(f"{API_NAMESPACE}:feed-list"))
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


def purge(urls: Iterable[str]) -> set[str]:
    """Send ``urls`` to the frontend cache backends; returns what was sent (empty if disabled)."""
    urls = {url for url in urls if url}
    if not urls or not frontend_cache_enabled():
        return set()
    PurgeBatch(urls).purge()
    return urls
