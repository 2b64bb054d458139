"""The site's middleware: a database that cannot answer is a 503, and redirects keep hidden pages
hidden.

A database that cannot answer right now (a restart, a lock held too long) is a 503, not a 500.

The API already answers such requests with a 503 problem and ``Retry-After``
(``api.exceptions``); ``DatabaseUnavailableMiddleware`` does the same for reader pages and
everything else the site serves, so browsers, Varnish (which retries another server or serves
from grace) and monitoring see "try again shortly" rather than a failure. Nothing was changed:
Django rolls back the request's transaction.

``VisibleRedirectMiddleware`` takes the place of Wagtail's ``RedirectMiddleware``. Wagtail adds a
redirect from a page's old path whenever the page moves or changes slug, published or not, and
answers it whatever the page's state: moving a draft, a scheduled story or a story in a
members-only section would tell anyone who asks its old URL where it now lives (the new slug
and section can be the news). Here a redirect to a page readers may not see
(``visibility.is_page_visible``) stays the 404 it was; redirects to visible pages and to other
URLs work as in Wagtail.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.db import OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from rest_framework.views import APIView
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect

from .problems import problem_response
from .visibility import is_page_visible

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5
TEMPLATE = "503.html"
#: The app's JSON views that are not DRF's (whose views all answer JSON).
JSON_URL_NAMES = {"live_fragments"}


class DatabaseUnavailableMiddleware:
    """Answer ``OperationalError`` with 503 and ``Retry-After`` (the site's ``503.html`` if it
    has one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        if answers_json(request):
            return problem_response(
                503,
                _("The database is not answering right now; try again in a few seconds."),
                code="unavailable",
                headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"},
            )
        try:
            response = HttpResponse(render_to_string(TEMPLATE), status=503)
        except (TemplateDoesNotExist, OperationalError):
            response = HttpResponse(
                "Service unavailable: please try again in a few seconds.\n",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response


def answers_json(request: HttpRequest) -> bool:
    """Whether the request went to a JSON endpoint: the live page's fragments, or a DRF view
    (this API, Wagtail's pages API) whose error handling let the database error through. Their
    clients read a problem in JSON, as for the API's other errors, not an HTML page."""
    match = request.resolver_match
    if match is None:
        return False
    view_class = getattr(match.func, "cls", None)
    return match.url_name in JSON_URL_NAMES or (
        isinstance(view_class, type) and issubclass(view_class, APIView)
    )


class VisibleRedirectMiddleware(RedirectMiddleware):
    """Wagtail's ``RedirectMiddleware`` that never answers a redirect to a hidden page. Put it
    where Wagtail's was in ``MIDDLEWARE`` (check ``wagtail_newsfeed.W005``)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code != 404:
            return response
        redirect = find_redirect(request)
        if redirect is None or not may_follow(redirect, request):
            return response
        if redirect.is_permanent:
            return HttpResponsePermanentRedirect(redirect.link)
        return HttpResponseRedirect(redirect.link)


def find_redirect(request: HttpRequest) -> Redirect | None:
    """The redirect Wagtail would answer for ``request``: from its path with the query string,
    else from the path alone."""
    path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
    redirect = get_redirect(request, path)
    bare = urlsplit(path).path
    if redirect is None and bare != path:
        redirect = get_redirect(request, bare)
    return redirect


def may_follow(redirect: Redirect, request: HttpRequest) -> bool:
    """Whether to answer ``redirect``: it leads somewhere, and not to a page the request may
    not see (the page's URL would give its slug and section away)."""
    page = redirect.redirect_page
    if page is not None and not is_page_visible(page, request):
        return False
    return bool(redirect.link)
