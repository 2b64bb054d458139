"""Report lines for what the newsroom's blocks cannot hold, so that nothing is dropped silently:
links (and a caption's formatting) in fields that are plain text (headings, quotes, table cells,
captions) and a numbered list's own numbering."""

from __future__ import annotations

from bs4 import Tag

from . import values
from .text import text_content

#: Formatting a caption (plain text) cannot keep: reported when dropped.
CAPTION_MARKS = {
    "b", "strong", "i", "em", "u", "s", "del", "ins", "sup", "sub", "mark", "code", "small",
    "cite", "q",
}  # fmt: skip


def links_of(source: Tag) -> list[str]:
    """The addresses ``source`` links to, in order, once each; a link around an image is the
    image's (reported with it), not the text's."""
    links: list[str] = []
    for tag in source.find_all("a", href=True):
        href = str(tag["href"]).strip()[:300]
        if href and tag.find("img") is None and href not in links:
            links.append(href)
    return links


def marks_of(source: Tag) -> list[str]:
    """The formatting elements in ``source`` (``<em>``, ...), once each."""
    marks: list[str] = []
    for tag in source.find_all(CAPTION_MARKS):
        if tag.find("img") is None and f"<{tag.name}>" not in marks:
            marks.append(f"<{tag.name}>")
    return marks


def plain_text_loss(
    subject: str, links: list[str], marks: list[str] = (), *, plural: bool = False
) -> str | None:
    """The report line for ``subject`` ("the heading “...”"), kept as plain text without its
    ``links`` and ``marks``; None when it had none."""
    owner = "their" if plural else "its"
    lost = []
    if links:
        noun = "link" if len(links) == 1 else "links"
        lost.append(f"{owner} {noun} to {', '.join(links[:5])}")
    if marks:
        lost.append(f"{owner} formatting ({', '.join(marks)})")
    if not lost:
        return None
    verb = "was" if len(links) + bool(marks) == 1 else "were"
    return f"{subject} {'are' if plural else 'is'} plain text: {' and '.join(lost)} {verb} dropped"


def quoted(node: Tag | str, limit: int = 60) -> str:
    """The text of ``node`` in quotation marks, bounded, for a report line."""
    return f"“{values.truncate(text_content(node), limit)}”"


def numbering_loss(node: Tag) -> str | None:
    """The report line for a numbered list's own numbering (``start``, ``reversed``, ``type``):
    rich text keeps the list and numbers it 1, 2, 3..."""
    lists = [node] if node.name == "ol" else []
    for numbered in lists + node.find_all("ol"):
        start = str(numbered.get("start") or "").strip()
        kind = str(numbered.get("type") or "").strip()
        parts = [f"start {start[:10]}"] if start and start != "1" else []
        if numbered.has_attr("reversed"):
            parts.append("reversed")
        if kind and kind != "1":
            parts.append(f"type {kind[:10]}")
        if parts:
            item = numbered.find("li")
            first = values.truncate(text_content(item), 40) if item is not None else ""
            return (
                f"a numbered list's own numbering ({', '.join(parts)}), from “{first}”: "
                "lists are numbered 1, 2, 3..."
            )
    return None


class Directions:
    """The text directions (``dir``) one post's markup set, which rich text cannot keep: the
    text follows the page's direction. Counted per value, reported once each."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, str]] = {}

    def read(self, root: Tag) -> Tag:
        """Note the ``dir`` of each element under ``root``; ``root`` itself is returned."""
        for tag in root.find_all(dir=True):
            value = str(tag["dir"]).strip().lower()[:10]
            if value:
                count, first = self.found.get(value, (0, ""))
                self.found[value] = (count + 1, first or values.truncate(text_content(tag), 40))
        return root

    def losses(self) -> list[str]:
        return [
            f'text direction dir="{value}" on {count} element{"s" if count > 1 else ""}, '
            f"from “{first}”: rich text keeps no direction, the text follows the page's"
            for value, (count, first) in self.found.items()
        ]
