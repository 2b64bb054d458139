"""Which cached URLs go stale when an article or a live feed changes, and purging them.

A CDN in front of the site caches pages, feeds and API responses; publishing an article changes the
article itself, its news index (and that index filtered by each of its topics), the RSS/Atom feeds
that list it, the Google News sitemap and the API. A live entry change affects the feed page, its
RSS/Atom feed and its API endpoints. Purges go through ``wagtail.contrib.frontend_cache``
(``PurgeBatch``), which sends them to every configured backend as a background task; when the site
configures no backend (``WAGTAILFRONTENDCACHE`` unset) nothing is computed at all.

URLs for parts the site has not mounted (the feeds, the API, the news sitemap) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, Site

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


def _root_url(page: Page) -> str | None:
    parts = page.get_url_parts()
    return parts[1] if parts else None


def _with_root(root_url: str | None, paths: Iterable[str | None]) -> set[str]:
    if not root_url:
        return set()
    return {f"{root_url}{path}" for path in paths if path}


def page_urls(page: Page) -> set[str]:
    """The page's full URL and its extra cached paths (``get_cached_paths``), as Wagtail purges."""
    url = page.get_full_url()
    if not url:
        return set()
    return {url + path.lstrip("/") for path in page.specific_deferred.get_cached_paths()}


def url_for_path(url_path: str) -> str | None:
    """The full URL a page had at ``url_path`` (Wagtail's tree path), e.g. before a move."""
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return root.root_url + url_path[len(root.root_path) - 1 :]
    return None


def index_urls(index: Page, topic_slugs: Iterable[str] = ()) -> set[str]:
    """A news index page, its topic listings (``?topic=``) and its feeds."""
    urls = page_urls(index)
    index_url = index.get_full_url()
    if index_url:
        urls |= {f"{index_url}?{urlencode({'topic': slug})}" for slug in topic_slugs}
    urls |= _with_root(_root_url(index), feed_paths("index", index.pk).values())
    return urls


def article_urls(article: Any) -> set[str]:
    """Everything that shows ``article``: page, index, topic listings, feeds, sitemap, API."""
    root = _root_url(article)
    slugs = [topic.slug for topic in article.topics.all()]
    urls = page_urls(article)
    parent = article.get_parent()
    if parent is not None:
        urls |= index_urls(parent, slugs)
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
    return urls | _with_root(root, paths)


def live_feed_urls(feed: Any, *, with_index: bool = False, entries: Iterable[Any] = ()) -> set[str]:
    """A live feed's page, its RSS/Atom feed and its API endpoints, with the API URL of each
    changed entry in ``entries`` (and, on publish or move, the index that lists it and the API's
    feed list)."""
    root = _root_url(feed)
    urls = page_urls(feed)
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
            urls |= page_urls(parent)
    return urls | _with_root(root, paths)


def moved_page_urls(page: Page, parent_before: Page | None, url_path_before: str) -> set[str]:
    """What showed the page at its old place: the old URL and the old parent index."""
    urls = set()
    old_url = url_for_path(url_path_before)
    if old_url:
        urls |= {old_url + path.lstrip("/") for path in page.specific_deferred.get_cached_paths()}
    if parent_before is not None:
        specific = page.specific
        slugs = (
            [topic.slug for topic in specific.topics.all()] if hasattr(specific, "topics") else []
        )
        urls |= index_urls(parent_before.specific, slugs)
    return urls


def purge(urls: Iterable[str]) -> set[str]:
    """Send ``urls`` to the frontend cache backends; returns what was sent (empty if disabled)."""
    urls = {url for url in urls if url}
    if not urls or not frontend_cache_enabled():
        return set()
    PurgeBatch(urls).purge()
    return urls
