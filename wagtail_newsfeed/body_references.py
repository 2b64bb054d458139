"""What the bodies of a list refer to, read once for the whole list.

A body's blocks look up what they point at one by one: a rich text value asks for its linked pages
and documents, a related article whether its page is visible, an embed for its ``Embed`` row, a
body for its chosen images, documents, pages and sources. In a list that is a query per block and
per reference. List code opens a ``scope`` over the bodies it is about to show; the first lookup
of a kind then reads that kind for every body of the scope in one query, with the rules the
per-item code applies (``visibility.visible_pages``, ``private_collections``, Wagtail's embed
expiry), and the per-item code reads from it. Anything the scope did not collect (or outside a
scope) is looked up as before. The memo lives in a context variable reset when the scope ends:
nothing is shared between lists or requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.embeds.blocks import EmbedBlock
from wagtail.rich_text.rewriters import LinkRewriter

from .converters import parse_id

_UNSET = object()


class _Memo:
    """The bodies of one list and what has been read for them so far (each kind once)."""

    def __init__(self, values: Iterable[Any], renditions: bool) -> None:
        self.renditions = renditions
        self.values = [value for value in values if isinstance(value, StreamValue)]
        self._refs: dict[str, set[Any]] | None = None
        self._prepared = False
        self._pages: Any = _UNSET
        self._documents: Any = _UNSET
        self._embeds: Any = _UNSET

    @property
    def refs(self) -> dict[str, set[Any]]:
        if self._refs is None:
            self._refs = {"pages": set(), "documents": set(), "embeds": set()}
            for value in self.values:
                try:
                    _walk(value.stream_block, list(value.raw_data), self._refs)
                except Exception:  # noqa: BLE001, S112 - a damaged body: its blocks look up alone
                    continue
        return self._refs

    def prepare(self) -> None:
        """Convert the blocks of every body at once: one query per chooser's model."""
        if not self._prepared:
            self._prepared = True
            from .serialization import prefetch_stream_values

            prefetch_stream_values(self.values, renditions=self.renditions)

    def pages(self) -> dict[str, Any]:
        """Visible pages (specific, without their bodies) by id, for every page referenced."""
        if self._pages is _UNSET:
            from wagtail.models import Page

            from .visibility import visible_pages

            ids = self.refs["pages"]
            self._pages = {}
            if ids:
                found = visible_pages(Page.objects.filter(id__in=ids))
                self._pages = {str(p.pk): p for p in found.defer_streamfields().specific()}
        return self._pages

    def documents(self) -> dict[str, Any]:
        """Documents outside private collections by id, for every document linked."""
        if self._documents is _UNSET:
            from wagtail.documents import get_document_model

            from .visibility import private_collections

            ids = self.refs["documents"]
            self._documents = {}
            if ids:
                public = get_document_model().objects.exclude(collection__in=private_collections())
                self._documents = {str(d.pk): d for d in public.filter(id__in=ids)}
        return self._documents

    def embeds(self) -> dict[str, Any]:
        """Unexpired ``Embed`` rows by hash (as ``get_embed`` reads them), for every embed."""
        if self._embeds is _UNSET:
            from django.utils.timezone import now
            from wagtail.embeds.embeds import get_embed_hash
            from wagtail.embeds.models import Embed

            hashes = {get_embed_hash(*key) for key in self.refs["embeds"]}
            self._embeds = {}
            if hashes:
                rows = Embed.objects.exclude(cache_until__lte=now()).filter(hash__in=hashes)
                self._embeds = {row.hash: row for row in rows}
        return self._embeds


_current: ContextVar[_Memo | None] = ContextVar("newsfeed_body_references", default=None)


@contextmanager
def scope(values: Iterable[Any], *, renditions: bool = False) -> Iterator[None]:
    """Within it, the references of ``values`` (StreamValues) are read once per kind. A scope
    already open is kept (the outer list covers more bodies); ids it lacks are looked up alone.
    ``renditions``: prefetch the API's renditions of the chosen images too (API lists)."""
    if _current.get() is not None:
        yield
        return
    token = _current.set(_Memo(values, renditions))
    try:
        yield
    finally:
        _current.reset(token)


def prepare() -> None:
    """Convert the blocks of every body of the open scope at once (before reading any)."""
    memo = _current.get()
    if memo is not None:
        memo.prepare()


def _known(ids: Iterable[Any], kind: str) -> bool:
    """Whether the open scope collected every one of ``ids`` (written as ids are stored)."""
    memo = _current.get()
    if memo is None:
        return False
    for i in ids:
        pk = parse_id(i)
        if pk is None or str(pk) != str(i) or pk not in memo.refs[kind]:
            return False
    return True


def pages(ids: list[Any]) -> list[Any] | None:
    """The visible pages for ``ids`` (None where hidden), or None if the scope lacks one."""
    if not ids or not _known(ids, "pages"):
        return None
    found = _current.get().pages()
    return [found.get(str(i)) for i in ids]


def page_visible(pk: Any) -> bool | None:
    """Whether page ``pk`` is visible, or None if no open scope knows it."""
    if pk is None or not _known([pk], "pages"):
        return None
    return str(pk) in _current.get().pages()


def documents(ids: list[Any]) -> list[Any] | None:
    """The public documents for ``ids`` (None where private), or None if the scope lacks one."""
    if not ids or not _known(ids, "documents"):
        return None
    found = _current.get().documents()
    return [found.get(str(i)) for i in ids]


def embed(url: str, max_width: Any = None, max_height: Any = None) -> Any:
    """The stored, unexpired ``Embed`` for these arguments if the open scope read it, else None
    (``get_embed`` then finds, fetches or stores it as usual)."""
    memo = _current.get()
    if memo is None or (url, max_width, max_height) not in memo.refs["embeds"]:
        return None
    from wagtail.embeds.embeds import get_embed_hash

    return memo.embeds().get(get_embed_hash(url, max_width, max_height))


def _walk(block: Any, raw: Any, refs: dict[str, set[Any]]) -> None:
    """Collect the references of a stored block value, as its block declares them."""
    if raw is None or block is None:
        return
    if isinstance(block, blocks.RichTextBlock):
        if isinstance(raw, str):
            _rich_text(raw, refs)
    elif isinstance(block, EmbedBlock):
        if isinstance(raw, str) and raw:
            meta = block.meta
            refs["embeds"].add(
                (raw, getattr(meta, "max_width", None), getattr(meta, "max_height", None))
            )
    elif isinstance(block, blocks.PageChooserBlock):
        pk = parse_id(raw)
        if pk is not None:
            refs["pages"].add(pk)
    elif isinstance(block, blocks.StreamBlock):
        for item in raw if isinstance(raw, list) else ():
            if isinstance(item, dict):
                _walk(block.child_blocks.get(item.get("type")), item.get("value"), refs)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child in block.child_blocks.items():
                _walk(child, raw.get(name), refs)
    elif isinstance(block, blocks.ListBlock):
        for item in raw if isinstance(raw, list) else ():
            listed = isinstance(item, dict) and "type" in item and "value" in item
            _walk(block.child_block, item["value"] if listed else item, refs)


def _rich_text(source: str, refs: dict[str, set[Any]]) -> None:
    """The page and document ids of a stored rich text's links, read by Wagtail's rewriter."""
    tags = LinkRewriter().extract_tags(source)
    for linktype, kind in (("page", "pages"), ("document", "documents")):
        for tag in tags.get(linktype, ()):
            pk = parse_id(tag.attrs.get("id"))
            if pk is not None:
                refs[kind].add(pk)


def render_body(value: Any, context: dict[str, Any] | None = None, *, editor: bool = False) -> Any:
    """``rendering.render_body`` with the body's references read once per kind, with those of
    the list it is part of (a scope of its own outside one)."""
    from .rendering import render_body as render

    with scope([value]):
        prepare()
        return render(value, context, editor=editor)


def body_json(value: Any, context: dict[str, Any] | None = None) -> list[Any]:
    """``rendering.body_json``, its references read as ``render_body``'s."""
    from .rendering import body_json as as_json

    with scope([value]):
        prepare()
        return as_json(value, context)
