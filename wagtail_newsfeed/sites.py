"""The Wagtail Site of a request, its pages, the one rule for absolute URLs, and every Site's
root URL.

An absolute URL starts with the root URL of the Wagtail Site that serves the request (Wagtail's
``Site.find_for_request``, which falls back to the default Site), as Wagtail's own
``Page.get_full_url`` does for pages. Only where no Site is configured for it does the request
itself (``request.build_absolute_uri``) give the scheme and host. So a page, an image or a feed
link reads the same in JSON-LD, the API, RSS/Atom and share tags, and stays ``https://`` behind a
proxy that forwards plain http or another host name.

A Site's pages are Wagtail's: those below its root page and, with Wagtail's i18n on, below each
translation of it (``Site.get_site_root_paths``), so a German home beside the root page, served
at ``/de/``, belongs to the same Site. Feeds, sitemaps and ``find`` all ask ``in_site``.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings as django_settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import get_urlconf
from django.utils import translation
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname

from .caching import once_per_request, remember_for_request


def get_site(request: HttpRequest | None) -> Site | None:
    """The Site serving ``request`` (Wagtail's choice, the default Site as fallback), or the
    default Site when there is no request (tasks, commands); ``None`` if none is configured.

    Wagtail asks the database on every request; here the answer for a host and port is a piece
    kept under the render generation (``fragments``), which saving or deleting a Site or
    publishing, moving or deleting a page moves on, and it is read once per request."""
    if request is None:
        return Site.objects.filter(is_default_site=True).first()
    return once_per_request(request, "site", lambda: _kept_site(request))


def remember_site(request: HttpRequest, site: Site | None) -> None:
    """The Site Wagtail found to route ``request``: ``get_site`` answers with it."""
    remember_for_request(request, "site", site)


def _kept_site(request: HttpRequest) -> Site | None:
    from .fragments import cached

    host, port = split_domain_port(request.get_host())[0], request.get_port()
    found = cached("site", (host, port), lambda: _site_for(host, port) or _NO_SITE, request)
    return None if found == _NO_SITE else found


#: What the cache keeps for "no Site": ``None`` would read as a miss.
_NO_SITE = "none"


def _site_for(hostname: str, port: str) -> Site | None:
    try:
        return get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None


def absolute_url(url: str, request: HttpRequest | None = None) -> str:
    """``url`` (a path, a protocol-relative or an absolute URL) made absolute by the one rule.

    The Site's ``root_url`` comes first; the request is used only when no Site is configured for
    it, and ``url`` is returned as it is when there is neither. URLs that already carry a scheme
    (media on a CDN, say) are returned unchanged; a protocol-relative one takes the base's scheme.
    """
    if not url or url.startswith(("http://", "https://")):
        return url
    site = get_site(request)
    if site is not None:
        base = f"{site.root_url}/"
    elif request is not None:
        base = request.build_absolute_uri("/")
    else:
        return url
    return urljoin(base, url)


def home_url(request: HttpRequest | None = None) -> str:
    """The absolute URL of the home page of the Site serving ``request``: its root page's URL
    (under whatever prefix Wagtail is served at), by the one rule; the request's own root where
    no Site is configured. The publisher's URL in JSON-LD and the link of site-wide feeds."""
    site = get_site(request)
    path = (site.root_page.get_url(request=request) if site is not None else None) or "/"
    return absolute_url(path, request)


def root_urls() -> list[str]:
    """Every Site's root URL. The app's API answers alike on each Site's hostname (it is mounted
    once, not per Site), so a cache in front keeps its answers under each of them."""
    return sorted({root.root_url for root in Site.get_site_root_paths()})


def _i18n() -> bool:
    return getattr(django_settings, "WAGTAIL_I18N_ENABLED", False)


def in_site(pages: QuerySet, site: Site) -> QuerySet:
    """``pages`` that ``site`` serves: at or below its root page or, with Wagtail's i18n on,
    at or below any translation of it (a sibling of the root page, served under a language
    prefix on the same Site). Without i18n exactly Wagtail's ``in_site``; with it, one subquery
    in the same query (the root page's translations by their indexed ``translation_key``)."""
    if not _i18n():
        return pages.in_site(site)
    root_key = Page.objects.filter(pk=site.root_page_id).values("translation_key")
    roots = Page.objects.filter(translation_key__in=root_key)
    return pages.filter(Exists(roots.filter(path=Substr(OuterRef("path"), 1, Length("path")))))


def in_request_site(pages: QuerySet, request: HttpRequest) -> QuerySet:
    """``pages`` on the Site the request is for (``in_site``; all of them where no Site is
    configured). The reader's own URLs besides the pages (RSS/Atom, a live page's fragments) are
    served for a Site's pages on that Site's hostname only, as the pages are: another Site's
    index, live feed or articles are a 404 there, as Wagtail answers for its pages."""
    site = get_site(request)
    return in_site(pages, site) if site is not None else pages


def routing_root(site: Site, components: list[str]) -> tuple[Page, list[str]]:
    """The page Wagtail's ``serve`` routes ``components`` (a URL path's parts) from on
    ``site``, and the parts it routes.

    With Wagtail's i18n on and its URLs in ``i18n_patterns``, a leading language prefix
    (``de``) is no page's slug: ``LocaleMiddleware`` activates that language and Wagtail routes
    the rest from the root page's translation in it (``Page.localized``, the root page itself
    where there is none). The default language has no prefix unless ``i18n_patterns`` gives it
    one; an unprefixed path is routed from the root page, as without i18n."""
    root = site.root_page
    prefix = components[0] if components else ""
    if prefix and _i18n() and _language_prefix(prefix):
        with translation.override(prefix):
            root, components = root.localized, components[1:]
    return root.specific, components


def _language_prefix(prefix: str) -> bool:
    """Whether ``i18n_patterns`` would read ``prefix`` as a language prefix (Django's
    ``LocalePrefixPattern``)."""
    used, prefixed_default = is_language_prefix_patterns_used(
        get_urlconf(django_settings.ROOT_URLCONF)
    )
    if not used:
        return False
    language = translation.get_language_from_path(f"/{prefix}/")
    return language == prefix and (prefixed_default or prefix != django_settings.LANGUAGE_CODE)
