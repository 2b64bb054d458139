"""What an entry is called where people see it: messages, the feed's history and admin lists.

Most live entries have no headline, so naming them after their database id ("Entry 3") says
nothing to an editor. An entry without a headline is named by the first words of its first
text-bearing block and its display time, read from the stored JSON without rendering any block.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from .local_time import in_local_time
from .rendering import plain_text

#: How many words of the body name an entry without a headline, and at most how many characters
#: (one "word" of a pasted URL or a long run of letters would otherwise make a name of any length).
NAME_WORDS = 8
NAME_CHARS = 80
#: The keys of a block value that hold its text, most telling first (heading, quote, fact box,
#: key points, image caption, timeline...). Ids, levels and alt text are not names.
TEXT_KEYS = ("text", "title", "body", "points", "caption", "events", "description", "note")
#: How stored rich text starts: with one of the block elements the editor writes.
RICH_TEXT = re.compile(r"\s*<(?:p|h[1-6]|ul|ol|blockquote|embed|hr)[\s>/]", re.IGNORECASE)
#: How deep a stored value is searched: stored JSON is hostile input like any other.
MAX_DEPTH = 6


def _text_of(value: Any, depth: int = 0) -> str:
    """The first non-empty plain text in a stored block value (rich text, struct, list)."""
    if depth > MAX_DEPTH:
        return ""
    if isinstance(value, str):
        # Rich text as stored (the editor's HTML) is read as text; a heading or a quote is
        # text already, where "<A>" and "&" are what the editor typed.
        return plain_text(value) if RICH_TEXT.match(value) else value.strip()
    if isinstance(value, dict):
        if "type" in value and "value" in value:  # a list item or a child stream block
            return _text_of(value["value"], depth + 1)
        for key in TEXT_KEYS:
            if key in value:
                text = _text_of(value[key], depth + 1)
                if text:
                    return text
        return ""
    if isinstance(value, list):
        for item in value[:50]:
            text = _text_of(item, depth + 1)
            if text:
                return text
    return ""


#: Characters that draw nothing though Unicode does not file them as spaces or format
#: characters: the Braille blank and the Hangul fillers.
BLANK_LOOKING = frozenset("\u2800\u115f\u1160\u3164\uffa0")
#: Direction overrides, embeddings and isolates: in a name, an unclosed one would turn the text
#: after it around (the time a message appends, the rest of a history line).
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


_OPENS_EMBEDDING = frozenset("\u202a\u202b\u202d\u202e")
_OPENS_ISOLATE = frozenset("\u2066\u2067\u2068")


def balanced_direction(text: str) -> str:
    """``text`` with every direction embedding or override it opens closed (U+202C) and every
    isolate closed (U+2069) at its end, and the closers that close nothing dropped: written next
    to the page's own words (a byline's role, the date after a dateline, the site's name after a
    title), an unclosed one would turn them around. Right-to-left text marked up properly is
    kept as it is."""
    if not any(ord(char) in BIDI_CONTROLS for char in text):
        return text
    kept: list[str] = []
    open_: list[str] = []  # what is open, innermost last: "\u202a" embeddings, "\u2066" isolates
    for char in text:
        if char in _OPENS_EMBEDDING:
            open_.append("\u202a")
        elif char in _OPENS_ISOLATE:
            open_.append("\u2066")
        elif char == "\u202c":  # closes the innermost embedding, never past an isolate
            if not open_ or open_[-1] != "\u202a":
                continue
            open_.pop()
        elif char == "\u2069":  # closes the innermost isolate and the embeddings inside it
            if "\u2066" not in open_:
                continue
            while open_.pop() != "\u2066":
                kept.append("\u202c")
        kept.append(char)
    kept.extend("\u202c" if opened == "\u202a" else "\u2069" for opened in reversed(open_))
    return "".join(kept)


def _draws(char: str) -> bool:
    return not (char.isspace() or char in BLANK_LOOKING or unicodedata.category(char)[0] in "CZM")


def visible(text: str) -> str:
    """``text`` without direction controls, if a person would see anything in it: zero-width
    spaces, joiners, direction marks, combining marks with nothing to combine with and blank
    letters alone make no name."""
    text = text.translate(BIDI_CONTROLS)
    return text if any(_draws(char) for char in text) else ""


def first_words(raw_blocks: Any, words: int = NAME_WORDS) -> str:
    """The first ``words`` words (at most ``NAME_CHARS`` characters) of the first block with
    visible text, with an ellipsis if cut."""
    if not isinstance(raw_blocks, list | tuple):
        return ""
    for block in raw_blocks[:50]:
        if isinstance(block, dict):
            text = visible(_text_of(block.get("value")))
            if text:
                cut = Truncator(text).words(words, truncate="…")
                return Truncator(cut).chars(NAME_CHARS, truncate="…")
    return ""


#: How readers see dates, by style: Django ``date`` formats that each language translates
#: ("1 December 2026" in English, "1. Dezember 2026" in German).
DATE_STYLES = {
    "date": pgettext_lazy("date format: day, month and year", "j F Y"),
    "short_date": pgettext_lazy("date format: day, short month and year", "j M Y"),
    "datetime": pgettext_lazy("date format: day, month, year and time", "j F Y, H:i"),
    "datetime_zone": pgettext_lazy(
        "date format: day, month, year, time and time zone", "j F Y, H:i T"
    ),
    "time": pgettext_lazy("date format: time of day", "H:i"),
}


def local_date(value: datetime | None, style: str = "date") -> str:
    """``value`` in the site's time zone (in UTC where that zone's calendar ends:
    ``local_time.in_local_time``), formatted in the current language's ``style``."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = in_local_time(value)
    return date_format(value, str(DATE_STYLES[style]))


def short_time(value: datetime | None) -> str:
    """A display time as editors read it: the site's local time, with the day."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = in_local_time(value)
    return date_format(value, pgettext("date format: day, short month and time", "j M, H:i"))


def entry_label(entry: Any) -> str:
    """The headline, else the first words: what a list that shows the time beside it calls an
    entry (the key events), without repeating the time."""
    if headline := visible(entry.headline):
        return headline
    body = entry.body
    return first_words(list(body.raw_data) if hasattr(body, "raw_data") else body) or _("Update")


def entry_name(entry: Any) -> str:
    """The headline, else "first words… (1 Dec, 14:05)", else "Entry of 1 Dec, 14:05"."""
    if headline := visible(entry.headline):
        return headline
    body = entry.body
    raw = list(body.raw_data) if hasattr(body, "raw_data") else body
    words = first_words(raw)
    when = short_time(entry.display_time)
    if words:
        return f"{words} ({when})" if when else words
    return _("Entry of %(time)s") % {"time": when} if when else _("New entry")
