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
from . import losses, values
from .embeds import EmbedBlocks
from .markup import (
    BLANK_LINE,
    DROP,
    HEADINGS,
    HEAVY,
    SOCIAL_QUOTES,
    UNWRAP,
    URL,
    as_text_marks,
    classes_of,
    flatten_deep,
    parse_html,
    text_of,
    without_unsafe_links,
)
from .table_grid import table_value
from .text import INLINE, preformatted_lines

RICH_BLOCK_CHARS = 16_000
#: A separator as rich text stores it (the editor's ``hr`` feature).
SEPARATOR = "<hr/>"
#: Deeper than this, markup is read as plain text (no post needs it; recursion must end).
MAX_DEPTH = 60
#: Elements nested deeper than this inside one piece of rich text are flattened to their text:
#: lists 20 levels deep (a list and its item per level) and no more. The rich-text whitelister
#: that validates every write recurses once per element, and ~200 levels exhaust Python's stack.
MAX_RICH_DEPTH = 40


class BodyBuilder(EmbedBlocks):
    """Collects raw blocks; ``warn(kind, message)`` receives what was left out or changed."""

    def __init__(self, resolver: Any, warn: Callable[[str, str], None]) -> None:
        self.resolver = resolver
        self.warn = warn
        self.blocks: list[dict[str, Any]] = []
        self.rich: list[str] = []
        self.rich_size = 0
        self.directions = losses.Directions()

    # Output ------------------------------------------------------------------------------

    def flush(self) -> None:
        while self.rich and self.rich[-1] == SEPARATOR:  # a line with nothing after it
            self.rich.pop()
        if self.rich:
            markup, self.rich, self.rich_size = "".join(self.rich), [], 0
            self.blocks.append({"type": "paragraph", "value": markup})

    def separator(self) -> None:
        """A separator (``<hr>``, Gutenberg's separator block) is a horizontal line between the
        paragraphs around it. At the edge of a paragraph block (first in the post, or beside an
        image or a heading) it separates nothing the blocks do not already, and the editor
        would wrap it in empty paragraphs: it goes."""
        if self.rich and self.rich[-1] != SEPARATOR:
            self.rich.append(SEPARATOR)

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
        for message in self.directions.losses():
            self.warn("removed_markup", message)
        return self.blocks

    # Input -------------------------------------------------------------------------------

    def html(self, markup: str, *, autop: bool) -> None:
        if markup and markup.strip():
            root = self.directions.read(parse_html(markup))
            self.nodes(list(as_text_marks(root).contents), autop)

    def paragraph_from(self, markup: str) -> None:
        """Markup reduced to one paragraph of text and inline formatting (unknown blocks)."""
        soup = as_text_marks(self.directions.read(parse_html(markup)))
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
            self.separator()
        elif name == "iframe":
            self.iframe(node, "")
        elif name in ("pre", "xmp", "listing"):
            lines = preformatted_lines(node.get_text().strip("\n"))
            if any(line.strip() for line in lines):
                self.add_rich("<p>" + "<br/>".join(escape(x, quote=False) for x in lines) + "</p>")
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
            lost = losses.links_of(node)
            if lost:
                subject = f"the heading {losses.quoted(text)}"
                self.warn("removed_markup", losses.plain_text_loss(subject, lost))
        for image in images:
            self.image(image, "")

    def quote(self, node: Tag, *, pull: bool, cite: str = "") -> None:
        classes = classes_of(node)
        if classes & SOCIAL_QUOTES:
            links = [a.get("href", "") for a in node.find_all("a", href=True)]
            if links and self.embed(links[-1]):
                return
        lost = losses.links_of(node)  # the attribution's too
        for tag in node.find_all(["cite", "footer"]):
            cite = cite or text_of(tag)
            tag.decompose()
        images = [image.extract() for image in node.find_all("img")]
        paragraphs = [text_of(p, "\n") for p in node.find_all(["p", "li"])] or [text_of(node, "\n")]
        text = "\n\n".join(p for p in paragraphs if visible(p))
        if text:
            self.add(
                "pull_quote" if pull else "quote",
                {"text": text, "attribution": values.truncate(cite, 255)},
            )
            if lost:
                subject = f"the {'pull quote' if pull else 'quote'} {losses.quoted(text)}"
                self.warn("removed_markup", losses.plain_text_loss(subject, lost))
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
            if captions and text_of(captions[-1]):  # after the link to the media, as shown
                self.run(list(captions[-1].contents), autop=False)
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
        value = table_value(node, caption, settings.TABLE_MAX_CELLS, self.warn)
        if value is not None:
            self.add("table", value)

    def numbering_left_out(self, node: Tag) -> None:
        if message := losses.numbering_loss(node):
            self.warn("removed_markup", message)

    def caption_losses(self, source: Tag, what: str) -> None:
        """Report the links and formatting of a caption (``source``), kept as plain text."""
        message = losses.plain_text_loss(
            f"the caption of {what}", losses.links_of(source), losses.marks_of(source)
        )
        if message:
            self.warn("removed_markup", message)

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
