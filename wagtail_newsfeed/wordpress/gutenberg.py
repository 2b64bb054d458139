"""Gutenberg block markup: parsing ``<!-- wp:name {attrs} -->`` delimiters into a tree, and
feeding each block to the body builder.

Blocks that hold content (paragraph, heading, list, quote, image, gallery, table, ...) are read
from the HTML WordPress saved for them, inner blocks included, exactly as WordPress renders them.
Layout blocks (group, columns, cover, media-text, details) are flattened: their inner blocks are
read one after another, with what the block's own HTML shows around them (a cover's image, a
details block's summary as a heading). Embeds, custom HTML, shortcodes, reusable blocks and files
need their attributes. A block the importer does not know becomes a sanitised paragraph and a
report line.

The parser finds each delimiter with a regular-expression search and the end of one with
attributes as WordPress does (the first ``}`` followed by `` -->``, so a ``-->`` inside the JSON,
which hand-made exports may hold unescaped, does not cut it short), caps depth (blocks nested
deeper are read as the HTML they saved, so their text is kept) and block count, and reads
attributes with ``json.loads`` under a size cap: no post body can make it slow or make it fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..converters import parse_id

_START = re.compile(r"<!--\s+/?wp:")
_NAME = re.compile(r"<!--\s+(/)?wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+")
#: The end of a delimiter with attributes, as WordPress's own parser finds it: the first
#: ``}`` followed by whitespace and ``-->`` (so ``-->`` inside the JSON does not end it).
_ATTRS_END = re.compile(r"\}\s+(/)?-->")
_END = re.compile(r"(/)?-->")
MAX_DEPTH = 32
MAX_BLOCKS = 10_000
MAX_ATTRS_CHARS = 64 << 10
MAX_REUSABLE_DEPTH = 3
#: Characters of reusable-block content one post (with its Liveblog entries) may expand, plus
#: ``REUSABLE_PER_CHAR`` for each character of its own content: a block used many times, or
#: blocks that use each other, cannot multiply the work.
MAX_REUSABLE_EXPANSION = 64 << 10
REUSABLE_PER_CHAR = 8
#: What each expansion costs at least, so that empty blocks cannot be expanded without end.
REUSABLE_EXPANSION_COST = 64

FLATTEN = {
    "core/group",
    "core/columns",
    "core/column",
    "core/cover",
    "core/media-text",
    "core/row",
    "core/stack",
    "core/grid",
    "core/details",
}
SKIP = {"core/spacer", "core/more", "core/nextpage", "core/page-break"}
CONTENT = {
    "core/paragraph",
    "core/heading",
    "core/list",
    "core/list-item",
    "core/quote",
    "core/pullquote",
    "core/image",
    "core/gallery",
    "core/table",
    "core/code",
    "core/preformatted",
    "core/verse",
    "core/audio",
    "core/video",
    "core/buttons",
    "core/button",
    "core/subhead",
    "core/text-columns",
}
#: Footnotes a post may show (WordPress 6.3+ keeps them in the post's ``footnotes`` meta).
MAX_FOOTNOTES = 1_000
#: Dynamic blocks render lists from the database at view time; their saved HTML is empty.
DYNAMIC_PREFIXES = ("core/latest-", "core/post-", "core/query", "core/archives", "core/calendar")


@dataclass
class Block:
    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    parts: list[str | Block] = field(default_factory=list)
    #: Blocks nested in it beyond ``MAX_DEPTH`` were not parsed: their HTML is in ``parts``.
    too_deep: bool = False

    @property
    def html(self) -> str:
        """The block's own saved HTML, without its inner blocks."""
        return "".join(part for part in self.parts if isinstance(part, str))

    @property
    def inner(self) -> list[Block]:
        return [part for part in self.parts if isinstance(part, Block)]

    def saved_html(self) -> str:
        """The block's saved HTML with its inner blocks' in place: what WordPress renders."""
        return "".join(part if isinstance(part, str) else part.saved_html() for part in self.parts)


def has_blocks(content: str) -> bool:
    return _START.search(content) is not None


def _attrs(text: str | None) -> dict[str, Any]:
    if not text or len(text) > MAX_ATTRS_CHARS:
        return {}
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def parse(content: str) -> list[str | Block]:
    """Top-level parts of ``content``: HTML strings outside blocks (classic "freeform" content)
    and blocks. Unclosed blocks close at the end; stray closers are ignored."""
    root = Block("")
    stack, pos, count = [root], 0, 0
    #: Openers beyond MAX_DEPTH still open: their delimiters are dropped, their HTML kept.
    overflow = 0
    search_from = 0
    ends = _Ends(content)
    while match := _START.search(content, search_from):
        found = _delimiter(content, match.start(), ends)
        if found is None:
            search_from = match.end()
            continue
        closer, name, attrs, void, end = found
        if match.start() > pos:
            stack[-1].parts.append(content[pos : match.start()])
        pos = search_from = end
        name = name if "/" in name else f"core/{name}"
        if closer and overflow:
            overflow -= 1
            continue
        if closer:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
            continue
        if len(stack) > MAX_DEPTH:
            stack[-1].too_deep = True
            overflow += not void
            continue
        count += 1
        if count > MAX_BLOCKS:
            continue
        block = Block(name, _attrs(attrs))
        stack[-1].parts.append(block)
        if not void:
            stack.append(block)
    if pos < len(content):
        stack[-1].parts.append(content[pos:])
    return root.parts


class _Ends:
    """Finds the next ``} -->`` at or after a position, searching each stretch of the content
    once (a cached match serves every later delimiter before it): linear on any input."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.match: re.Match | None = None
        self.searched_from = -1

    def after(self, pos: int) -> re.Match | None:
        stale = self.match is not None and self.match.start() < pos
        if self.searched_from < 0 or stale:
            self.match = _ATTRS_END.search(self.content, pos)
            self.searched_from = pos
        return self.match


def _delimiter(content: str, start: int, ends: _Ends):
    """(closer, name, attributes JSON, void, end) of the block delimiter at ``start``."""
    head = _NAME.match(content, start)
    if head is None:
        return None
    closer, name = head.groups()
    if not content.startswith("{", head.end()):
        tail = _END.match(content, head.end())
        return (closer, name, None, tail.group(1), tail.end()) if tail else None
    tail = ends.after(head.end())
    if tail is None or tail.start() + 1 - head.end() > MAX_ATTRS_CHARS:
        return None
    return closer, name, content[head.end() : tail.start() + 1], tail.group(1), tail.end()


class Reusable:
    """The export's reusable blocks as one post expands them: refs being expanded (a block that
    holds itself is a cycle, read once) and a budget of characters shared by the post and its
    Liveblog entries (``grant`` adds to it for each text read), so that expansion work stays
    linear in the export's size."""

    def __init__(
        self,
        blocks: dict[int, str],
        budget: int = MAX_REUSABLE_EXPANSION,
        hidden: dict[int, str] | None = None,
    ) -> None:
        self.blocks = blocks
        self.hidden = hidden or {}  # blocks WordPress does not show, each with why
        self.left = budget
        self.expanding: list[int] = []
        self.reported: set[str] = set()

    def grant(self, content: str) -> None:
        """More budget for ``content`` (the post's or an entry's own markup), unless spent."""
        if "budget" not in self.reported:
            self.left += REUSABLE_PER_CHAR * len(content)

    def once(self, key: str) -> bool:
        """True the first time ``key`` is seen in this post: one report line per problem."""
        if key in self.reported:
            return False
        self.reported.add(key)
        return True


def footnotes_of(meta: str | None) -> list[str]:
    """The texts (HTML) of a post's footnotes, in order, from its ``footnotes`` meta: the JSON
    list of ``{"id": ..., "content": ...}`` the block editor saves. Anything else is none."""
    if not meta or len(meta) > 1 << 20:
        return []
    try:
        notes = json.loads(meta)
    except (ValueError, RecursionError):
        return []
    if not isinstance(notes, list):
        return []
    return [
        note["content"]
        for note in notes[:MAX_FOOTNOTES]
        if isinstance(note, dict) and isinstance(note.get("content"), str)
    ]


class BlockReader:
    """Feeds parsed blocks to a body builder (``body.BodyBuilder``)."""

    def __init__(
        self,
        builder: Any,
        classic: Any,
        reusable: Reusable | dict[int, str],
        footnotes: list[str] | None = None,
        expand: Callable[[str], str] = str,
    ) -> None:
        self.builder = builder
        self.classic = classic  # callable(html): classic-editor content (shortcodes, autop)
        # WordPress runs do_shortcode over the whole rendered post, after do_blocks: the HTML
        # blocks saved has its shortcodes expanded too (a code block saves ``[`` as ``&#91;``).
        self.expand = expand
        self.reusable = reusable if isinstance(reusable, Reusable) else Reusable(reusable)
        self.footnotes = footnotes or []

    def read(self, parts: list[str | Block], depth: int = 0) -> None:
        for part in parts:
            if isinstance(part, str):
                if part.strip():
                    self.classic(part)
            else:
                self.block(part, depth)

    def block(self, block: Block, depth: int) -> None:
        name, builder = block.name, self.builder
        if block.too_deep:
            builder.warn("unknown_block", f"blocks nested more than {MAX_DEPTH} deep in {name}")
            builder.html(self.expand(block.saved_html()), autop=False)
        elif name in SKIP:
            builder.flush()
        elif name == "core/separator":
            builder.separator()
        elif name == "core/footnotes":
            # Dynamic: WordPress renders the post's footnotes here, an ordered list of them.
            if self.footnotes:
                items = "".join(f"<li>{note}</li>" for note in self.footnotes)
                builder.flush()
                builder.html(f"<ol>{items}</ol>", autop=False)
                builder.flush()
        elif name == "core/embed" or name.startswith("core-embed/"):
            builder.embed_markup(str(block.attrs.get("url") or ""), block.saved_html())
        elif name in ("core/freeform", "core/shortcode"):
            self.classic(block.saved_html())
        elif name == "core/html":
            builder.warn("html_block", "custom HTML block")
            builder.paragraph_from(self.expand(block.saved_html()))
        elif name == "core/block":
            self.reusable_block(block, depth)
        elif name == "core/file" and builder.document_block(block.attrs.get("id"), block.html):
            pass
        elif name in FLATTEN or (name not in CONTENT and block.inner and name != "core/missing"):
            if name not in FLATTEN:
                builder.warn("unknown_block", f"{name} (its inner blocks were kept)")
            # The block's own HTML around its inner blocks is read too: a cover's image, a
            # details block's summary, text typed into a group's HTML by hand.
            for part in block.parts:
                if isinstance(part, Block):
                    self.block(part, depth)
                else:
                    builder.html(self.expand(part), autop=False)
        elif name in CONTENT or name == "core/file":
            builder.html(self.expand(block.saved_html()), autop=False)
        elif name.startswith(DYNAMIC_PREFIXES):
            builder.warn("removed_markup", f"dynamic block {name}")
        else:
            original = block.attrs.get("originalName") if name == "core/missing" else None
            builder.warn("unknown_block", str(original or name)[:80])
            builder.paragraph_from(self.expand(block.saved_html()))

    def reusable_block(self, block: Block, depth: int) -> None:
        reusable, warn = self.reusable, self.builder.warn
        raw = block.attrs.get("ref")
        ref = parse_id(raw)  # a number, or a string of digits ("161")
        content = reusable.blocks.get(ref) if ref is not None else None
        if ref is not None and ref in reusable.hidden:
            # WordPress renders nothing for it (render_block_core_block): neither is it here.
            if reusable.once(f"hidden {ref}"):
                why = reusable.hidden[ref]
                warn(
                    "unknown_block",
                    f"reusable block {ref} {why}, which WordPress does not show; left out",
                )
        elif content is None:
            warn("unknown_block", f"reusable block {str(raw)[:20]} not in the export")
        elif ref in reusable.expanding:
            if reusable.once(f"cycle {ref}"):
                warn("unknown_block", f"reusable block {ref} contains itself (a cycle); read once")
        elif depth >= MAX_REUSABLE_DEPTH:
            if reusable.once(f"deep {ref}"):
                warn(
                    "unknown_block",
                    f"reusable block {ref} is nested more than {MAX_REUSABLE_DEPTH} deep; left out",
                )
        elif reusable.left < len(content) + REUSABLE_EXPANSION_COST:
            reusable.left = 0
            if reusable.once("budget"):
                warn(
                    "unknown_block",
                    "reusable blocks expand to more characters than this post may hold"
                    f" ({MAX_REUSABLE_EXPANSION:,} plus {REUSABLE_PER_CHAR} for each of its own);"
                    f" reusable block {ref} and the ones after it were left out",
                )
        else:
            reusable.left -= len(content) + REUSABLE_EXPANSION_COST
            reusable.expanding.append(ref)
            try:
                self.read(parse(content), depth + 1)
            finally:
                reusable.expanding.pop()
