"""Classic-editor shortcodes (``[caption]``, ``[gallery]``, ``[embed]``, ...) expanded into plain
HTML that the body builder reads like any other markup.

WordPress runs only the shortcodes a plugin registered; anything else stays on the page as text.
So known shortcodes are expanded, bracketed text that does not look like a shortcode (``[sic]``,
``[1]``) is left alone, and an unknown shortcode (one with attributes, a closing tag or a
self-closing slash) is removed with its inner text kept and a report line. The scanner finds each
``[`` with ``str.find`` and never looks past the next bracket, so no input makes it slow. A
shortcode in double brackets (``[[caption]]``, ``[[caption]x[/caption]]``) is escaped: WordPress
shows it as text in single brackets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from ..converters import parse_id
from .values import soup_of

_TAG = re.compile(r"\[(/?)([A-Za-z][\w-]{0,60})((?:\s[^\[\]]{0,4000})?)\]")
_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)"""
)
MAX_DEPTH = 4
MEDIA = {"audio", "video"}
DROPPED = {"playlist", "liveblog_key_events", "wp_caption_end"}


@dataclass
class _Token:
    start: int
    end: int
    closing: bool
    name: str
    attrs: str

    @property
    def self_closing(self) -> bool:
        return self.attrs.rstrip().endswith("/")


def attributes(text: str) -> dict[str, str]:
    """Shortcode attributes as ``shortcode_parse_atts`` reads them (names lower-cased)."""
    found: dict[str, str] = {}
    for match in _ATTR.finditer(text.rstrip("/ ")):
        groups = match.groups()
        for name, value in ((groups[0], groups[1]), (groups[2], groups[3]), (groups[4], groups[5])):
            if name:
                found.setdefault(name.lower(), value)
    return found


def _tokens(text: str) -> list[_Token]:
    tokens, pos = [], 0
    while (start := text.find("[", pos)) >= 0:
        match = _TAG.match(text, start)
        if match:
            closing, name, attrs = match.groups()
            tokens.append(_Token(start, match.end(), bool(closing), name.lower(), attrs))
            pos = match.end()
        else:
            pos = start + 1
    return tokens


class Expander:
    """Expands shortcodes; ``warn(kind, message)`` receives what was removed."""

    def __init__(
        self,
        warn: Callable[[str, str], None],
        attached_images: Callable[[], list[int]] = list,
    ) -> None:
        self.warn = warn
        self.attached_images = attached_images

    def expand(self, text: str, depth: int = 0) -> str:
        if "[" not in text or depth > MAX_DEPTH:
            return text
        tokens = _tokens(text)
        closers: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            if token.closing:
                closers.setdefault(token.name, []).append(index)
        out, pos, index = [], 0, 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if token.start < pos:
                continue
            opened = text[token.start - 1 : token.start] == "["
            closers_of = closers.get(token.name, [])
            close = None if token.closing else self._closer(closers_of, index, tokens, token)
            if (
                opened
                and close is not None
                and text[tokens[close].end : tokens[close].end + 1] == "]"
            ):
                # [[caption]x[/caption]] is the literal text [caption]x[/caption]
                out.append(text[pos : token.start - 1] + text[token.start : tokens[close].end])
                pos, index = tokens[close].end + 1, close + 1
                continue
            if opened and text[token.end : token.end + 1] == "]":
                # [[caption]] is the literal text [caption]
                out.append(text[pos : token.start - 1] + text[token.start : token.end])
                pos = token.end + 1
                continue
            if token.closing:
                if self._known(token.name):
                    out.append(text[pos : token.start])
                    pos = token.end
                continue
            content = None
            end = token.end
            if close is not None:
                content, end = text[token.end : tokens[close].start], tokens[close].end
            if not (
                self._known(token.name)
                or close is not None
                or token.self_closing
                or "=" in token.attrs
            ):
                continue  # bracketed prose, not a shortcode
            out.append(text[pos : token.start])
            out.append(self._render(token, content, depth))
            pos = end
            if close is not None:
                index = close + 1
        out.append(text[pos:])
        return "".join(out)

    @staticmethod
    def _closer(indexes: list[int], after: int, tokens: list[_Token], opener: _Token) -> int | None:
        if opener.self_closing:
            return None
        found = bisect.bisect_left(indexes, after)
        return indexes[found] if found < len(indexes) else None

    @staticmethod
    def _known(name: str) -> bool:
        return name in ("caption", "wp_caption", "gallery", "embed") or name in MEDIA | DROPPED

    def _render(self, token: _Token, content: str | None, depth: int) -> str:
        name, attrs = token.name, attributes(token.attrs)
        inner = self.expand(content or "", depth + 1)
        if name in ("caption", "wp_caption"):
            caption = caption_html(attrs.get("caption", ""))
            return f'<figure class="wp-caption">{inner}<figcaption>{caption}</figcaption></figure>'
        if name == "gallery":
            ids = [
                part.strip() for part in (attrs.get("ids") or attrs.get("include") or "").split(",")
            ]
            numbers = [n for n in map(parse_id, ids) if n is not None]
            bad = [part for part in ids if part and parse_id(part) is None]
            if bad:
                shown = ", ".join(bad)[:100]
                self.warn("unmatched_image", f"[gallery] {shown!r}: not attachment ids")
            if not numbers and not (attrs.get("ids") or attrs.get("include")):
                numbers = self.attached_images()
            # No alt: WordPress gives each image its attachment's alt text, not a decorative "".
            images = "".join(f'<img class="wp-image-{n}" data-id="{n}">' for n in numbers)
            return f'<figure class="wp-gallery">{images}</figure>'
        if name == "embed":
            url = (content or attrs.get("src", "")).strip()
            return f'<figure class="wp-embed" data-url="{escape(url)}"></figure>'
        if name in MEDIA:
            source = attrs.get("src") or next(
                (
                    attrs[key]
                    for key in ("mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm")
                    if key in attrs
                ),
                "",
            )
            return f'<{name} src="{escape(source)}"></{name}>'
        if name in DROPPED:
            if name == "playlist":
                self.warn("removed_markup", "[playlist] shortcode")
            return ""
        self.warn("unknown_shortcode", f"[{name}]")
        return inner


def caption_html(attribute: str) -> str:
    """An old-style ``[caption caption="..."]`` attribute (WordPress before 3.4), which WordPress
    shows as HTML: parsed and written back balanced, so its markup can neither close the figure
    around it nor show as literal tags (the caption's own converter keeps its text and reports
    a dropped link)."""
    if "<" not in attribute and "&" not in attribute:
        return escape(attribute)
    body = soup_of(attribute).body
    return "".join(str(node) for node in body.contents) if body is not None else ""
