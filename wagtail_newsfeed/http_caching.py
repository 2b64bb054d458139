"""HTTP caching of reader pages: what Varnish, a CDN and browsers may keep, and for how long.

Anonymous readers of a public page all get the same HTML, so it is sent with ``Cache-Control:
public, max-age=<PAGE_CACHE_MAX_AGE>`` (``LIVE_PAGE_CACHE_MAX_AGE`` for live feeds, whose script
catches up from the page's cursor) and ``Vary: Cookie``. Signed-in users (who see Wagtail's user
bar), previews and pages behind a view restriction are ``private``. Wagtail's own view-restriction
check before serving asks the database only when a cached list of restricted sections says the page
could be behind one. Publishing purges the cached copies through ``wagtail.contrib.frontend_cache``
(``purging``), so max-age only bounds what changes with the clock alone and what a site without
purging shows. A page passing its ``expire_at`` purges nothing (``publish_scheduled`` runs later),
so max-age stops before the expiry of every page a response shows (``max_age_before``): the page
itself, or the stories a list, feed or sitemap holds. A scheduled page that would join a list
(``go_live_at``) only appears late: that is not capped.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.functional import SimpleLazyObject

from .conf import settings


def max_age_before(max_age: int, expire_times: Iterable[datetime | None]) -> int:
    """``max_age``, or the whole seconds left before the first of ``expire_times`` (the
    ``expire_at`` of the pages a response shows, ``None`` for none) when fewer: no cache may
    keep a copy showing a page past its expiry, which nothing purges."""
    now = timezone.now()
    left = [(moment - now).total_seconds() for moment in expire_times if moment is not None]
    if not left:
        return max_age
    return max(0, min(max_age, math.floor(min(left))))


def chosen_pages_expire_times(value: Any) -> list[datetime]:
    """The ``expire_at`` still to come of the pages chosen in a block value at any depth (a
    ``related_article`` in a body), read from the value as rendering converted it: no query.
    Passed ones are left out: an expired page is not shown. Raises what reading a damaged
    stored value raises."""
    from wagtail.blocks import StreamValue
    from wagtail.models import Page

    now = timezone.now()
    found: list[datetime] = []

    def walk(item: Any) -> None:
        if isinstance(item, Page):
            if item.expire_at is not None and item.expire_at > now:
                found.append(item.expire_at)
        elif isinstance(item, StreamValue):
            for child in item:
                walk(child.value)
        elif isinstance(item, Mapping):  # a struct block's value
            for child in item.values():
                walk(child)
        elif isinstance(item, Sequence) and not isinstance(item, str | bytes):  # a list block's
            for child in item:
                walk(child)

    walk(value)
    return found


class NotedLazyObject(SimpleLazyObject):
    """A ``SimpleLazyObject`` that notes whether it was read (``is_read``)."""

    def __init__(self, func: Callable[[], Any]) -> None:
        noted = {"read": False}

        def read() -> Any:
            noted["read"] = True
            return func()

        super().__init__(read)
        vars(self)["newsfeed_noted"] = noted


def is_read(value: Any) -> bool:
    """Whether a lazy context value (a ``NotedLazyObject``) was read while rendering: a cached
    piece that shows it leaves it unread."""
    noted = vars(value).get("newsfeed_noted") if hasattr(value, "__dict__") else None
    return bool(noted and noted["read"])


def conditional_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Django's answer (``get_conditional_response``) to the preconditions of ``request``, a
    GET or HEAD of ``response``, judged by its ``ETag``: a 304 when ``If-None-Match`` matches
    it (weakly), a bare 412 when ``If-Match`` does not. Call it once the headers a 304 must
    repeat (``ETag``, ``Cache-Control``, ``Vary``) are set. These responses have no
    ``Last-Modified``, so ``If-Unmodified-Since`` is ignored, as RFC 9110 §13.1.4 says: Django
    would answer any date with a 412."""
    if "HTTP_IF_UNMODIFIED_SINCE" in request.META:
        request = copy.copy(request)
        request.META = {
            name: value
            for name, value in request.META.items()
            if name != "HTTP_IF_UNMODIFIED_SINCE"
        }
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def public_by_content(
    request: HttpRequest,
    response: HttpResponse,
    max_age: int,
    expire_times: Iterable[datetime | None] = (),
) -> HttpResponse:
    """A feed's or sitemap's ``response`` to ``request``, the same for every reader and purged
    on publish: public for ``max_age`` seconds, or until the first of ``expire_times`` (those
    of the pages it lists: ``max_age_before``), revalidated by an ``ETag`` of its content (a
    304 on a matching ``If-None-Match``). Django sets ``Last-Modified`` to the newest item's
    date, which an unpublished, deleted or corrected item does not move (or moves back): a
    cache answering a reader's ``If-Modified-Since`` from it would say 304 for a feed that
    changed."""
    if hasattr(response, "render"):
        response.render()  # a sitemap is a TemplateResponse
    del response["Last-Modified"]
    if response.status_code == 200:
        set_response_etag(response)
    if max_age > 0:
        patch_cache_control(
            response, public=True, max_age=max_age_before(max_age, list(expire_times))
        )
    return conditional_response(request, response)


def set_reader_cache_headers(
    page: Any,
    request: HttpRequest,
    response: HttpResponse,
    max_age: int,
    expire_times: Iterable[datetime | None] = (),
) -> HttpResponse:
    """Mark ``response`` (``page`` served to ``request``) public for ``max_age`` seconds, or
    until ``page`` or another page it shows (``expire_times``) expires, when every anonymous
    reader would get the same one; private otherwise. A response that already says how to
    cache it is left alone."""
    from .visibility import is_page_visible

    if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
        return response
    patch_vary_headers(response, ["Cookie"])
    user = getattr(request, "user", None)
    shared = (
        response.status_code == 200
        and not getattr(request, "is_preview", False)
        and not (user is not None and user.is_authenticated)
        and max_age > 0
        and is_page_visible(page, request)
    )
    if shared:
        expire_times = [getattr(page, "expire_at", None), *expire_times]
        patch_cache_control(response, public=True, max_age=max_age_before(max_age, expire_times))
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


class ReaderCacheMixin:
    """Page serving with the caching headers above; ``cache_max_age_setting`` names the
    setting giving max-age. The headers are set once the template is rendered, when what the
    page listed is known (``shown_expire_times``)."""

    cache_max_age_setting = "PAGE_CACHE_MAX_AGE"

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        max_age = int(getattr(settings, self.cache_max_age_setting))

        def set_headers(rendered: HttpResponse) -> HttpResponse:
            shown = self.shown_expire_times(rendered)
            return set_reader_cache_headers(self, request, rendered, max_age, shown)

        if getattr(response, "is_rendered", True):
            return set_headers(response)
        response.add_post_render_callback(set_headers)
        return response

    def shown_expire_times(self, response: HttpResponse) -> list[datetime | None]:
        """The ``expire_at`` of the other pages the rendered ``response`` shows (this page's
        own always counts): none here; a page that lists stories says which."""
        return []

    #: Set before serving (``wagtail_hooks``): whether a view restriction could apply here.
    may_be_restricted: bool | None = None

    def get_view_restrictions(self) -> Any:
        """Wagtail's query for the restrictions on this page and its ancestors, asked only when
        the cached list of restricted sections says there could be one: on a public page,
        Wagtail's check before serving it then costs no query."""
        from wagtail.models import PageViewRestriction

        from .visibility import may_be_restricted

        restricted = self.may_be_restricted
        if restricted is None:
            restricted = may_be_restricted(self)
        if restricted:
            return super().get_view_restrictions()  # type: ignore[misc]
        return PageViewRestriction.objects.none()
