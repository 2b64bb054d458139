"""URL path converters shared by the app's URLconfs."""

from django.urls import register_converter


class IdConverter:
    """A database id: at most 18 digits, so no lookup overflows a 64-bit column (a longer id
    matches no route: a 404, not a database error)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "newsfeed_id")
