"""The Wagtail Site of a request, and the one rule for absolute URLs.

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
from wagtail.models import Site


def get_site(request: HttpRequest | None) -> Site | None:
    """The Site serving ``request`` (Wagtail's choice, the default Site as fallback), or the
    default Site when there is no request (tasks, commands); ``None`` if none is configured."""
    if request is not None:
        return Site.find_for_request(request)
    return Site.objects.filter(is_default_site=True).first()


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
