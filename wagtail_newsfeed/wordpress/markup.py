"""HTML as the importer reads it: parsing untrusted markup in linear time, the element groups
the body builder treats alike, and small readers of text, classes and player URLs, and the
flattening of markup nested too deep for the rich-text validator."""

from __future__ import annotations

import re

from bs4 import Tag

from . import values

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
INLINE = {
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
    "dfn", "em", "font", "i", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip
#: Elements that cannot live inside a paragraph block: an inline element holding one is read
#: through instead of kept.
HEAVY = [
    "img", "figure", "table", "iframe", "blockquote", "p", "div", "ul", "ol", "video", "audio",
    "picture", "pre", "hr", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "script",
    "style", "object", "embed", "form",
]  # fmt: skip
DROP = {
    "script", "style", "noscript", "template", "object", "embed", "applet", "form", "input",
    "select", "textarea", "button", "svg", "math", "canvas", "map", "area", "link", "meta",
    "head", "title", "base", "frame", "frameset", "param", "source", "track", "dialog",
}  # fmt: skip
SOCIAL_QUOTES = {"twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed"}
BLANK_LINE = re.compile(r"\n[ \t\xa0]*\n\s*")
URL = re.compile(r"https?://[^\s<>\"]{1,2000}")
_SPACE = re.compile(r"\s+")


def parse_html(markup: str) -> Tag:
    """Untrusted HTML parsed with lxml, linear on any input (Python's ``html.parser`` has
    quadratic paths on unclosed quotes and comments). What the builder writes back out is
    well-formed, so the validator's own parsing of it stays linear too."""
    soup = values.soup_of(markup or "")
    return soup.body or soup


def text_of(node: Tag | str) -> str:
    text = node.get_text(" ") if isinstance(node, Tag) else str(node)
    return _SPACE.sub(" ", text).strip()


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
