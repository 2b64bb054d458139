"""HTML as the importer reads it: parsing untrusted markup in linear time, the element groups
the body builder treats alike, and small readers of text, classes and player URLs, the
flattening of markup nested too deep for the rich-text validator, and marks rich text cannot
hold turned into their text."""

from __future__ import annotations

import re

from bs4 import Tag

from . import values
from .text import text_content

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: Elements that cannot live inside a paragraph block: an inline element holding one is read
#: through instead of kept.
HEAVY = [
    "img", "figure", "table", "iframe", "blockquote", "p", "div", "ul", "ol", "video", "audio",
    "picture", "pre", "hr", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "script",
    "style", "object", "embed", "form",
]  # fmt: skip
DROP = {
    "script", "style", "noscript", "template", "object", "embed", "applet", "input",
    "select", "textarea", "button", "svg", "math", "canvas", "map", "area", "link", "meta",
    "head", "title", "base", "frame", "frameset", "param", "source", "track", "dialog",
}  # fmt: skip
#: Elements removed (and reported) while the content in them is kept, as WordPress showed it.
UNWRAP = {"form"}
#: Void elements (no content, no end tag in HTML) that lxml's parser, unlike browsers, lets hold
#: what follows them: an ``<embed src=...>`` would take in the rest of the post.
_VOID = ("embed", "input", "area", "base", "link", "meta", "param", "source", "track", "frame")
#: Dropped or replaced elements whose content is their own only up to their end tag: one never
#: closed would take in the rest of the post (lxml nests it, or reads it as the element's text).
_CLOSED = (
    "script", "style", "noscript", "template", "object", "applet", "select", "textarea",
    "button", "svg", "math", "canvas", "map", "title", "dialog", "iframe", "video", "audio",
)  # fmt: skip
#: A start tag of one of them. A quoted attribute value may hold ``>`` but no tag stops at a
#: ``<``, so each search ends at the next ``<``: linear on any input. A tag with an unmatched
#: quote does not match (and is left as it is).
_OPENER = re.compile(
    "<(" + "|".join(_VOID + _CLOSED) + r")(?=[\s/>])(?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*>", re.I
)
_CLOSER = re.compile("</(" + "|".join(_CLOSED) + r")(?=[\s/>])", re.I)
#: Classes WordPress gives the images it shows for emoji and smileys (``wp_staticize_emoji``,
#: ``convert_smilies``); pasted from a rendered page, they land in content.
EMOJI_CLASSES = {"emoji", "wp-smiley"}
SOCIAL_QUOTES = {"twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed"}
BLANK_LINE = re.compile(r"\n[ \t\xa0]*\n\s*")
URL = re.compile(r"https?://[^\s<>\"]{1,2000}")


def parse_html(markup: str) -> Tag:
    """Untrusted HTML parsed with lxml, linear on any input (Python's ``html.parser`` has
    quadratic paths on unclosed quotes and comments). What the builder writes back out is
    well-formed, so the validator's own parsing of it stays linear too."""
    soup = values.soup_of(closed(markup or ""))
    return soup.body or soup


def closed(markup: str) -> str:
    """``markup`` with an end tag right after each void element's start tag, and after the start
    tag of each element of ``_CLOSED`` that is never closed (after the last end tag of its
    name), so that dropping the element never drops the content that follows it."""
    if "<" not in markup:
        return markup
    last = {match.group(1).lower(): match.start() for match in _CLOSER.finditer(markup)}

    def close(match: re.Match) -> str:
        name = match.group(1).lower()
        if name in _VOID or last.get(name, -1) < match.start():
            return f"{match.group(0)}</{name}>"
        return match.group(0)

    return _OPENER.sub(close, markup)


def text_of(node: Tag | str, line_break: str = " ") -> str:
    """The text of ``node`` as a reader saw it (``text.text_content``)."""
    return text_content(node, line_break)


def classes_of(node: Tag) -> set[str]:
    value = node.get("class") or []
    return set(value if isinstance(value, list) else str(value).split())


def flatten_deep(node: Tag, limit: int) -> bool:
    """Replace each element nested ``limit`` levels below ``node`` (so more than ``limit``
    deep, counting ``node``) by its text; whether there was any. Walks level by level, never
    recursing, however deep the markup."""
    level = [node]
    for _ in range(limit):
        level = [child for tag in level for child in tag.children if isinstance(child, Tag)]
        if not level:
            return False
    for tag in level:
        tag.replace_with(tag.get_text(" "))
    return True


def iframe_url(src: str) -> str:
    """The page URL behind a YouTube or Vimeo player iframe (what oEmbed providers accept)."""
    parts = values.url_parts(src if not src.startswith("//") else "https:" + src)
    if parts is None:
        return ""
    host, path, query = parts
    if host.endswith(("youtube.com", "youtube-nocookie.com")) and path.startswith("/embed/"):
        video = path.removeprefix("/embed/").split("/")[0]
        return (
            f"https://www.youtube.com/watch?v={video}"
            if re.fullmatch(r"[\w-]{5,20}", video)
            else ""
        )
    if host == "player.vimeo.com" and path.startswith("/video/"):
        video = path.removeprefix("/video/").split("/")[0]
        return f"https://vimeo.com/{video}" if video.isdigit() else ""
    return src if src.startswith(("http://", "https://")) else ""


def as_text_marks(root: Tag) -> Tag:
    """``root`` with marks rich text cannot hold as the text they stand for: the block editor's
    footnote marks (``<sup data-fn=...>`` around a link to the note) as ``[1]``, and WordPress's
    emoji and smiley images as their character (their ``alt``)."""
    for mark in root.find_all("sup", attrs={"data-fn": True}):
        mark.replace_with(f"[{text_of(mark)}]")
    for image in root.find_all("img", class_=list(EMOJI_CLASSES)):
        alt = str(image.get("alt") or "").strip()
        if alt and len(alt) <= 16:
            image.replace_with(alt)
    return root


#: Link schemes a paragraph never keeps: the link is dropped, its text kept.
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


def without_unsafe_links(node: Tag) -> str:
    """The markup of ``node`` with ``javascript:`` (and similar) links reduced to their text,
    rather than left as empty ``<a>`` elements once the validator removes the address."""

    def unsafe(anchor: Tag) -> bool:
        href = "".join(str(anchor.get("href") or "").split()).lower()
        return href.startswith(UNSAFE_SCHEMES)

    for anchor in node.find_all("a"):
        if unsafe(anchor):
            anchor.unwrap()
    return node.decode_contents() if node.name == "a" and unsafe(node) else str(node)
