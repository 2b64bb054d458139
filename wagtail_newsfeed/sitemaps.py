"""Sitemaps: a Google News sitemap of recent articles, and Wagtail's sitemap minus hidden pages.

Google News reads only articles published in the last two days (``NEWS_SITEMAP_MAX_AGE_DAYS``) and
at most 1,000 URLs per sitemap, each with ``news:publication`` (name and language),
``news:publication_date`` and ``news:title``. Wagtail's own sitemap lists live, public pages but
keeps a page whose ``expire_at`` has passed until ``publish_scheduled`` runs; ``PageSitemap`` asks
``visibility.visible_pages`` instead so both sitemaps follow the one rule.

A sitemap may only list URLs under its own folder, so mount both views at the site root.

The news sitemap's text is stored content (titles, the publisher's name): ``xml_safe`` drops the
characters XML 1.0 cannot carry, so one pasted control character cannot make the sitemap
ill-formed (or a 500, for a lone surrogate) and drop every story from Google News.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings as django_settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as wagtail_sitemap_views
from wagtail.models import Page

from .conf import settings
from .converters import listing_page_number
from .fragments import render_generation
from .http_caching import public_by_content
from .jsonld import isoformat, publisher_name
from .sites import in_site
from .xml import xml_safe

NEWS_SITEMAP_LIMIT = 1000  # Google News reads no more than this per sitemap
NEWS_SITEMAP_TEMPLATE = "wagtail_newsfeed/sitemaps/news_sitemap.xml"
# Google News wants ISO 639 codes, except for these two.
_NEWS_LANGUAGE_EXCEPTIONS = {
    "zh-cn": "zh-cn",
    "zh-tw": "zh-tw",
    "zh-hans": "zh-cn",
    "zh-hant": "zh-tw",
}


def news_language(code: str) -> str:
    """The Google News form of a language code: ``en-gb`` -> ``en``, ``zh-hant`` -> ``zh-tw``."""
    code = (code or django_settings.LANGUAGE_CODE).lower().replace("_", "-")
    return _NEWS_LANGUAGE_EXCEPTIONS.get(code, code.split("-")[0])


class ExpiryNotingSitemap(Sitemap):
    """A Wagtail sitemap that notes the ``expire_at`` of the pages it lists
    (``expire_times``): no cache may keep it past the first (``http_caching``)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.expire_times: list[Any] = []


class PageSitemap(ExpiryNotingSitemap):
    """Wagtail's sitemap of the request's site, listing only pages readers may see. A live
    feed's ``lastmod`` is its latest change, entries included (as its JSON-LD's
    ``dateModified``): Wagtail's is the page's last publish, which entries do not move."""

    def items(self) -> QuerySet:
        from .models import LiveEntry
        from .visibility import feed_aliases, visible_pages

        # In the same query as the pages (one indexed subquery a row): no query per feed.
        latest_entry_change = (
            LiveEntry.objects.published()
            .filter(feed=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            visible_pages(in_site(Page.objects.all(), self.get_wagtail_site()))
            .exclude(pk__in=feed_aliases().values("pk"))  # redirects, not pages to list
            .annotate(latest_entry_change=Subquery(latest_entry_change))
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        """Wagtail's, with each live feed's ``lastmod`` moved on to its latest entry change."""
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list.iterator():
            self.expire_times.append(item.expire_at)
            entry_change = getattr(item, "latest_entry_change", None)
            for url_info in item.get_sitemap_urls(self.request):
                lastmod = url_info.get("lastmod")
                if entry_change is not None and (lastmod is None or entry_change > lastmod):
                    url_info["lastmod"] = entry_change
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:  # as Wagtail's: none when a page has none
            self.latest_lastmod = max(last_mods)
        return urls


class NewsSitemap(ExpiryNotingSitemap):
    """Visible articles of the request's site published in the last two days (and not dated
    in the future), newest first."""

    limit = NEWS_SITEMAP_LIMIT

    def items(self) -> QuerySet:
        from .visibility import visible_articles

        now = timezone.now()
        cutoff = now - timedelta(days=settings.NEWS_SITEMAP_MAX_AGE_DAYS)
        return (
            in_site(visible_articles(), self.get_wagtail_site())
            # A story dated ahead is not news yet: Google would read a publication in the future.
            .filter(published_at__gte=cutoff, published_at__lte=now)
            .select_related("locale")
            .defer_streamfields()
            .order_by("-published_at", "-pk")[:NEWS_SITEMAP_LIMIT]
        )

    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        name = xml_safe(publisher_name(self.request))
        urls = []
        for article in self.paginator.page(page).object_list:
            self.expire_times.append(article.expire_at)
            location = article.get_full_url(self.request)
            if not location:
                continue
            urls.append(
                {
                    "item": article,
                    "location": xml_safe(location),
                    "publication_name": name,
                    "language": news_language(article.locale.language_code),
                    "publication_date": isoformat(article.published_at),
                    "title": xml_safe(article.title),
                }
            )
        return urls


def _one_spelling_of_each_page(request: HttpRequest) -> None:
    """Django's sitemap view reads ``?p=`` with ``int()``, which takes ``01``, `` 1`` or ``١``:
    each a cached URL of the same page. Like every reader listing, a page has one number."""
    if "p" in request.GET:
        listing_page_number(request.GET["p"] or "-")


def _current_sites(request: HttpRequest) -> None:
    """Page URLs come from Wagtail's Site root paths: make sure this process has not kept them
    from before a Site change made elsewhere (``fragments.render_generation``)."""
    render_generation(request)


def _public(response: HttpResponse, sitemap: ExpiryNotingSitemap) -> HttpResponse:
    """The same for every crawler, and purged on publish (``purging``): proxies may keep it,
    until the first page it lists expires at the latest."""
    max_age = int(settings.PAGE_CACHE_MAX_AGE)
    return public_by_content(sitemap.request, response, max_age, sitemap.expire_times)


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap (mount at the root, e.g. ``/news-sitemap.xml``)."""
    _one_spelling_of_each_page(request)
    _current_sites(request)
    news = NewsSitemap(request)
    response = wagtail_sitemap_views.sitemap(
        request, sitemaps={"news": news}, template_name=NEWS_SITEMAP_TEMPLATE
    )
    return _public(response, news)


@require_safe
def page_sitemap(request: HttpRequest) -> HttpResponse:
    """Wagtail's page sitemap without hidden pages (mount at ``/sitemap.xml`` with the URL name
    ``sitemap``, which publishing purges)."""
    _one_spelling_of_each_page(request)
    _current_sites(request)
    pages = PageSitemap(request)
    return _public(wagtail_sitemap_views.sitemap(request, sitemaps={"pages": pages}), pages)
