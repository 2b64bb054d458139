"""The walk over a raw block tree that every body check shares: one pass that cleans each value
as its block expects, collects each problem under its block path and notes every object the body
refers to. The write validator (``validation``) runs it on what a writer sends; the check of stored
bodies (``stored_bodies``) on what is already in the database.
"""

from __future__ import annotations

import html
import json
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructValue
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock

from . import rich_text
from .converters import parse_id
from .names import visible
from .tables import clean_table, hidden_cells
from .xml import xml_safe

logger = logging.getLogger(__name__)

#: The block ids Wagtail's editor writes (uuid4) and the importer derives (uuid5), and any other
#: id of that alphabet: the editor keys its blocks by them, in HTML attributes and scripts.
SAFE_BLOCK_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass
class Reference:
    """An object a body refers to, where (``path``), and the page types a page chooser allows."""

    model: type
    pk: int
    path: tuple
    page_types: tuple[type, ...] = ()


@dataclass
class BodyWalk:
    """One pass over a raw block tree: the cleaned tree, its problems and its references."""

    max_blocks: int
    blocks: int = 0
    errors: list[tuple[tuple, str]] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    #: Block and list item ids seen so far (shared by the walks of one body), and problems with
    #: ids: they are errors of a write, but do not keep a stored block from the editor.
    ids: set[str] = field(default_factory=set)
    id_errors: list[tuple[tuple, str]] = field(default_factory=list)
    #: Problems of a write that do not keep a stored block from the editor either: the editor
    #: reads the value and writes it its own way on saving (a number where text is expected,
    #: an id written with a leading zero).
    form_errors: list[tuple[tuple, str]] = field(default_factory=list)
    #: Required text fields inside blocks that hold nothing a reader would see: errors of a write
    #: too, but a body that shows nothing at all gets the one error that says so instead.
    blank_errors: list[tuple[tuple, str]] = field(default_factory=list)

    def error(self, path: tuple, message: str) -> None:
        self.errors.append((path, message))

    def visit(self, block: blocks.Block, value: Any, path: tuple) -> Any:
        """``value`` checked and cleaned as ``block``'s. Whatever a value makes a check raise is
        a problem of that block, never a 500, and is logged: it means a check missed a shape."""
        try:
            return self.visit_block(block, value, path)
        except Exception:
            logger.exception("Validating %s (%s) raised", path_label(path), type(block).__name__)
            self.error(path, _("This value could not be checked; it has an unexpected shape."))
            return None

    def block_id(self, value: Any, path: tuple) -> str:
        """The id a block or list item keeps: a safe one not used before in this body (a new one
        if it has none)."""
        if value in (None, ""):
            return str(uuid.uuid4())
        if not isinstance(value, str) or not SAFE_BLOCK_ID.fullmatch(value):
            self.id_errors.append(
                (path, _("A block id must be 1 to 64 letters, digits or “-” (a UUID)."))
            )
        elif value in self.ids:
            self.id_errors.append((path, _("Another block of this body has the same id.")))
        else:
            self.ids.add(value)
            return value
        return str(uuid.uuid4())

    def visit_block(self, block: blocks.Block, value: Any, path: tuple) -> Any:
        if isinstance(block, blocks.StreamBlock):
            return self.stream(block, value, path)
        if isinstance(block, blocks.ListBlock):
            return self.list(block, value, path)
        if isinstance(block, blocks.StructBlock):
            return self.struct(block, value, path)
        if isinstance(block, blocks.RichTextBlock):
            return self.rich_text(block, value, path)
        if isinstance(block, TableBlock):
            return clean_table(value, lambda message: self.error(path, message))
        if isinstance(block, blocks.ChooserBlock):
            return self.chooser(block, value, path)
        return self.scalar(block, value, path)

    def count(self) -> bool:
        self.blocks += 1
        if self.blocks == self.max_blocks + 1:
            self.error((), _("A body may hold at most %(n)d blocks.") % {"n": self.max_blocks})
        return self.blocks <= self.max_blocks

    def stream(self, block: blocks.StreamBlock, value: Any, path: tuple) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("Expected a list of blocks."))
            return []
        cleaned = []
        for index, item in enumerate(value):
            if not self.count():
                break
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                self.error((*path, (index, None)), _("Expected an object with `type` and `value`."))
                continue
            child = block.child_blocks.get(item["type"])
            if child is None:
                known = ", ".join(block.child_blocks)
                self.error(
                    (*path, (index, None)),
                    _("Unknown block type %(type)r (known: %(known)s).")
                    % {"type": xml_safe(item["type"])[:50], "known": known},
                )
                continue
            here = (*path, (index, child))
            cleaned.append(
                {
                    "type": item["type"],
                    "value": self.visit(child, item.get("value"), here),
                    "id": self.block_id(item.get("id"), here),
                }
            )
        return cleaned

    def field(self, block: blocks.Block, value: Any, path: tuple) -> Any:
        """A struct field or list item, checked as ``visit`` does; a required text field must
        show a reader something (Wagtail's required check takes a zero-width space for text)."""
        cleaned = self.visit(block, value, path)
        if _blank_required_text(block, cleaned):
            self.blank_errors.append((path, REQUIRED))
        return cleaned

    def list(self, block: blocks.ListBlock, value: Any, path: tuple) -> list[Any]:
        # None too: Wagtail cannot read a null list (nor the editor open it).
        if not isinstance(value, list):
            self.error(path, _("Expected a list."))
            return []
        cleaned = []
        for index, item in enumerate(value):
            if not self.count():
                break
            # Wagtail stores items as {"type": "item", "value": ..., "id": ...}; plain values
            # (the older format) are read too.
            is_wrapped = isinstance(item, dict) and item.get("type") == "item" and "value" in item
            raw = item["value"] if is_wrapped else item
            here = (*path, (index, block.child_block))
            cleaned.append(
                {
                    "type": "item",
                    "value": self.field(block.child_block, raw, here),
                    "id": self.block_id(item.get("id") if is_wrapped else None, here),
                }
            )
        return cleaned

    def struct(self, block: blocks.StructBlock, value: Any, path: tuple) -> dict[str, Any]:
        # None too (a null value, or a stored block without one): Wagtail cannot read it, and
        # the editor would fail to open the whole body. Left-out fields take their defaults.
        if not isinstance(value, dict):
            self.error(
                path,
                _("Expected an object with the fields %(names)s.")
                % {"names": ", ".join(block.child_blocks)},
            )
            return {}
        return {
            name: self.field(child, value[name], (*path, (name, child)))
            for name, child in block.child_blocks.items()
            if name in value
        }

    def rich_text(self, block: blocks.RichTextBlock, value: Any, path: tuple) -> str:
        return self.rich_html(value, block.features, path)

    def rich_html(self, value: Any, features: Any, path: tuple) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(path, _("Expected rich text (an HTML string)."))
            return ""
        try:
            html = rich_text.sanitise(xml_safe(value), features)
        except rich_text.NestingError:
            self.error(
                path,
                _("Rich text may not be nested more than %(depth)s elements deep.")
                % {"depth": rich_text.MAX_NESTING},
            )
            return ""
        refs = rich_text.references(html)
        for model, raw_id in refs:
            self.reference(model, raw_id, path, _("link"))
        if all(parse_id(raw_id) for _model, raw_id in refs):
            problem = rich_text.editor_problem(html, features)
            if problem:
                self.error(
                    path,
                    _("This rich text is nested in a way the editor cannot open (%(problem)s).")
                    % {"problem": problem},
                )
        return html

    def chooser(self, block: blocks.ChooserBlock, value: Any, path: tuple) -> Any:
        if value in (None, ""):
            return None
        page_types = tuple(getattr(block, "target_models", ()) or ())
        pk = self.reference(block.model_class, value, path, None, page_types)
        return pk

    def reference(
        self,
        model: type,
        raw_id: Any,
        path: tuple,
        kind: str | None,
        page_types: tuple[type, ...] = (),
    ) -> int | None:
        pk = parse_id(raw_id)
        if pk is None:
            self.error(
                path,
                _("%(what)s has an invalid id %(id)s.")
                % {"what": _describe(model, kind), "id": _shown(raw_id)},
            )
            return None
        if isinstance(raw_id, str) and raw_id != str(pk):
            # parse_id reads "05" as 5, but Wagtail's rich-text rewriter looks links up by the
            # id as written and finds nothing (a link without href): one way to write an id.
            self.form_errors.append(
                (
                    path,
                    _("%(what)s has an id with a leading zero (%(id)s); write %(pk)d.")
                    % {"what": _describe(model, kind), "id": _shown(raw_id), "pk": pk},
                )
            )
        self.references.append(Reference(model, pk, path, page_types))
        return pk

    def scalar(self, block: blocks.Block, value: Any, path: tuple) -> Any:
        if isinstance(value, str):
            return xml_safe(value)
        if value is None:
            return value
        if isinstance(value, bool | int | float):
            if _expects_text(block):
                # Wagtail would store it as it is, and fail on it later (an embed's lookup).
                self.form_errors.append((path, _("Expected text, not a number or true/false.")))
            return value
        self.error(path, _("Expected a single value, not a list or an object."))
        return None


#: Wagtail's (Django's) message for a required field left empty.
REQUIRED = forms.Field.default_error_messages["required"]


def _blank_required_text(block: blocks.Block, value: Any) -> bool:
    """Whether ``value`` fills a required text field (``CharBlock``, ``TextBlock``, rich text)
    with nothing a reader would see: zero-width spaces, joiners, direction controls, combining
    marks or blank letters alone (``names.visible``), or empty rich-text tags. Text that strips
    to nothing is left to Wagtail's own required check, which says the same."""
    if not isinstance(value, str) or not value.strip():
        return False
    if not isinstance(block, blocks.CharBlock | blocks.TextBlock | blocks.RichTextBlock):
        return False
    return block.required and not shows(block, value)


def _expects_text(block: blocks.Block) -> bool:
    """Whether ``block``'s value is text: its form field is a text field (``CharBlock``,
    ``TextBlock``, ``URLBlock``, ``EmbedBlock``, ``EmailBlock``, ``RegexBlock``...) or it is a
    ``ChoiceBlock``, whose choices are stored as text."""
    if isinstance(block, blocks.ChoiceBlock):
        return True
    return isinstance(block, blocks.FieldBlock) and isinstance(block.field, forms.CharField)


def _shown(value: Any) -> str:
    text = xml_safe(value if isinstance(value, str) else json.dumps(value, default=str))
    return repr(text[:30] + ("…" if len(text) > 30 else ""))


def _describe(model: type, kind: str | None) -> str:
    name = model._meta.verbose_name
    return _("A %(kind)s to a %(name)s") % {"kind": kind, "name": name} if kind else capfirst(name)


def depth(value: Any, limit: int) -> int:
    """How deeply lists and objects nest in ``value``, counting up to ``limit + 1`` at most."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list) and level > deepest:
            deepest = level
            if deepest > limit:
                return deepest
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def path_label(path: Iterable[tuple[Any, Any]], root: str = "body") -> str:
    """``body[2].body`` for a path of (index or field name, block) steps."""
    return root + "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key, _b in path)


def shows(block: blocks.Block | None, value: Any) -> bool:
    """Whether a reader would see anything in ``value`` (``validation.block_has_content``), as
    Wagtail reads it or as the walk leaves it (stream children as ``{type, value}``, list items
    as ``{type: "item", value}``)."""
    if isinstance(block, blocks.RichTextBlock):
        source = getattr(value, "source", value)
        if not isinstance(source, str):
            return False
        return "<embed" in source or bool(visible(html.unescape(strip_tags(source)).strip()))
    if isinstance(block, blocks.CharBlock | blocks.TextBlock):
        return isinstance(value, str) and bool(visible(value.strip()))
    if isinstance(block, blocks.StructBlock):
        return isinstance(value, dict) and any(
            shows(child, value.get(name)) for name, child in block.child_blocks.items()
        )
    if isinstance(block, blocks.ListBlock):
        return any(shows(block.child_block, _list_item(item)) for item in value or ())
    if isinstance(block, blocks.StreamBlock):
        return any(shows(*_stream_child(block, child)) for child in value or ())
    if isinstance(block, TableBlock):
        table = value if isinstance(value, dict) else {}
        hidden = hidden_cells(table)
        cells = [
            cell
            for index, row in enumerate(table.get("data") or ())
            if isinstance(row, list)
            for col, cell in enumerate(row)
            if (index, col) not in hidden
        ]
        texts = [*cells, table.get("table_caption")]
        return any(isinstance(text, str) and visible(text.strip()) for text in texts)
    if isinstance(block, blocks.ChooserBlock | EmbedBlock):
        return value not in (None, "")
    return False


def _list_item(item: Any) -> Any:
    if isinstance(item, dict) and not isinstance(item, StructValue) and item.get("type") == "item":
        return item.get("value")
    return item


def _stream_child(block: blocks.StreamBlock, child: Any) -> tuple[blocks.Block | None, Any]:
    if isinstance(child, dict):
        return block.child_blocks.get(child.get("type")), child.get("value")
    return child.block, child.value
