"""The answer of ``invalidation`` (``Stale``: reader paths by Site, API paths for every Site) and
where each path is: the reversed URL names, a page's URL on its Site, the feeds and sitemaps a
Site lists its articles in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from wagtail.models import Page, Site

API_NAMESPACE = "wagtail_newsfeed_api"
NEWS_SITEMAP_URL_NAME = "wagtail_newsfeed_news_sitemap"
#: The name docs/installation.md gives the page sitemap's URL (``sitemaps.page_sitemap``).
PAGE_SITEMAP_URL_NAME = "sitemap"
FEED_FORMATS = ("rss", "atom")


def reverse_path(name: str, *args: Any) -> str | None:
    """The path of URL ``name``, or ``None`` where the site has not mounted it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def api_path(name: str, *args: Any) -> str | None:
    """The path of the newsfeed API's URL ``name``, or ``None`` where the API is not mounted."""
    return reverse_path(f"{API_NAMESPACE}:{name}", *args)


def feed_paths(kind: str, *args: Any) -> list[str]:
    """The RSS and Atom paths of the ``kind`` feed ("latest", "index", "topic", "live"), or none
    when the site has not mounted ``wagtail_newsfeed.urls``."""
    paths = [reverse_path(f"wagtail_newsfeed:{kind}_{fmt}", *args) for fmt in FEED_FORMATS]
    return [path for path in paths if path] if all(paths) else []


def add_new(target: list[str], items: Iterable[str | None]) -> None:
    """Append ``items`` not yet in ``target``: payloads list each path once, in a stable order."""
    for item in items:
        if item and item not in target:
            target.append(item)


@dataclass
class Stale:
    """What one change makes stale: reader ``paths`` on the Site at ``site`` (the root URL the
    change is reported on), reader paths on other Sites by root URL, and ``api_paths``, which
    every Site serves."""

    site: str = ""
    paths: list[str] = field(default_factory=list)
    other_sites: dict[str, list[str]] = field(default_factory=dict)
    api_paths: list[str] = field(default_factory=list)

    def add_paths(self, root_url: str | None, paths: Iterable[str | None]) -> None:
        if root_url is None:
            return
        if root_url == self.site:
            add_new(self.paths, paths)
        else:
            add_new(self.other_sites.setdefault(root_url, []), paths)

    def add_api(self, paths: Iterable[str | None]) -> None:
        add_new(self.api_paths, paths)

    def urls(self, api_roots: Iterable[str]) -> set[str]:
        """Absolute URLs: each reader path on its Site, each API path on every one of
        ``api_roots`` (a path without a Site to serve it is no URL)."""
        sites = {self.site: self.paths, **self.other_sites}
        urls = {root + path for root, paths in sites.items() if root for path in paths}
        return urls | {root + path for root in api_roots if root for path in self.api_paths}

    def payload(self) -> dict[str, Any]:
        """``site``, ``paths`` and ``api_urls`` (on ``site``) of a webhook payload, and
        ``other_sites`` where the change shows on more than one Site."""
        data: dict[str, Any] = {
            "site": self.site,
            "paths": list(self.paths),
            "api_urls": [self.site + path for path in self.api_paths],
        }
        if self.other_sites:
            data["other_sites"] = {root: list(paths) for root, paths in self.other_sites.items()}
        return data


def default_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def locate(page: Page, cache: Any) -> tuple[str | None, str | None] | None:
    """The root URL of the Site serving ``page`` and the page's path there (``None`` where
    Wagtail serves no pages, as in a headless site); ``None`` if no Site serves it. ``cache``
    keeps Wagtail's Site root paths across calls."""
    parts = page.get_url_parts(request=cache)
    if parts is None:
        return None
    site_id, root_url, path = parts
    if root_url is None:
        roots = Site.get_site_root_paths()
        root_url = next((root.root_url for root in roots if root.site_id == site_id), None)
    return root_url, path


def page_paths(page: Page, path: str) -> list[str]:
    """``path`` with each variant ``get_cached_paths`` names, as Wagtail's own purge joins them."""
    return [path + cached.lstrip("/") for cached in page.specific_deferred.get_cached_paths()]


def start_stale(page: Page, cache: Any) -> tuple[Stale, str | None]:
    """A ``Stale`` on the Site serving ``page`` (the default Site's if none does), with the
    page's own paths; and its path."""
    located = locate(page, cache)
    if located is None or located[0] is None:
        return Stale(site=default_root_url()), None
    root_url, path = located
    stale = Stale(site=root_url)
    if path:
        stale.add_paths(root_url, page_paths(page, path))
    return stale, path


def add_page(stale: Stale, page: Page, cache: Any) -> None:
    located = locate(page, cache)
    if located is not None and located[1]:
        stale.add_paths(located[0], page_paths(page, located[1]))


def add_index(stale: Stale, index: Page, topic_slugs: Iterable[str], cache: Any) -> None:
    """A news index page, its listings of ``topic_slugs`` (``?topic=``) and its feeds."""
    located = locate(index, cache)
    if located is None:
        return
    root_url, path = located
    if path:
        by_topic = (f"{path}?{urlencode({'topic': slug})}" for slug in topic_slugs)
        stale.add_paths(root_url, [*page_paths(index, path), *by_topic])
    stale.add_paths(root_url, feed_paths("index", index.pk))


def page_sitemap_paths() -> list[str]:
    """The page sitemap, which lists every page readers may see (live feeds among them): a page
    event of one, publish or unpublish, a move or a view restriction, changes it. (A live
    feed's ``lastmod`` follows its entries too, but entry changes do not purge it: it states
    days, and regenerating the whole sitemap on every entry change would cost more than the
    ``PAGE_CACHE_MAX_AGE`` it can be late.)"""
    return [path for path in [reverse_path(PAGE_SITEMAP_URL_NAME)] if path]


def site_wide_paths(topic_slugs: Iterable[str]) -> list[str]:
    """What lists a Site's articles whichever index they are under: its latest and topic feeds
    and its sitemaps."""
    sitemaps = [reverse_path(NEWS_SITEMAP_URL_NAME), reverse_path(PAGE_SITEMAP_URL_NAME)]
    topic_feeds = [path for slug in topic_slugs for path in feed_paths("topic", slug)]
    return [path for path in [*feed_paths("latest"), *sitemaps, *topic_feeds] if path]


def lookup(path: str | None) -> str | None:
    """The API's lookup of the article at ``path`` (``articles/find/?path=``), which a CDN
    that purges exact URLs holds a copy of."""
    find = api_path("article-find")
    return f"{find}?{urlencode({'path': path})}" if find and path else None
