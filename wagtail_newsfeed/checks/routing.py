"""System checks of the URLconf: the sitemaps routed without their app, and the app's URLs
included after Wagtail's catch-all, where they are never reached. Both are installation
mistakes that only show as a 500 or a 404 on a reader's request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core.checks import Error, Tags, register
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, resolve, reverse


def _sitemap_views() -> set[Callable]:
    from wagtail.contrib.sitemaps import views as wagtail_sitemap_views

    from .. import sitemaps

    return {sitemaps.page_sitemap, sitemaps.news_sitemap, wagtail_sitemap_views.sitemap}


def routed_views(patterns: list[Any]) -> Iterator[Callable]:
    """Every view the URL patterns route to, through all their includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routed_views(pattern.url_patterns)
        else:
            yield pattern.callback


@register(Tags.urls)
def check_sitemaps_app(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        patterns = get_resolver().url_patterns
    except Exception:  # a broken URLconf is reported by Django's own URL checks
        return []
    return sitemaps_without_app(
        [config.name for config in apps.get_app_configs()], list(routed_views(patterns))
    )


def sitemaps_without_app(installed_apps: list[str], views: list[Callable]) -> list[Error]:
    """The sitemap views render Django's ``sitemap.xml`` template: without
    ``django.contrib.sitemaps`` every request to them is a 500."""
    if "django.contrib.sitemaps" in installed_apps or not set(views) & _sitemap_views():
        return []
    return [
        Error(
            "The sitemap URLs are routed but 'django.contrib.sitemaps' is not in "
            "INSTALLED_APPS: /sitemap.xml and /news-sitemap.xml answer 500.",
            hint="Add 'django.contrib.sitemaps' (and 'wagtail.contrib.sitemaps') to "
            "INSTALLED_APPS (see docs/installation.md).",
            id="wagtail_newsfeed.E009",
        )
    ]


#: URLs live pages poll (``live.js``): if Wagtail's page serving answers them, readers' pages
#: stop updating although every page still renders.
POLLED_URLS = (
    ("wagtail_newsfeed_api:feed-entries", {"pk": 1}),
    ("wagtail_newsfeed:live_fragments", {"feed_id": 1}),
)


@register(Tags.urls)
def check_url_order(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return shadowed_urls()


def shadowed_urls(urlconf: str | None = None) -> list[Error]:
    """The app's URLs included after Wagtail's catch-all (``include(wagtail_urls)``) are never
    reached: Wagtail's ``serve`` answers them with a 404. A site that does not include them
    at all is fine (live pages are then static)."""
    shadowed = []
    for name, kwargs in POLLED_URLS:
        try:
            url = reverse(name, kwargs=kwargs, urlconf=urlconf)
            match = resolve(url, urlconf=urlconf)
        except (NoReverseMatch, Resolver404):
            continue
        if match.url_name == "wagtail_serve":
            shadowed.append(url)
    if not shadowed:
        return []
    return [
        Error(
            f"Wagtail's page serving answers {', '.join(shadowed)}: the newsfeed URLs are "
            "included after include(wagtail_urls), so live pages never update.",
            hint="Move the 'api/newsfeed/' and 'newsfeed/' includes above "
            "path('', include(wagtail_urls)) in your URLconf (see docs/installation.md).",
            id="wagtail_newsfeed.E012",
        )
    ]
