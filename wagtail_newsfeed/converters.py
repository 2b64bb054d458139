"""URL path converters shared by the app's URLconfs, and the same rules for query parameters."""

import re

from django.urls import register_converter


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


def is_slug(value: str) -> bool:
    """Whether a query parameter could be a slug (checked before it reaches the database)."""
    return re.fullmatch(SlugConverter.regex, value) is not None
