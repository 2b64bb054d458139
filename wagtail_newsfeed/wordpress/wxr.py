"""Reading a WordPress export (WXR 1.0-1.2) as a stream, safely.

An export is an attack vector, and it can be gigabytes. So:

- the XML goes through defusedxml's expat parser with entity declarations and external
  references refused (a billion-laughs entity or ``SYSTEM "file:///etc/passwd"`` is an error
  naming the line); nothing is ever fetched;
- it is fed in 1 MB chunks to a parser target (the mechanism ``iterparse`` uses) that keeps only
  the item being read, so memory stays flat however long the export is; each field, each item
  and each XML token has a size cap, and comments that are not liveblog entries are dropped as
  soon as they end;
- control characters that XML forbids but WordPress exports often contain (a pasted vertical
  tab) are removed from the bytes before parsing, and counted;
- an export whose bytes contradict its declared encoding (UTF-8 text declared ISO-8859-1) is
  refused rather than read as mojibake (``sniffing``).

The reader yields ``("author", Author)``, ``("term", Term)`` and ``("item", Item)`` events;
channel fields are on ``reader.channel``. ``ExportError`` names what is wrong and where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from . import records, sniffing, values
from .records import Author, Channel

CHUNK_BYTES = 1 << 20
#: Expat buffers a tag, comment or declaration until it ends: cap how far one may run (text
#: and CDATA are handed over as they are read, so they are not tokens here).
MAX_TOKEN_BYTES = 64 << 20
MAX_ITEM_CHARS = 64 << 20
MAX_CHILDREN = 250_000
MAX_NAMES = 10_000
#: rss > channel > item > wp:comment > wp:commentmeta > wp:meta_key: deeper is never WXR.
KEPT_DEPTH = 6
FIELD_LIMITS = {
    "content:encoded": 8 << 20,
    "excerpt:encoded": 1 << 20,
    "wp:comment_content": 1 << 20,
    "wp:meta_value": 1 << 20,
}
DEFAULT_FIELD_LIMIT = 64 << 10

_WP_NS = re.compile(r"http://wordpress\.org/export/(1\.\d+)/")
_EXCERPT_NS = re.compile(r"http://wordpress\.org/export/1\.\d+/excerpt/")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))


class ExportError(Exception):
    """The export cannot be read at all (not XML, not WXR, or hostile)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)


class _Node:
    __slots__ = ("name", "attrs", "parts", "size", "children", "overflow", "line", "dropped")

    def __init__(self, name: str, attrs: dict[str, str], line: int) -> None:
        self.name, self.attrs, self.line = name, attrs, line
        self.parts: list[str] = []
        self.size = 0
        self.children: list[_Node] = []
        self.overflow = False
        #: Comments (not Liveblog entries) dropped from an item as they ended: the reader's own
        #: count, never read from the export (whose attributes are in ``attrs``).
        self.dropped = 0

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def first(self, name: str) -> _Node | None:
        return next((child for child in self.children if child.name == name), None)

    def get(self, name: str) -> str:
        child = self.first(name)
        return child.text if child is not None else ""


def _shorten(tag: str) -> str:
    if not tag.startswith("{"):
        return tag
    uri, _sep, local = tag[1:].partition("}")
    if _WP_NS.fullmatch(uri):
        return "wp:" + local
    if _EXCERPT_NS.fullmatch(uri):
        return "excerpt:" + local
    if uri == _CONTENT_NS:
        return "content:" + local
    if uri == _DC_NS:
        return "dc:" + local
    return "?:" + local


class _Target:
    """ElementTree parser target keeping one channel-level element at a time."""

    def __init__(self) -> None:
        self.expat: Any = None
        self.stack: list[_Node | None] = []
        self.names: dict[str, str] = {}
        self.events: list[tuple[str, Any]] = []
        self.channel = Channel()
        self.wordpress = False
        self.in_channel = False
        self.top: _Node | None = None
        self.top_chars = 0
        self.top_too_big = False
        self.last_event_byte = 0

    def _name(self, tag: str) -> str:
        name = self.names.get(tag)
        if name is None:
            if len(self.names) >= MAX_NAMES:
                raise ExportError(
                    f"the export uses more than {MAX_NAMES:,} different element names "
                    "(a WordPress export uses a few dozen)",
                    self.line,
                )
            name = self.names[tag] = _shorten(tag)
            if name.startswith("wp:"):
                self.wordpress = True
        return name

    @property
    def line(self) -> int:
        return self.expat.CurrentLineNumber if self.expat is not None else 0

    def _tick(self) -> None:
        self.last_event_byte = self.expat.CurrentByteIndex

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self._tick()
        name, depth = self._name(tag), len(self.stack) + 1
        if depth == 1 and name != "rss":
            raise ExportError(
                f"this is not a WordPress export: its root element is <{name[:40]}>, not <rss>"
            )
        if depth == 2:
            self.in_channel = name == "channel"
        parent = self.stack[-1] if self.stack else None
        keep = self.in_channel and (depth == 3 or (parent is not None and depth <= KEPT_DEPTH))
        if keep and depth > 3 and not self._room():
            keep = False
        node = _Node(name, dict(attrs), self.line) if keep else None
        if node is not None:
            if depth == 3:
                self.top, self.top_chars, self.top_too_big = node, 0, False
            else:
                parent.children.append(node)  # type: ignore[union-attr]
                self.top_chars += 64
        self.stack.append(node)

    def _room(self) -> bool:
        if self.top_too_big or self.top is None:
            return False
        if self.top_chars > MAX_ITEM_CHARS or len(self.top.children) >= MAX_CHILDREN:
            self.top_too_big = True
            self.top.children.clear()
            return False
        return True

    def data(self, text: str) -> None:
        # Text streams through in pieces, so a long one (a pasted base64 image) is no runaway
        # token: its post fails at its field's cap, and the rest of the export is read.
        self._tick()
        node = self.stack[-1] if self.stack else None
        if node is None or node.overflow:
            return
        if node.size + len(text) > FIELD_LIMITS.get(node.name, DEFAULT_FIELD_LIMIT):
            node.overflow = True
            self.top_chars -= node.size
            node.parts, node.size = [], 0
            return
        if self.top_chars + len(text) > MAX_ITEM_CHARS:
            self.top_too_big = True
            return
        node.parts.append(text)
        node.size += len(text)
        self.top_chars += len(text)

    def end(self, tag: str) -> None:
        self._tick()
        node = self.stack.pop()
        depth = len(self.stack) + 1
        if node is None:
            return
        if depth == 3:
            self._finish(node)
            self.top = None
        elif depth == 4 and node.name == "wp:comment" and node.get("wp:comment_type") != "liveblog":
            # Not a liveblog entry: the newsroom does not import comments, so it is counted and
            # forgotten now rather than held until the item ends.
            item = self.stack[-1]
            if item is not None and item.children and item.children[-1] is node:
                item.children.pop()
                item.dropped += 1

    def close(self) -> None:
        return None

    # Records -------------------------------------------------------------------------------

    def _finish(self, node: _Node) -> None:
        name = node.name
        channel = self.channel
        if name == "item":
            self.events.append(("item", records.read_item(node, self.top_too_big)))
        elif name == "wp:author":
            login = node.get("wp:author_login").strip()
            if login:
                self.events.append(
                    (
                        "author",
                        Author(
                            wp_id=values.wp_id(node.get("wp:author_id")),
                            login=login[:255],
                            email=node.get("wp:author_email")[:255],
                            display_name=values.plain_text(node.get("wp:author_display_name"), 255),
                            first_name=values.plain_text(node.get("wp:author_first_name"), 100),
                            last_name=values.plain_text(node.get("wp:author_last_name"), 100),
                        ),
                    )
                )
        elif name in ("wp:category", "wp:tag", "wp:term"):
            term = records.read_term(node)
            if term is not None:
                self.events.append(("term", term))
        elif name == "title" and not channel.title:
            channel.title = values.plain_text(node.text, 255)
        elif name == "link" and not channel.link:
            channel.link = node.text.strip()[:2048]
        elif name == "wp:base_site_url":
            channel.base_site_url = node.text.strip()[:2048]
        elif name == "wp:base_blog_url":
            channel.base_blog_url = node.text.strip()[:2048]
        elif name == "wp:wxr_version":
            channel.version = node.text.strip()[:10]


class ExportReader:
    """An export file, read as a stream of records each time it is iterated."""

    def __init__(self, path: Path, progress: Callable[[int, int], None] | None = None) -> None:
        self.path = Path(path)
        self.progress = progress
        self.channel = Channel()
        self.removed_control_characters = 0

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        target = _Target()
        parser = DefusedXMLParser(
            target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        target.expat = parser.parser
        self.channel = target.channel
        removed = fed = 0
        total = self.path.stat().st_size
        with self.path.open("rb") as export:
            head = export.read(512)
            export.seek(0)
            if problem := sniffing.packed_problem(head):
                raise ExportError(problem)
            if problem := sniffing.head_problem(head):
                raise ExportError(problem, 1)
            utf8 = sniffing.Utf8Check(head)
            strip = sniffing.one_byte_ascii(head)
            while chunk := export.read(CHUNK_BYTES):
                if problem := utf8.feed(chunk):
                    raise ExportError(problem, 1)
                if strip:
                    before = len(chunk)
                    chunk = chunk.translate(None, _CONTROL_BYTES)
                    removed += before - len(chunk)
                fed += len(chunk)
                self._feed(parser, target, chunk, utf8)
                if fed - target.last_event_byte > MAX_TOKEN_BYTES:
                    raise ExportError(
                        f"one XML token (a tag, comment or declaration) runs for more than "
                        f"{MAX_TOKEN_BYTES >> 20} MB",
                        target.line,
                    )
                yield from target.events
                target.events.clear()
                if self.progress:
                    self.progress(export.tell(), total)
            if problem := utf8.feed(b"", final=True):
                raise ExportError(problem, 1)
            self._feed(parser, target, None, utf8)
        yield from target.events
        target.events.clear()
        self.removed_control_characters = removed
        if not target.wordpress:
            raise ExportError(
                "this RSS file is not a WordPress export: it has no WordPress (wp:) elements"
            )

    def _feed(
        self,
        parser: DefusedXMLParser,
        target: _Target,
        chunk: bytes | None,
        utf8: sniffing.Utf8Check,
    ) -> None:
        try:
            if chunk is None:
                parser.close()
            else:
                parser.feed(chunk)
        except ParseError as error:
            if problem := utf8.problem():  # UTF-8 read as the declared single-byte encoding
                raise ExportError(problem, 1) from None
            line, column = getattr(error, "position", (None, None))
            message = str(error).split(":")[0]
            if message.startswith("no element found"):
                raise ExportError(
                    "the export is empty or ends before its last element is closed", line
                ) from None
            raise ExportError(
                f"the export is not well-formed XML ({message}, column {column})", line
            ) from None
        except EntitiesForbidden as error:
            raise ExportError(
                f"the export declares the entity {values.shown(error.name or '', 40)}; "
                "WordPress exports never do, and entities can expand to gigabytes or read "
                "local files, so the importer refuses them",
                target.line,
            ) from None
        except (ExternalReferenceForbidden, DTDForbidden) as error:
            raise ExportError(
                f"the export refers to an external resource ({values.shown(error.sysid or '')}); "
                "the importer never fetches anything",
                target.line,
            ) from None
        except RecursionError:
            raise ExportError("the export nests too deeply", target.line) from None
        except (LookupError, ValueError) as error:
            # pyexpat asks Python for the codec its XML declaration names, before the first
            # element: an unknown, multi-byte or binary codec raises here, not as a ParseError.
            if target.stack:
                raise
            raise ExportError(
                f"the export's XML declaration names an encoding the importer cannot read "
                f"({values.shown(str(error), 80)}); WordPress exports are UTF-8",
                target.line or 1,
            ) from None
