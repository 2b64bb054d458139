"""Redirects for WordPress's plain permalinks: ``/?p=123``, ``/?page_id=7``, ``/?attachment_id=5``.

The importer stores those URLs as ordinary Wagtail redirects, but a redirect middleware
(``middleware.VisibleRedirectMiddleware``, or Wagtail's) only looks for one when a page answers
404, and ``/`` is the home page: ``/?p=123`` would show the home page. Sites that move a
WordPress site in add this middleware (see docs/migrating-from-wordpress.md); it answers a GET or
HEAD that carries one of those parameters from the same redirect table, with the same site
rules, and costs nothing for other requests. A redirect to a page readers may not see (a draft,
a scheduled or unpublished post, a private one: ``middleware.may_follow``, the rule of
``VisibleRedirectMiddleware``) is not answered, so ``/?p=1``, ``/?p=2``... never reveal where an
unpublished story will appear::

    MIDDLEWARE = [
        ...
        "wagtail_newsfeed.middleware.VisibleRedirectMiddleware",
        "wagtail_newsfeed.wordpress.middleware.WordPressRedirectMiddleware",
    ]
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

from ..converters import parse_id
from ..middleware import may_follow

KEYS = ("p", "page_id", "attachment_id")


class WordPressRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            for key in KEYS:
                value = request.GET.get(key, "")
                if value:
                    if parse_id(value) is not None:
                        path = Redirect.normalise_path(
                            f"{request.path}?{key}={value}", decode_unicode=False
                        )
                        redirect = get_redirect(request, path)
                        if redirect is not None and may_follow(redirect, request):
                            response = (
                                HttpResponsePermanentRedirect
                                if redirect.is_permanent
                                else HttpResponseRedirect
                            )
                            return response(redirect.link)
                    break
        return self.get_response(request)
