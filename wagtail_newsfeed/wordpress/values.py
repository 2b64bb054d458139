"""Scalar values as a WordPress export writes them, read defensively.

Every value in an export is text someone could have crafted: ids that overflow a column, dates
such as ``0000-00-00 00:00:00`` or ``2024-13-45``, percent-encoded slugs, titles with markup and
entities. Each reader here returns a clean value or ``None``; none of them raises.
"""

from __future__ import annotations

import html
import re
import unicodedata
import warnings
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from django.conf import settings as django_settings
from django.utils.text import slugify

from ..converters import parse_id
from ..xml import xml_safe
from .text import text_content

_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s*")
_SPACE = re.compile(r"\s+")
#: Dates outside this range are typos or attacks (and overflow time zone conversions).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def wp_id(text: str | None) -> int | None:
    """A WordPress object id: a positive whole number a database column can hold."""
    return parse_id((text or "").strip())


def naive_date(text: str | None) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` as a naive datetime; None for ``0000-00-00`` or nonsense."""
    match = _DATE.fullmatch(text or "")
    if not match:
        return None
    try:
        value = datetime(*(int(part or 0) for part in match.groups()))
    except ValueError:
        return None
    return value if EARLIEST.replace(tzinfo=None) <= value < LATEST.replace(tzinfo=None) else None


def gmt_date(text: str | None) -> datetime | None:
    """A ``*_gmt`` date as an aware UTC datetime (None when unset or invalid)."""
    value = naive_date(text)
    return value.replace(tzinfo=UTC) if value else None


def best_date(gmt: str | None, local: str | None, offset: timedelta | None) -> datetime | None:
    """The GMT date, or else the site-local one shifted by the site's UTC offset (WordPress
    leaves ``*_gmt`` at ``0000-00-00 00:00:00`` for drafts and some imported content)."""
    value = gmt_date(gmt)
    if value is None and offset is not None:
        local_value = naive_date(local)
        if local_value is not None:
            value = (local_value - offset).replace(tzinfo=UTC)
    return value


def plain_text(markup: str | None, limit: int | None = None) -> str:
    """Text of a title or excerpt that may hold HTML and entities, on one line."""
    if not markup:
        return ""
    text = markup
    if "<" in text or "&" in text:
        text = text_content(soup_of(text))
        text = html.unescape(text)
    text = _SPACE.sub(" ", xml_safe(text)).strip()
    return truncate(text, limit) if limit else text


def soup_of(markup: str) -> BeautifulSoup:
    """``markup`` parsed with lxml: linear on any input, unlike html.parser. A fragment that is
    only a URL or a file name (a Liveblog entry that is a bare link) is HTML here, not a
    mistake, so BeautifulSoup's warning that it "looks like a URL" is silenced, and only it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary where one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def slug(text: str | None, limit: int = 255) -> str:
    """A page slug from a (possibly percent-encoded) ``post_name`` or a title; may be empty."""
    decoded = unquote(text or "", errors="replace")
    allow_unicode = getattr(django_settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
    value = slugify(unicodedata.normalize("NFC", decoded), allow_unicode=allow_unicode)
    return value[:limit].strip("-_")


def url_parts(url: str | None) -> tuple[str, str, str] | None:
    """(host without ``www.``, path, query) of a URL or path; None if it is not one."""
    if not url or len(url) > 2048 or any(c in url for c in "\x00\r\n\t "):
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    return host.removeprefix("www."), parts.path or "/", parts.query


def site_key(*urls: str) -> str:
    """Host and path of the WordPress site (``example.com/blog``): the key under which its
    objects are remembered, so two sites imported into one Wagtail never collide."""
    for url in urls:
        parts = url_parts(url)
        if parts and parts[0]:
            host, path, _query = parts
            return (host + unquote(path).rstrip("/"))[:255]
    return ""


#: ``i:<index>;`` then the value as an integer or a string; ``parse_id`` decides what is an id.
_SERIALIZED_INT = re.compile(r'i:\d+;(?:i:([^;]*)|s:\d+:"([^"]*)");')


def serialized_ids(text: str | None) -> list[int]:
    """Ids in a PHP-serialized list (``a:2:{i:0;i:3;i:1;s:1:"5";}``), as plugins store them.
    Read with a pattern, never unserialized."""
    found = []
    for number, string in _SERIALIZED_INT.findall((text or "")[:10_000]):
        value = parse_id(number or string)
        if value:
            found.append(value)
    return found


def is_true(text: str | None) -> bool:
    return (text or "").strip().lower() in ("1", "true", "yes", "on")


def is_password(text: str | None) -> bool:
    """Whether WordPress protects a post with this ``post_password``: it asks for one unless PHP's
    ``empty()`` holds, so a password of only spaces protects the post and ``"0"`` does not."""
    return text not in (None, "", "0")


def shown(text: str, limit: int = 60) -> str:
    """A value quoted for a report line: one line, bounded, no control characters."""
    return repr(truncate(_SPACE.sub(" ", xml_safe(text or "")), limit))
