"""The text of HTML as a reader saw it, for the fields that hold plain text (headings, quotes,
table cells, captions, titles): inline elements joined as they are (``COVID-<em>19</em>`` is
``COVID-19``), each block boundary and line break one space, whitespace collapsed.
BeautifulSoup's ``get_text(" ")`` puts a space between every two strings instead."""

from __future__ import annotations

import re

from bs4 import CData, NavigableString, Tag

#: Elements that flow with the text around them: no space is added at their edges.
INLINE = {
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del",
    "dfn", "em", "font", "i", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip
#: Strings a reader sees: not comments, nor the code in ``<script>`` and ``<style>`` (their
#: strings are subclasses of ``NavigableString``, as ``get_text`` tells them apart too).
_SHOWN = (NavigableString, CData)
_SPACE = re.compile(r"\s+")
_SPACES = re.compile(r" +")
_AROUND_BREAK = re.compile(r" *\n *")
#: Stands for a block boundary or ``<br>`` while the text is gathered.
_EDGE, _BREAK = object(), object()


def text_content(node: Tag | str, line_break: str = " ") -> str:
    """The text of ``node``, on one line; with ``line_break="\\n"``, a ``<br>`` starts a new
    line. Walks the tree with a stack, never recursing, however deep the markup."""
    if not isinstance(node, Tag):
        return _SPACE.sub(" ", str(node)).strip()
    parts: list[str] = []
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if item is _EDGE:
            parts.append(" ")
        elif item is _BREAK:
            parts.append(line_break)
        elif isinstance(item, Tag):
            if item.name == "br":
                stack.append(_BREAK)
                continue
            boundary = item.name not in INLINE and item.name != "img"
            if boundary:
                parts.append(" ")
                stack.append(_EDGE)
            stack.extend(reversed(item.contents))
        elif type(item) in _SHOWN:
            parts.append(_SPACE.sub(" ", str(item)))
    text = _SPACES.sub(" ", "".join(parts))
    return _AROUND_BREAK.sub("\n", text).strip() if line_break == "\n" else text.strip()


_INNER_SPACES = re.compile(r"(?<=\S)  +")


def preformatted_lines(text: str) -> list[str]:
    """The lines of preformatted text (code, verse) with their indentation kept in a paragraph,
    which collapses spaces: tabs expanded as a browser does (to columns of eight), leading
    spaces and runs of spaces made non-breaking (one normal space left in a run, to wrap)."""
    lines = []
    for line in text.splitlines():
        line = line.expandtabs(8)
        body = line.lstrip(" ")
        indent = "\xa0" * (len(line) - len(body))
        lines.append(indent + _INNER_SPACES.sub(lambda m: "\xa0" * (len(m[0]) - 1) + " ", body))
    return lines
