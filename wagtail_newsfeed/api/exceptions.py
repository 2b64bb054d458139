"""RFC 9457 problem details for every API error.

DRF's default handler answers ``{"detail": ...}``; frontends get one error shape instead:
``{type, title, status, detail, errors}`` served as ``application/problem+json``, where ``errors``
maps each bad parameter or field to its messages. The body is ``problems.problem``'s, the same the
plain Django JSON views answer with.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .. import http_caching
from ..problems import PROBLEM_CONTENT_TYPE, problem, problem_response


class InvalidParameter(exceptions.ValidationError):
    """A 400 naming one query parameter: ``raise InvalidParameter("limit", "Must be ...")``."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__({name: [message]})


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ServiceUnavailable(exceptions.APIException):
    """The database could not take the request right now (a lock held too long, a restart):
    nothing was done, and the same request may simply be sent again."""

    status_code = 503
    default_detail = "The service is busy; nothing was changed. Try again shortly."
    default_code = "unavailable"
    wait = 5


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The resource changed since it was loaded."
    default_code = "conflict"


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field" or "field.sub" or "field.0": [messages]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and prefix:
                name = prefix
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in flatten_errors(item, f"{prefix}.{index}").items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF ``EXCEPTION_HANDLER`` (set per view by the API's base view)."""
    # A row gone between the view's lookup and the rules' lock (an entry a colleague deleted
    # meanwhile) is as missing as one never found.
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(_("The request body is too large."))
    elif isinstance(exc, OperationalError):
        exc = ServiceUnavailable()
    elif isinstance(exc, DjangoValidationError):  # the rules' (entry_rules.check_display_time)
        exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or exc.messages)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"

    extra: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        detail_data = exc.detail
        block_errors = getattr(exc, "block_errors", None)
        if block_errors:
            extra["block_errors"] = block_errors
        errors = flatten_errors(detail_data)
        names = ", ".join(sorted(errors))
        detail = _("Invalid value for: %(names)s.") % {"names": names}
        body = problem(exc.status_code, detail, code="invalid", errors=errors, **extra)
    else:
        detail_value = exc.detail
        detail = str(detail_value) if not isinstance(detail_value, (dict, list)) else ""
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else None
        body = problem(exc.status_code, detail, code=code)

    set_rollback()
    response = Response(body, status=exc.status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


@csrf_exempt
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """404 for API paths that match no endpoint (instead of the site's HTML 404 page), for every
    method: exempt from CSRF, which would otherwise answer a write its HTML 403 page first."""
    return problem_response(404, _("No API endpoint at this path."), code="not_found")


def conditional_api_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``http_caching.conditional_response`` for a GET of the API: a 304 on a matching
    ``If-None-Match``, ``If-Unmodified-Since`` ignored, and an ``If-Match`` naming no current
    ``ETag`` a 412 problem naming it, like every API error (RFC 9110 §13.1.1 lets a GET fail
    so; Django's own 412 has no body)."""
    answer = http_caching.conditional_response(request, response)
    if answer.status_code != 412:
        return answer
    message = _("Matches no current ETag of this resource.")
    return problem_response(
        412,
        _("If-Match names no current version of this resource: read it again without If-Match."),
        code="precondition_failed",
        errors={"If-Match": [message]},
    )
