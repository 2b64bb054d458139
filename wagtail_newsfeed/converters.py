"""URL path converters shared by the app's URLconfs, and the same rules for query parameters."""

import re
from typing import Any

from django.urls import register_converter

#: The largest id the app accepts anywhere: 18 digits, so no lookup overflows a 64-bit column
#: (SQLite raises OverflowError and PostgreSQL "out of range" for larger numbers: a 500).
MAX_ID = 10**18 - 1


class IdConverter:
    """A database id: at most 18 digits, so no lookup overflows a 64-bit column (a longer id
    matches no route: a 404, not a database error)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class SlugConverter:
    """A slug as the app's models allow it (Unicode letters, digits, ``-`` and ``_``). Anything
    else, a NUL byte included, matches no route: a 404, not a database error."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "newsfeed_id")
register_converter(SlugConverter, "newsfeed_slug")


def parse_id(value: Any) -> int | None:
    """A database id from a URL, a query string, JSON or HTML: a positive whole number of at most
    18 ASCII digits (an ``int`` or a string), else ``None``. The one id rule of the app."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        number = int(value)
        return number if number > 0 else None
    return None


def is_slug(value: str) -> bool:
    """Whether a query parameter could be a slug (checked before it reaches the database)."""
    return re.fullmatch(SlugConverter.regex, value) is not None
