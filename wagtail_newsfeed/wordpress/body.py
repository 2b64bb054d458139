"""Turning post HTML into the newsroom's blocks.

The builder walks parsed HTML (lxml's forgiving HTML parser, linear on any input) and emits
raw StreamField blocks: runs of text, paragraphs and lists are merged into one paragraph block
(so a long post stays far below ``BODY_MAX_BLOCKS``), headings, images, quotes, tables and
embeds become blocks of their own, and layout wrappers (``div``, ``section``, ...) are read
through. In classic content, text is split into paragraphs the way ``wpautop`` does it: a blank
line ends a paragraph, a single newline is a line break.

The HTML kept in paragraphs is not trusted here: the write validator whitelists it with the
editor's own rules, like any other write. Links to old posts and files become internal page and
document links where the target was imported (``resolver``).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from bs4 import NavigableString, Tag
from bs4.element import PreformattedString

from ..conf import settings
from ..names import visible
from . import values
from .markup import (
    BLANK_LINE,
    DROP,
    HEADINGS,
    HEAVY,
    INLINE,
    SOCIAL_QUOTES,
    UNWRAP,
    URL,
    as_text_marks,
    classes_of,
    flatten_deep,
    iframe_url,
    parse_html,
    text_of,
)
from .table_grid import TableGrid

RICH_BLOCK_CHARS = 16_000
#: Deeper than this, markup is read as plain text (no post needs it; recursion must end).
MAX_DEPTH = 60
#: Elements nested deeper than this inside one piece of rich text are flattened to their text:
#: lists 20 levels deep (a list and its item per level) and no more. The rich-text whitelister
#: that validates every write recurses once per element, and ~200 levels exhaust Python's stack.
MAX_RICH_DEPTH = 40


class BodyBuilder:
    """Collects raw blocks; ``warn(kind, message)`` receives what was left out or changed."""

    def __init__(self, resolver: Any, warn: Callable[[str, str], None]) -> None:
        self.resolver = resolver
        self.warn = warn
        self.blocks: list[dict[str, Any]] = []
        self.rich: list[str] = []
        self.rich_size = 0

    # Output ------------------------------------------------------------------------------

    def flush(self) -> None:
        if self.rich:
            markup, self.rich, self.rich_size = "".join(self.rich), [], 0
            self.blocks.append({"type": "paragraph", "value": markup})

    def add_rich(self, markup: str) -> None:
        """Text for the current paragraph block; a long run of text is split into blocks of
        about ``RICH_BLOCK_CHARS`` (rich-text parsing costs more than linear time per value)."""
        self.rich.append(markup)
        self.rich_size += len(markup)
        if self.rich_size > RICH_BLOCK_CHARS:
            self.flush()

    def add(self, block_type: str, value: dict[str, Any]) -> None:
        self.flush()
        self.blocks.append({"type": block_type, "value": value})

    def finish(self) -> list[dict[str, Any]]:
        self.flush()
        return self.blocks

    # Input -------------------------------------------------------------------------------

    def html(self, markup: str, *, autop: bool) -> None:
        if markup and markup.strip():
            self.nodes(list(as_text_marks(parse_html(markup)).contents), autop)

    def paragraph_from(self, markup: str) -> None:
        """Markup reduced to one paragraph of text and inline formatting (unknown blocks)."""
        soup = as_text_marks(parse_html(markup))
        for tag in soup.find_all(DROP | {"img", "iframe", "video", "audio", "picture"}):
            tag.decompose()
        self.flush()
        self.nodes(list(soup.contents), autop=False, flat=True)
        self.flush()

    def nodes(self, nodes: list[Any], autop: bool, flat: bool = False, depth: int = 0) -> None:
        run: list[Any] = []
        for node in nodes:
            if isinstance(node, PreformattedString):  # comments, CDATA, doctypes
                continue
            if isinstance(node, NavigableString):
                text = str(node).replace("\r\n", "\n").replace("\r", "\n")
                pieces = BLANK_LINE.split(text) if autop else [text]
                for index, piece in enumerate(pieces):
                    if index:
                        self.run(run, autop)
                        run = []
                    run.append(piece)
            elif depth > MAX_DEPTH:
                run.append(text_of(node))
            elif not flat and self.left_out(node):
                continue  # a script or an unmatched image does not split the paragraph
            elif node.name in INLINE and (flat or node.find(HEAVY) is None):
                run.append(node)
            elif flat:
                self.run(run, autop)
                run = []
                self.nodes(list(node.contents), autop, flat=True, depth=depth + 1)
            else:
                self.run(run, autop)
                run = []
                self.element(node, autop, depth + 1)
        self.run(run, autop)

    def left_out(self, node: Tag) -> bool:
        """Report and skip a dropped element or an image that matches no attachment; report a
        form, whose content is read like a wrapper's (its fields are dropped one by one)."""
        if node.name in DROP:
            self.warn("removed_markup", f"<{node.name}>")
            return True
        if node.name in UNWRAP:
            self.warn("removed_markup", f"<{node.name}> (its text was kept)")
            return False
        if node.name == "img" and self.resolver.image(node) is None:
            src = str(node.get("src") or "")[:300]
            self.warn("unmatched_image", src or f"<img class={' '.join(classes_of(node))!r}>")
            return True
        return False

    def run(self, items: list[Any], autop: bool) -> None:
        """Inline content: one paragraph, or an embed when it is a bare URL on its own line."""
        if not items:
            return
        text = "".join(text_of(item) if isinstance(item, Tag) else item for item in items).strip()
        if not text:
            return
        links = [item for item in items if isinstance(item, Tag)]
        alone = not links or (len(links) == 1 and links[0].name == "a")
        if alone and URL.fullmatch(text):
            if self.embed(text):
                return
            if autop and not links:  # WordPress links a URL on its own line it cannot embed
                self.embed_block(text, "")
                return
        parts = []
        for item in items:
            if isinstance(item, Tag):
                self.flatten(item)
                self.rewrite_links(item)
                parts.append(without_unsafe_links(item))
            else:
                parts.append(
                    escape(item, quote=False).replace("\n", "<br/>")
                    if autop
                    else escape(item, quote=False)
                )
        markup = "".join(parts).strip()
        while markup.startswith("<br/>"):
            markup = markup[5:].lstrip()
        while markup.endswith("<br/>"):
            markup = markup[:-5].rstrip()
        self.add_rich(f"<p>{markup}</p>")

    def element(self, node: Tag, autop: bool, depth: int = 0) -> None:
        name = node.name
        if name in HEADINGS or name == "summary":  # a <details> block's visible title
            self.heading(node)
        elif name == "p":
            # wpautop splits on blank lines inside a written <p> too.
            if autop or node.find(HEAVY) is not None:
                self.nodes(list(node.contents), autop, depth=depth)
            else:
                self.run(list(node.contents), autop=False)
        elif name in ("ul", "ol"):
            if node.find(["img", "figure", "table", "iframe", "video", "audio"]) is None:
                for dropped in node.find_all(DROP):  # the validator would keep a script's text
                    self.warn("removed_markup", f"<{dropped.name}>")
                    dropped.decompose()
                self.flatten(node)
                self.rewrite_links(node)
                if text_of(node):
                    self.numbering_left_out(node)
                    self.add_rich(str(node))
            else:
                self.nodes(list(node.contents), autop, depth=depth)
        elif name == "blockquote":
            self.quote(node, pull=False)
        elif name == "figure":
            self.figure(node, autop, depth)
        elif name == "img":
            self.image(node, "")
        elif name == "table":
            self.table(node, "")
        elif name == "hr":
            self.flush()
        elif name == "iframe":
            self.iframe(node, "")
        elif name in ("pre", "xmp", "listing"):
            lines = [escape(line, quote=False) for line in node.get_text().strip("\n").splitlines()]
            if any(line.strip() for line in lines):
                self.add_rich("<p>" + "<br/>".join(lines) + "</p>")
        elif name in ("video", "audio"):
            self.media_player(node)
        elif name in DROP:
            self.flush()
            self.warn("removed_markup", f"<{name}>")
        else:  # layout wrappers, list items out of their list, unknown tags: read through
            self.nodes(list(node.contents), autop, depth=depth)

    # Blocks ------------------------------------------------------------------------------

    def heading(self, node: Tag) -> None:
        images = node.find_all("img")
        text = text_of(node)
        if visible(text):  # a heading of zero-width spaces alone is none (the validator's rule)
            level = "h2" if node.name in ("h1", "h2") else "h3"
            self.add("heading", {"text": values.truncate(text, 255), "level": level})
        for image in images:
            self.image(image, "")

    def quote(self, node: Tag, *, pull: bool, cite: str = "") -> None:
        classes = classes_of(node)
        if classes & SOCIAL_QUOTES:
            links = [a.get("href", "") for a in node.find_all("a", href=True)]
            if links and self.embed(links[-1]):
                return
        for tag in node.find_all(["cite", "footer"]):
            cite = cite or text_of(tag)
            tag.decompose()
        images = [image.extract() for image in node.find_all("img")]
        paragraphs = [text_of(p) for p in node.find_all(["p", "li"])] or [text_of(node)]
        text = "\n\n".join(p for p in paragraphs if visible(p))
        if text:
            self.add(
                "pull_quote" if pull else "quote",
                {"text": text, "attribution": values.truncate(cite, 255)},
            )
        for image in images:
            self.image(image, "")

    def figure(self, node: Tag, autop: bool, depth: int = 0) -> None:
        classes = classes_of(node)
        for dropped in node.find_all(DROP):
            self.warn("removed_markup", f"<{dropped.name}>")
            dropped.decompose()
        captions = [c for c in node.find_all("figcaption") if c.find_parent("figure") is node]
        caption = text_of(captions[-1]) if captions else ""
        if "wp-caption" in classes and not caption:
            caption = text_of(node)
        if "wp-block-pullquote" in classes and node.find("blockquote"):
            self.quote(node.find("blockquote"), pull=True)
        elif classes & {"wp-block-embed", "wp-embed"} or any(
            c.startswith("wp-block-embed") for c in classes
        ):
            wrapper = node.find(class_="wp-block-embed__wrapper")
            self.embed_block(
                str(node.get("data-url") or ""), text_of(wrapper) if wrapper else "", caption
            )
        elif node.find("table"):
            if caption:
                self.caption_losses(captions[-1] if captions else node, "a table")
            self.table(node.find("table"), caption)
        elif node.find("img"):
            images = node.find_all("img")
            for image in images:
                own = image.find_parent("figure")
                own_caption = (
                    own.find("figcaption") if own is not None and own is not node else None
                )
                here = (
                    text_of(own_caption) if own_caption else (caption if len(images) == 1 else "")
                )
                shown = self.image(image, here)
                if shown and here:
                    source = own_caption or (
                        captions[-1] if captions and text_of(captions[-1]) else node
                    )
                    self.caption_losses(source, f"image {str(image.get('src') or '')[:300]}")
            if caption and (len(images) > 1 or not shown):  # the caption outlives its image
                if len(images) > 1 and captions:
                    self.caption_losses(captions[-1], "a gallery")
                self.add_rich(f"<p>{escape(caption, quote=False)}</p>")
        elif node.find(["video", "audio"]):
            self.media_player(node.find(["video", "audio"]))
        elif node.find("iframe"):
            self.iframe(node.find("iframe"), caption)
        elif node.find("blockquote"):
            self.quote(node.find("blockquote"), pull="wp-block-pullquote" in classes)
        else:
            self.nodes(list(node.contents), autop, depth=depth)

    def image(self, node: Tag, caption: str) -> bool:
        """An image block; False (and a report line) when the image matches no attachment."""
        pk = self.resolver.image(node)
        src = str(node.get("src") or "")[:300]
        if pk is None:
            self.warn("unmatched_image", src or f"<img class={' '.join(classes_of(node))!r}>")
            return False
        anchor = node.find_parent("a", href=True)
        href = str(anchor["href"]).strip() if anchor is not None else ""
        if href and not self.resolver.shows_image(href, node):
            self.warn(
                "removed_markup",
                f"the link around image {src} (to {href[:300]}): image blocks have no link",
            )
        alt = values.plain_text(str(node.get("alt") or ""), 255)
        self.add(
            "image",
            {
                "image": pk,
                # WordPress rendered alt="" as it is: a decorative image, not one to be
                # described by its attachment's title (often its file name). No alt at all
                # says nothing: the image's own alt text (the attachment's) applies.
                "decorative": node.has_attr("alt") and not alt.strip(),
                "alt_text": alt,
                "caption": values.truncate(caption, 500),
                "credit": "",
            },
        )
        return True

    def table(self, node: Tag, caption: str) -> None:
        """A table block, each cell in the column WordPress showed it in: a cell's ``rowspan``
        and ``colspan`` are kept as a merged cell (``mergeCells``, the cells it covers hidden,
        as Wagtail's table editor stores them), cut to the table; cut short (and reported) where
        one would reach past the table or over another cell."""
        rows = [
            row
            for row in node.find_all("tr")
            if row.find_parent("table") is node and row.find(["td", "th"], recursive=False)
        ]
        if not rows:
            return
        first = node.find("tr")
        header = node.find("thead") is not None or (
            first is not None and first.find("td") is None and first.find("th") is not None
        )
        grid = TableGrid(rows, header, settings.TABLE_MAX_CELLS)
        if grid.too_wide:
            self.warn(
                "table_cut",
                f"a table with rows of more than {grid.limit:,} cells was cut",
            )
        elif grid.cut_from:
            self.warn("table_cut", f"a table of {grid.cut_from:,} cells was cut to {grid.cells:,}")
        if grid.problems:
            self.warn("note", "a table's merged cells: " + "; ".join(grid.problems))
        value: dict[str, Any] = {
            "data": grid.data,
            "first_row_is_table_header": header,
            "first_col_is_header": False,
            "table_caption": values.truncate(caption, 255),
        }
        if grid.merges:
            value["mergeCells"] = grid.merges
            value["cell"] = grid.hidden
        self.add("table", value)

    def numbering_left_out(self, node: Tag) -> None:
        """Report a numbered list's own numbering (``start``, ``reversed``, ``type``): rich
        text keeps the list and numbers it 1, 2, 3..."""
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
                first = values.truncate(text_of(item), 40) if item is not None else ""
                self.warn(
                    "removed_markup",
                    f"a numbered list's own numbering ({', '.join(parts)}), from “{first}”: "
                    "lists are numbered 1, 2, 3...",
                )
                return

    def caption_losses(self, source: Tag, what: str) -> None:
        """Report the links and formatting of a caption (``source``), which is kept as plain
        text; a link around the image itself is the image's, not the caption's."""
        links: list[str] = []
        marks: list[str] = []
        for tag in source.find_all(True):
            if tag.find("img") is not None or tag.name == "img":
                continue
            if tag.name == "a" and tag.get("href"):
                href = str(tag["href"]).strip()[:300]
                if href and href not in links:
                    links.append(href)
            elif tag.name in CAPTION_MARKS and f"<{tag.name}>" not in marks:
                marks.append(f"<{tag.name}>")
        lost = []
        if links:
            noun = "link" if len(links) == 1 else "links"
            lost.append(f"its {noun} to {', '.join(links[:5])}")
        if marks:
            lost.append(f"its formatting ({', '.join(marks)})")
        if lost:
            verb = "was" if len(links) + bool(marks) == 1 else "were"
            self.warn(
                "removed_markup",
                f"the caption of {what} is plain text: {' and '.join(lost)} {verb} dropped",
            )

    def iframe(self, node: Tag, caption: str) -> None:
        src = str(node.get("src") or "").strip()
        url = iframe_url(src)
        if url and self.embed(url, caption):
            return
        self.warn("removed_markup", f"iframe {src[:200]!r}")
        if src.startswith(("http://", "https://")):
            self.link(src, str(node.get("title") or "") or src)

    def media_player(self, node: Tag) -> None:
        source = node.get("src") or next(
            (s.get("src") for s in node.find_all("source") if s.get("src")), ""
        )
        source = str(source or "")
        self.warn("removed_markup", f"<{node.name}> {source[:200]!r}")
        if source.startswith(("http://", "https://")):
            self.link(source, source)

    def embed(self, url: str, caption: str = "") -> bool:
        url = url.strip()
        if not URL.fullmatch(url) or not self.resolver.embed_ok(url):
            return False
        self.add("embed", {"embed": url, "caption": values.truncate(caption, 500)})
        return True

    def embed_block(self, url: str, wrapper_text: str, caption: str = "") -> None:
        """A Gutenberg or ``[embed]`` embed: an embed block, or a link when Wagtail does not
        know the provider (it would render nothing)."""
        url = (url or wrapper_text or "").strip()
        if not url:
            return
        if self.embed(url, caption):
            return
        if URL.fullmatch(url):
            self.warn("embed_as_link", url[:200])
            self.link(url, caption or url)
        else:
            self.warn("removed_markup", f"embed of {url[:200]!r}: not a web address, dropped")

    def embed_markup(self, url: str, markup: str) -> None:
        """A Gutenberg embed block: its URL attribute, else the URL in its saved figure."""
        soup = parse_html(markup)
        captions = soup.find_all("figcaption")
        wrapper = soup.find(class_="wp-block-embed__wrapper")
        caption = text_of(captions[-1]) if captions else ""
        self.embed_block(url, text_of(wrapper) if wrapper else text_of(soup), caption)

    def document_block(self, attachment_id: Any, markup: str) -> bool:
        pk = self.resolver.document(attachment_id)
        if pk is None:
            return False
        soup = parse_html(markup)
        first = soup.find("a")
        self.add(
            "document",
            {"document": pk, "title": values.truncate(text_of(first) if first else "", 255)},
        )
        return True

    def flatten(self, node: Tag) -> None:
        """``node`` kept as rich text, with what is nested deeper than ``MAX_RICH_DEPTH``
        reduced to its text (and reported)."""
        if flatten_deep(node, MAX_RICH_DEPTH):
            self.warn(
                "too_deep",
                f"<{node.name}> nested more than {MAX_RICH_DEPTH} elements deep: "
                "the deeper part was kept as text",
            )

    def link(self, url: str, text: str) -> None:
        self.add_rich(f'<p><a href="{escape(url)}">{escape(values.truncate(text, 300))}</a></p>')

    def rewrite_links(self, node: Tag) -> None:
        anchors = node.find_all("a", href=True)
        if node.name == "a" and node.get("href"):
            anchors.append(node)
        for anchor in anchors:
            target = self.resolver.link(str(anchor["href"]))
            if target is not None:
                kind, pk = target
                anchor.attrs = {"linktype": kind, "id": str(pk)}


#: Formatting a caption (plain text) cannot keep: reported when dropped.
CAPTION_MARKS = {
    "b", "strong", "i", "em", "u", "s", "del", "ins", "sup", "sub", "mark", "code", "small",
    "cite", "q",
}  # fmt: skip

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
