"""The Wagtail Site of a request, the one rule for absolute URLs, and every Site's root URL.

An absolute URL starts with the root URL of the Wagtail Site that serves the request (Wagtail's
``Site.find_for_request``, which falls back to the default Site), as Wagtail's own
``Page.get_full_url`` does for pages. Only where no Site is configured for it does the request
itself (``request.build_absolute_uri``) give the scheme and host. So a page, an image or a feed
link reads the same in JSON-LD, the API, RSS/Atom and share tags, and stays ``https://`` behind a
proxy that forwards plain http or another host name.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site
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
