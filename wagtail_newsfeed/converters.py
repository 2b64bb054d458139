"""URL path converters shared by the app's URLconfs, and the same rules for query parameters."""

import re
from typing import Any

from django.http import Http404
from django.urls import register_converter

#: The largest id the app accepts anywhere: 18 digits, so no lookup overflows a 64-bit column
#: (SQLite raises OverflowError and PostgreSQL "out of range" for larger numbers: a 500).
MAX_ID = 10**18 - 1


class IdConverter:
    """A database id: at most 18 digits, so no lookup overflows a 64-bit column (a longer id
    matches no route: a 404, not a database error), and no leading zero, so each object has one
    URL (``/articles/04/`` is not a second address of ``/articles/4/``)."""

    regex = "[1-9][0-9]{0,17}"

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


def parse_count(value: Any, maximum: int = MAX_ID) -> int | None:
    """A whole number from 0 to ``maximum`` written in at most 18 ASCII digits (a limit, an
    offset, a version), else ``None``. The one number rule of the app: ``int()`` alone takes
    ``" 5"``, ``"+5"``, ``"1_0"`` and other scripts' digits, and refuses (with an error nobody
    catches) anything past 4,300 digits."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        number = int(value)
        return number if number <= maximum else None
    return None


def parse_id(value: Any) -> int | None:
    """A database id from a URL, a query string, JSON or HTML: a positive whole number of at most
    18 ASCII digits (an ``int`` or a string), else ``None``. The one id rule of the app."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    number = parse_count(value)
    return number if number else None


def is_slug(value: str) -> bool:
    """Whether a query parameter could be a slug (checked before it reaches the database)."""
    return re.fullmatch(SlugConverter.regex, value) is not None


def listing_page_number(value: str | None) -> int:
    """A reader listing's ``?page=``: absent or empty is the first page, a positive whole number
    of ASCII digits is itself, anything else is a 404. Never another page's number: a page's
    number is its cache key and its canonical URL, so ``?page=-1`` must not be kept as page 1."""
    if not value:
        return 1
    number = parse_id(value) if len(value) <= 9 else None
    if number is None or str(number) != value:
        raise Http404(f"{value!r} is not a page number.")
    return number
