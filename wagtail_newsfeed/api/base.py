"""What every API view shares: JSON in and out, problem-details errors, authentication, write
throttling, and HTTP caching (``ETag``, ``Cache-Control`` and 304 on ``If-None-Match``).

Reads are public and identical for every caller, so GET requests skip authentication entirely
(no session or token lookup): a poll costs only the queries that fetch the content.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.db import OperationalError
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..conf import settings
from ..fragments import render_generation
from ..http_caching import max_age_before
from . import response_cache
from .exceptions import conditional_api_response, problem_exception_handler
from .negotiation import JSONNegotiation
from .parsers import WriteJSONParser
from .renderers import CompactJSONRenderer


class WagtailAPITokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer wagtail_...`` with Wagtail 8's own API tokens (``APIToken``).

    Not used on Wagtail versions without that model.
    """

    keyword = "Bearer"

    @staticmethod
    def token_model() -> Any:
        try:
            from wagtail.models import APIToken
        except ImportError:  # Wagtail < 8
            return None
        return APIToken

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower().encode():
            return None
        model = self.token_model()
        try:
            token = parts[1].decode()
        except UnicodeError:
            return None
        if model is None or not model.validate_token_format(token):
            return None  # not a Wagtail token: let the other authenticators try
        api_token = (
            model.objects.select_related("user")
            .filter(key_hash__in=model.candidate_key_hashes(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            from rest_framework.exceptions import AuthenticationFailed

            raise AuthenticationFailed("Invalid or revoked API token.")
        self.touch_last_used(model, api_token)
        return api_token.user, api_token

    @staticmethod
    def touch_last_used(model: Any, api_token: Any) -> None:
        """Record the token's use, as Wagtail's own API does: at most once per
        ``WAGTAILAPI_TOKEN_LAST_USED_INTERVAL`` seconds (default 60; None turns it off), so the
        admin's token list shows tokens in use without a write on every request."""
        interval = getattr(django_settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
        if interval is None:
            return
        now = timezone.now()
        last = api_token.last_used_at
        if last is None or (now - last).total_seconds() >= interval:
            model.objects.filter(pk=api_token.pk).update(last_used_at=now)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def printable_ascii(text: str) -> bool:
    """Whether ``text`` is only visible ASCII (``!`` to ``~``): every token and session key
    Django, DRF and Wagtail give out is; a NUL, which PostgreSQL refuses in a query (a 500), is
    not."""
    return text.isascii() and text.isprintable() and " " not in text


class DRFTokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``Authorization: Token <key>``; a key no token could have is refused before the
    query (DRF's own sends any key to the database)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not printable_ascii(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)


class CookieSessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, except that a session cookie no session key could be is
    no session: the site's ``SESSION_ENGINE`` may send any cookie to the database
    (``wagtail_newsfeed.sessions`` does not)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = request.COOKIES.get(django_settings.SESSION_COOKIE_NAME)
        if key is not None and not printable_ascii(key):
            return None
        return super().authenticate(request)


def api_authenticators() -> list[authentication.BaseAuthentication]:
    """DRF tokens (``Authorization: Token ...``), Wagtail 8 API tokens (``Bearer``), and the
    session (with CSRF) for the site's own JavaScript."""
    found: list[authentication.BaseAuthentication] = []
    if apps.is_installed("rest_framework.authtoken"):
        found.append(DRFTokenAuthentication())
    if WagtailAPITokenAuthentication.token_model() is not None:
        found.append(WagtailAPITokenAuthentication())
    found.append(CookieSessionAuthentication())
    return found


class ReadAnyoneWriteAuthenticated(permissions.BasePermission):
    """Anyone may read; writing needs a signed-in user (401 otherwise). Whether that user may
    change a given feed is decided by ``wagtail_newsfeed.entry_rules`` (403)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)


class WriteRateThrottle(throttling.UserRateThrottle):
    """Per-user limit on writes; the rate is ``API_WRITE_THROTTLE_RATE`` (``None`` disables)."""

    scope = "wagtail_newsfeed_write"

    def get_rate(self) -> str | None:
        return settings.API_WRITE_THROTTLE_RATE

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class NewsfeedAPIView(APIView):
    """Base of every endpoint. ``cache_max_age_setting`` names the setting giving max-age;
    ``cache_responses`` keeps whole GET bodies in the response cache for that long, keyed by
    the ``query_params`` the endpoint reads. Neither lasts past the ``expire_at`` of a page the
    answer shows (``shown_expire_times``), which nothing purges when it passes."""

    renderer_classes = [CompactJSONRenderer]
    content_negotiation_class = JSONNegotiation
    parser_classes = [WriteJSONParser]
    permission_classes = [ReadAnyoneWriteAuthenticated]
    throttle_classes = [WriteRateThrottle]
    cache_max_age_setting = "API_CACHE_MAX_AGE"
    cache_responses = False
    #: The query parameters a cached endpoint reads. Others (tracking tags, cache busters) are
    #: dropped before it runs, so they neither bypass the response cache nor fill it, and never
    #: reach the links in its answers.
    query_params: tuple[str, ...] = ()
    #: The ``expire_at`` of the pages the answer shows, noted by the view as it reads them.
    expire_times: tuple[Any, ...] = ()

    def note_expire_times(self, *times: Any) -> None:
        self.expire_times = (*self.expire_times, *times)

    def shown_expire_times(self) -> tuple[Any, ...]:
        """When the pages the answer shows expire (``None`` for never): those noted."""
        return self.expire_times

    def max_age(self) -> int:
        """The setting's max-age, stopped before the first page the answer shows expires."""
        configured = int(getattr(settings, self.cache_max_age_setting))
        return max_age_before(configured, self.shown_expire_times())

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        max_age = int(getattr(settings, self.cache_max_age_setting))
        if not (self.cache_responses and request.method == "GET" and max_age > 0):
            return super().dispatch(request, *args, **kwargs)
        response_cache.keep_query_params(request, self.query_params)
        if not self._renders_for(request):  # the view answers 406, cache warm or not
            return super().dispatch(request, *args, **kwargs)
        try:
            key = response_cache.response_key(request)
        except OperationalError:  # the generation's database is unreachable: let the view
            return super().dispatch(request, *args, **kwargs)  # meet it and answer a 503 problem
        hit = response_cache.cached_response(key, request)
        if hit is not None:
            return hit
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200:
            shown = [moment for moment in self.shown_expire_times() if moment is not None]
            expires = min(shown, default=None)
            response_cache.store_response(key, response, max_age_before(max_age, shown), expires)
        return response

    def _renders_for(self, request: Any) -> bool:
        """Whether content negotiation finds a renderer for ``request``'s ``Accept``: a cached
        answer must not go where the view would refuse (a 406)."""
        try:
            self.get_content_negotiator().select_renderer(Request(request), self.get_renderers())
        except exceptions.NotAcceptable:
            return False
        return True

    def get_authenticators(self) -> list[authentication.BaseAuthentication]:
        return api_authenticators()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """A method the endpoint does not have (``TRACE``, ``PUT`` on a read endpoint) is a 405
        with ``Allow`` before anything else: DRF would check permissions first and tell an
        anonymous caller 401, as if signing in could make the method exist."""
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if request.method in permissions.SAFE_METHODS:
            # Before any page URL is built: a Site changed in another process is seen now
            # (``fragments.forget_what_wagtail_kept``). Read once per request, the answer costs
            # nothing more where the view reads it anyway.
            render_generation(request)

    def get_exception_handler(self) -> Any:
        return problem_exception_handler

    def perform_authentication(self, request: Request) -> None:
        # Reads are the same for everyone: don't touch the session or token tables for them.
        if request.method not in permissions.SAFE_METHODS:
            request.user  # noqa: B018 - evaluating it authenticates

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in permissions.SAFE_METHODS and response.status_code == 200:
            return self._cacheable(request, response)
        if request.method not in permissions.SAFE_METHODS:
            patch_cache_control(response, no_store=True)
        return response

    def _cacheable(self, request: Request, response: Any) -> Any:
        if isinstance(response, Response):
            response.render()
        etag = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=self.max_age())
        return conditional_api_response(request, response)
