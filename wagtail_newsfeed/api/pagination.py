"""Paging for every API list: a ``limit`` with a hard maximum, and opaque keyset cursors.

A cursor holds the values of the list's whole ordering (say ``published_at`` and ``id``) for the
item it stands at, and a page is the items strictly beyond it. Unlike offsets (or DRF's own
cursors, which keep the first ordering value and count ties with an offset) this never repeats
or skips an item while new ones are published, whatever values they share, costs the same on
page 1 and page 500, and ``previous`` is exactly the page before.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Field, Model, OrderBy, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

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


@dataclass(frozen=True)
class Key:
    """One field of a list's ordering, as the keyset compares it. Nullable fields sort their
    nulls last in the list's own direction (an undated article ends either ordering)."""

    name: str
    field: Field
    descending: bool

    def order(self, reverse: bool) -> OrderBy | str:
        descending = self.descending != reverse
        if not self.field.null:
            return f"-{self.name}" if descending else self.name
        expression = F(self.name)
        nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        return expression.desc(**nulls) if descending else expression.asc(**nulls)

    def beyond(self, value: Any, reverse: bool) -> Q | None:
        """Rows after ``value`` in this field's order (``reverse``: before it); None if none."""
        nulls_last = self.field.null and not reverse
        if value is None:  # nulls are last going forward and first going back
            return None if not reverse else Q(**{f"{self.name}__isnull": False})
        lookup = "lt" if self.descending != reverse else "gt"
        after = Q(**{f"{self.name}__{lookup}": value})
        return after | Q(**{f"{self.name}__isnull": True}) if nulls_last else after

    def same(self, value: Any) -> Q:
        return Q(**{f"{self.name}__isnull": True} if value is None else {self.name: value})


def keys_of(model: type[Model], ordering: tuple[str, ...]) -> list[Key]:
    """The keyset of ``ordering`` on ``model``. Its last field must be unique and never null
    (``id``), or items sharing every value would be repeated or skipped."""
    keys = [
        Key(name.lstrip("-"), model_field(model, name.lstrip("-")), name.startswith("-"))
        for name in ordering
    ]
    if not keys or not keys[-1].field.unique or keys[-1].field.null:
        raise ImproperlyConfigured(f"A paged ordering must end with a unique field: {ordering}")
    return keys


def model_field(model: type[Model], name: str) -> Field:
    """The field whose column holds ``name``'s values: for ``pk`` of a page model, the link to
    its parent page is followed to ``Page.id``, whose validators bound the values."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    while field.is_relation:  # a child page's primary key is its link to ``Page.id``
        field = field.target_field
    return field


def beyond(keys: list[Key], position: tuple[Any, ...], reverse: bool) -> Q:
    """Rows strictly after ``position`` in the keyset's order (``reverse``: strictly before):
    after it in the first field, or equal there and after it in the second, and so on."""
    found = Q(pk__in=[])
    for index, key in enumerate(keys):
        condition = key.beyond(position[index], reverse)
        if condition is None:
            continue
        for earlier, value in zip(keys[:index], position, strict=False):
            condition &= earlier.same(value)
        found |= condition
    return found


def row_value(row: Any, name: str) -> Any:
    """``name`` of a list item, a model instance or a ``values()`` row."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


def position_text(value: Any) -> Any:
    """A position value as the cursor's JSON carries it (date-times in UTC, ISO 8601)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


class NewsCursorPagination(CursorPagination):
    """DRF cursor paging on a keyset: the cursor holds every ordering value of the item it
    stands at, so ties in the first field (articles published at one instant, authors of one
    name) page exactly, both ways. ``limit`` is validated; a bad cursor is a 400 (not 404)
    naming ``cursor``.

    Views give their ordering through ``get_list_ordering(request)``; it must end with a unique
    field (``id``). The cursor is base64url of ``{"r": reverse, "k": [values]}``: opaque to
    clients, checked here value by value before any reaches the database. DRF's own cursors
    (``p``/``o``/``r``, before keyset paging) are not cursors of this kind: a 400.
    """

    cursor_query_param = "cursor"
    cursor_query_description = _("Opaque page cursor from a `next` or `previous` link.")
    page_size_query_param = "limit"
    page_size_query_description = _("Items per page (default 20, maximum 100).")
    ordering = ("-id",)
    template = None

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

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.keys = keys_of(queryset.model, self.ordering)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        position = self.cursor.position if self.cursor else None
        queryset = queryset.order_by(*(key.order(reverse) for key in self.keys))
        if position is not None:
            queryset = queryset.filter(beyond(self.keys, position, reverse))
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        more = len(rows) > self.page_size
        if reverse:
            self.page.reverse()
        # Coming back (``reverse``), the page we came from follows; going on, the one before.
        self.has_next = True if reverse else more
        self.has_previous = more if reverse else position is not None
        # An empty page (its items unpublished since its link was made, or a cursor past the
        # last item) has no item to stand on: its links stand where its cursor stood.
        self.anchor = None if position is None else tuple(position_text(v) for v in position)
        return self.page

    def anchor_position(self, reverse: bool) -> tuple[Any, ...]:
        """Where an empty page's link going ``reverse`` stands: at its cursor's position, with
        the last key (an integer id) one step back, so that the page it leads to takes in the
        item the cursor stood on (the last item of the page the client came from, if it is still
        there). A position strictly beyond the cursor's would leave that item out."""
        key, value = self.keys[-1], self.anchor[-1]
        if not isinstance(value, int):
            return self.anchor
        step = 1 if key.descending != reverse else -1
        try:
            return (*self.anchor[:-1], position_value(key.field, value + step))
        except ValueError:  # past the column's range: no item stands there anyway
            return self.anchor

    def position_of(self, row: Any) -> tuple[Any, ...]:
        return tuple(position_text(row_value(row, key.name)) for key in self.keys)

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        position = self.position_of(self.page[-1]) if self.page else self.anchor_position(False)
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        position = self.position_of(self.page[0]) if self.page else self.anchor_position(True)
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=position))

    def encode_cursor(self, cursor: Cursor) -> str:
        token = {"r": int(cursor.reverse), "k": list(cursor.position)}
        data = json.dumps(token, separators=(",", ":"), ensure_ascii=False).encode()
        encoded = base64.urlsafe_b64encode(data).decode().rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            token = json.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
            reverse, values = token["r"], token["k"]
            if token.keys() != {"r", "k"} or reverse not in (0, 1) or not isinstance(values, list):
                raise ValueError("not a cursor")
            position = tuple(self.checked_values(values))
        # binascii.Error, a character beyond ASCII, JSON that is not a cursor's
        except (ValueError, binascii.Error, TypeError, KeyError, RecursionError):
            raise InvalidParameter(
                self.cursor_query_param, _("This page cursor is not valid.")
            ) from None
        return Cursor(offset=0, reverse=bool(reverse), position=position)

    def checked_values(self, values: list[Any]) -> list[Any]:
        """The cursor's values, each one a value its field could hold (else ``ValueError``)."""
        if len(values) != len(self.keys):
            raise ValueError("not this list's cursor")
        return [
            position_value(key.field, value) for key, value in zip(self.keys, values, strict=True)
        ]


def position_value(field: Field, value: Any) -> Any:
    """``value`` as ``field`` stores it, if a stored value of it could be written so; else
    ``ValueError``. A cursor is base64 a client can rewrite, and its values go straight into
    ``__gt``/``__lt`` filters: a value of the wrong type, one longer than the column or out of
    its integer range (``run_validators``), a date-time not in UTC, one holding a NUL
    (PostgreSQL refuses it in a text comparison) or a lone surrogate (no driver encodes it) would
    be a 500 there, and no stored value is like that."""
    if value is None:
        if not field.null:
            raise ValueError("no such value")
        return None
    if isinstance(value, (bool, float, list, dict)) or "\x00" in str(value):
        raise ValueError("no such value")
    # JSON may spell a lone UTF-16 surrogate (``"\\ud800"``); no database driver can encode it.
    str(value).encode()  # UnicodeEncodeError, a ValueError
    try:
        python = field.to_python(value)
        field.run_validators(python)
    except (DjangoValidationError, FieldDoesNotExist, ValueError, TypeError, OverflowError):
        raise ValueError("no such value") from None
    # A stored date-time's position is written in UTC. Another offset may have no UTC value
    # (0001-01-01T00:00+05:00) or be one PostgreSQL refuses (beyond ±15:59).
    if isinstance(python, datetime) and python.utcoffset() != timedelta(0):
        raise ValueError("no such value")
    return python
