"""Paging for every API list: a ``limit`` with a hard maximum, and opaque cursors.

Cursor (keyset) paging on the list's ordering rather than offsets keeps ``next`` and ``previous``
stable while new articles are published at the top, and costs the same on page 1 and page 500.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from ..conf import settings
from ..converters import parse_count
from .exceptions import InvalidParameter


def validated_limit(request: Request, name: str = "limit") -> int:
    """The ``limit`` parameter: default ``API_PAGE_SIZE``, 400 if not 1..``API_MAX_PAGE_SIZE``."""
    raw = request.query_params.get(name)
    maximum = int(settings.API_MAX_PAGE_SIZE)
    if raw in (None, ""):
        return min(int(settings.API_PAGE_SIZE), maximum)
    value = parse_count(raw)
    if value is None:
        raise InvalidParameter(name, _("Must be a whole number."))
    if value < 1:
        raise InvalidParameter(name, _("Must be at least 1."))
    if value > maximum:
        raise InvalidParameter(name, _("Must be at most %(maximum)d.") % {"maximum": maximum})
    return value


#: What DRF's cursors carry: offset, reverse, position.
CURSOR_KEYS = {"o", "r", "p"}


class NewsCursorPagination(CursorPagination):
    """DRF cursor paging with ``limit`` validation and a 400 (not 404) for a bad cursor.

    Views give their ordering through ``get_list_ordering(request)``; the first field is the
    cursor position, later ones break ties.
    """

    cursor_query_param = "cursor"
    cursor_query_description = _("Opaque page cursor from a `next` or `previous` link.")
    page_size_query_param = "limit"
    page_size_query_description = _("Items per page (default 20, maximum 100).")
    ordering = ("-id",)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``{next, previous, results}``, all three always present, the links null at either
        end (JSON Schema's ``null`` type: DRF's ``nullable`` means nothing in OpenAPI 3.1)."""
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_page_size(self, request: Request) -> int:
        return validated_limit(request, self.page_size_query_param)

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> tuple[str, ...]:
        if view is not None and hasattr(view, "get_list_ordering"):
            return tuple(view.get_list_ordering(request))
        return tuple(self.ordering)

    def decode_cursor(self, request: Request) -> Any:
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded is not None:
                # DRF's decoder skips non-base64 characters ("%%%" would read as page one), and
                # reads base64 of anything that is not a cursor (``[1, 2]``) as page one too.
                decoded = base64.b64decode(encoded, validate=True).decode("ascii")
                if not parse_qs(decoded, strict_parsing=True).keys() <= CURSOR_KEYS:
                    raise ValueError("not a cursor")
            return super().decode_cursor(request)
        except (ValueError, NotFound):  # ValueError: binascii.Error, or a character beyond ASCII
            raise InvalidParameter(
                self.cursor_query_param, _("This page cursor is not valid.")
            ) from None

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            field = self.get_ordering(request, queryset, view)[0].lstrip("-")
            if not is_possible_position(queryset.model, field, cursor.position):
                raise InvalidParameter(self.cursor_query_param, _("This page cursor is not valid."))
        return super().paginate_queryset(queryset, request, view)


def is_possible_position(model: type, field_name: str, position: str) -> bool:
    """Whether a cursor's position could have come from a stored value of ``field_name``, the
    list's first ordering field. A cursor is base64 a client can rewrite, and the position goes
    straight into a ``__gt``/``__lt`` filter: a value of the wrong type, one longer than the
    column or out of its integer range (``run_validators``), a date-time not in UTC, or one
    holding a NUL (PostgreSQL refuses it in a text comparison) would be a 500 there, and no
    stored value is like that."""
    if "\x00" in position:
        return False
    try:
        field = model._meta.get_field(field_name)
        value = field.to_python(position)
        field.run_validators(value)
    except (DjangoValidationError, FieldDoesNotExist, ValueError, TypeError):
        return False
    # A stored date-time's position is written in UTC. Another offset may have no UTC value
    # (0001-01-01T00:00+05:00) or be one PostgreSQL refuses (beyond ±15:59).
    return not isinstance(value, datetime) or value.utcoffset() == timedelta(0)
