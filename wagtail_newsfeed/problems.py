"""RFC 9457 problem details: the one error shape of every JSON endpoint the app serves.

The API (``api.exceptions``, through Django REST framework) and the plain Django JSON views (the
live page's fragments, the API's unmatched paths) build their error bodies here, so a client reads
``{type, title, status, detail, errors}`` served as ``application/problem+json`` wherever it asks.
Nothing here imports Django REST framework.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
#: ``type`` is this prefix and a short code (``invalid``, ``not_found``...), else ``about:blank``.
PROBLEM_TYPE_PREFIX = "urn:wagtail-newsfeed:problem:"


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The problem-details body for ``status``: ``title`` is the status's standard phrase (the
    same for every problem of that status), ``detail`` says what went wrong this time, and
    ``errors`` maps each bad parameter or field to its messages."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_PREFIX}{code}" if code else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JsonResponse:
    """``problem(...)`` as a plain Django response with the ``application/problem+json`` type."""
    return JsonResponse(
        problem(status, detail, code=code, errors=errors, **extra),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )
