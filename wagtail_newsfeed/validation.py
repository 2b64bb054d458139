"""The one write validator: every body written to an article or a live entry passes through here,
whatever door it came by (the API, the live console, the Newsroom and page forms, importers).

``clean_body`` walks the whole block tree against the block definitions before Wagtail converts
anything, so no value can reach a database query, a template or a rendition in a shape that
breaks it:

- sizes are capped (bytes, blocks at any depth, nesting: ``conf`` settings);
- every string loses the characters XML cannot carry (they would break RSS, Atom and sitemaps);
- every rich-text value, at any depth, is cleaned with its editor's feature whitelist;
- every chooser, link and embed id is parsed and bounded, then must resolve to an object the
  writing user could pick in Wagtail's own choosers (its ``choose`` permissions);
- tables must have the shape Wagtail's table template renders;

and only then does Wagtail's own block validation run. Problems are raised as Wagtail's
structured block errors, so the admin shows each one beside its block and the API names its
path (``body[2].body``); nothing is saved.
"""

from __future__ import annotations

import html
import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError, StructValue
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock

from . import choosing, rich_text
from .conf import settings
from .converters import parse_id
from .names import visible
from .tables import clean_table, hidden_cells
from .xml import xml_safe

logger = logging.getLogger(__name__)

#: The block ids Wagtail's editor writes (uuid4) and the importer derives (uuid5), and any other
#: id of that alphabet: the editor keys its blocks by them, in HTML attributes and scripts.
SAFE_BLOCK_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass
class _Reference:
    model: type
    pk: int
    path: tuple
    page_types: tuple[type, ...] = ()


@dataclass
class _Walk:
    """One pass over a raw block tree: the cleaned tree, its problems and its references."""

    max_blocks: int
    blocks: int = 0
    errors: list[tuple[tuple, str]] = field(default_factory=list)
    references: list[_Reference] = field(default_factory=list)
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
        self.references.append(_Reference(model, pk, path, page_types))
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
    return block.required and not _shows(block, value)


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


def _depth(value: Any, limit: int) -> int:
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


# References ----------------------------------------------------------------------------------


def _check_references(walk: _Walk, user: Any, kept: Iterable[choosing.Ref] = ()) -> None:
    """One query per kind of object, however many references the body holds. What the writer
    keeps from what they edit (``kept``) needs no check."""
    kept = set(kept)
    groups: dict[tuple[type, tuple[type, ...]], list[_Reference]] = {}
    for reference in walk.references:
        if choosing.ref(reference.model, reference.pk) not in kept:
            groups.setdefault((reference.model, reference.page_types), []).append(reference)
    for (model, page_types), refs in groups.items():
        found = choosing.choosable(model, {r.pk for r in refs}, user, page_types)
        for reference in refs:
            if reference.pk not in found:
                walk.error(
                    reference.path,
                    _("There is no %(name)s with id %(id)d that you may choose.")
                    % {"name": _target_name(model, page_types), "id": reference.pk},
                )


def _target_name(model: type, page_types: tuple[type, ...]) -> str:
    names = [str(m._meta.verbose_name) for m in page_types] or [str(model._meta.verbose_name)]
    return " or ".join(names)


# Errors --------------------------------------------------------------------------------------


def path_label(path: Iterable[tuple[Any, Any]], root: str = "body") -> str:
    """``body[2].body`` for a path of (index or field name, block) steps."""
    return root + "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key, _b in path)


def _nested_error(block: Any, errors: list[tuple[tuple, str]]) -> ValidationError:
    """Wagtail's structured block error for ``errors`` (paths relative to ``block``)."""
    here = [message for path, message in errors if not path]
    children: dict[Any, tuple[Any, list[tuple[tuple, str]]]] = {}
    for path, message in errors:
        if path:
            (key, child), rest = path[0], path[1:]
            children.setdefault(key, (child, []))[1].append((rest, message))
    nested = {
        key: _nested_error(child, sub)
        if child is not None
        else ValidationError([m for _p, m in sub])
        for key, (child, sub) in children.items()
    }
    if isinstance(block, blocks.StreamBlock):
        return StreamBlockValidationError(block_errors=nested, non_block_errors=ErrorList(here))
    if isinstance(block, blocks.ListBlock):
        return ListBlockValidationError(block_errors=nested, non_block_errors=ErrorList(here))
    if isinstance(block, blocks.StructBlock):
        return StructBlockValidationError(block_errors=nested, non_block_errors=ErrorList(here))
    return ValidationError(here)


# The validator -------------------------------------------------------------------------------


def clean_strings(data: Any, max_depth: int = 64) -> Any:
    """Parsed JSON with every string (keys too) cleaned by ``xml_safe``; ``ValueError`` if it
    nests deeper than ``max_depth``. Iterative, so no input can exhaust the stack."""
    if _depth(data, max_depth) > max_depth:
        raise ValueError(_("The JSON nests deeper than %(n)d levels.") % {"n": max_depth})

    def clean(node: Any) -> Any:
        if isinstance(node, str):
            return xml_safe(node)
        if isinstance(node, list):
            return [clean(item) for item in node]
        if isinstance(node, dict):
            return {xml_safe(key): clean(item) for key, item in node.items()}
        return node

    return clean(data)


def clean_rich_text(
    value: Any, features: Any = None, user: Any = None, kept: Iterable[choosing.Ref] = ()
) -> str:
    """One rich-text value (a ``RichTextField``'s) cleaned and checked like those in bodies."""
    walk = _Walk(max_blocks=0)
    html = walk.rich_html(value, features, ())
    if not walk.errors:
        _check_references(walk, user, kept)
    if walk.errors:
        raise ValidationError([message for _path, message in walk.errors])
    return html


#: An entry body's error when a reader would see nothing in it.
EMPTY_ENTRY_BODY = gettext_lazy("Write something in the body: as it is, this entry would be empty.")


def block_has_content(child: Any) -> bool:
    """Whether a reader would see anything in a body block (a ``StreamChild``): text that is
    not tags, spaces, ``&nbsp;`` or zero-width characters alone (``names.visible``), or a chosen
    image, document, page, source or embed. An untouched paragraph, a heading of a zero-width
    space or a table of empty or hidden cells shows nothing; a choice or a flag alone shows
    nothing."""
    return _shows(child.block, child.value)


def _shows(block: blocks.Block | None, value: Any) -> bool:
    """``block_has_content`` for a value as Wagtail reads it or as the walk leaves it (stream
    children as ``{type, value}``, list items as ``{type: "item", value}``)."""
    if isinstance(block, blocks.RichTextBlock):
        source = getattr(value, "source", value)
        if not isinstance(source, str):
            return False
        return "<embed" in source or bool(visible(html.unescape(strip_tags(source)).strip()))
    if isinstance(block, blocks.CharBlock | blocks.TextBlock):
        return isinstance(value, str) and bool(visible(value.strip()))
    if isinstance(block, blocks.StructBlock):
        return isinstance(value, dict) and any(
            _shows(child, value.get(name)) for name, child in block.child_blocks.items()
        )
    if isinstance(block, blocks.ListBlock):
        return any(_shows(block.child_block, _list_item(item)) for item in value or ())
    if isinstance(block, blocks.StreamBlock):
        return any(_shows(*_stream_child(block, child)) for child in value or ())
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


def clean_entry_body(
    value: Any, user: Any = None, kept: Iterable[choosing.Ref] = ()
) -> blocks.StreamValue:
    """``clean_body`` for a live entry (``ENTRY_BODY_MAX_BYTES``), which must show readers
    something: the same rule at every door (console, API)."""
    from .models import LiveEntry

    stream_block = LiveEntry._meta.get_field("body").stream_block
    body = clean_body(
        value,
        stream_block,
        user,
        max_bytes=settings.ENTRY_BODY_MAX_BYTES,
        kept=kept,
        must_show=True,
    )
    if not any(block_has_content(block) for block in body):
        raise StreamBlockValidationError(non_block_errors=ErrorList([EMPTY_ENTRY_BODY]))
    return body


def clean_body(
    value: Any,
    stream_block: blocks.StreamBlock,
    user: Any = None,
    *,
    max_bytes: int,
    block_validation: bool = True,
    kept: Iterable[choosing.Ref] = (),
    must_show: bool = False,
) -> blocks.StreamValue:
    """``value`` (raw ``[{type, value}]`` JSON or a ``StreamValue``) checked and cleaned as
    described above; raises Wagtail's ``StreamBlockValidationError`` naming each problem.

    ``user`` is the writer whose choose permissions references must respect (None for trusted
    system writes such as imports); ``kept`` are the references already in what they edit,
    which they may keep (``choosing``). ``block_validation=False`` leaves out Wagtail's own block
    ``clean`` (required fields, embed lookups), for callers whose form field has just run it.
    ``must_show``: a body a reader would see nothing in is the caller's one error to raise
    (``clean_entry_body``), not one error per required field holding nothing visible.
    """
    raw = stream_block.get_prep_value(value) if isinstance(value, blocks.StreamValue) else value
    limit_errors = _limit_errors(raw, max_bytes)
    if limit_errors:
        raise StreamBlockValidationError(non_block_errors=ErrorList(limit_errors))
    walk = _Walk(max_blocks=settings.BODY_MAX_BLOCKS)
    cleaned = walk.stream(stream_block, raw, ())
    walk.errors += walk.id_errors + walk.form_errors
    if not (must_show and not _shows(stream_block, cleaned)):
        walk.errors += walk.blank_errors
    if not walk.errors:
        # Cleaning may grow a body (rich text stores "&" as "&amp;"): the cap is on what is stored.
        limit_errors = _size_errors(cleaned, max_bytes, cleaned=True)
        if limit_errors:
            raise StreamBlockValidationError(non_block_errors=ErrorList(limit_errors))
        _check_references(walk, user, kept)
    if walk.errors:
        raise _nested_error(stream_block, walk.errors)
    try:
        converted = stream_block.to_python(cleaned)
        return stream_block.clean(converted) if block_validation else converted
    except ValidationError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, LookupError) as error:
        # The walk should leave nothing for this to catch; if it does, it is still a 4xx, and
        # logged: a check of the walk missed a shape.
        logger.exception("Wagtail refused a body the validator had accepted")
        raise StreamBlockValidationError(
            non_block_errors=ErrorList([_("Invalid block value: %(e)s") % {"e": error}])
        ) from None


class BodyProblem(NamedTuple):
    """One stored block the validator would refuse (``damaged``: an editor could not open it)
    or that opens but would be changed or refused on saving: its rich text holds markup the
    editor cannot write, a value is of a type the editor writes its own way (a number as text,
    an id with a leading zero), a required text field shows nothing, or its id is unsafe or used
    twice (``new_id``: the id the editor gets instead)."""

    index: int
    message: str
    damaged: bool
    new_id: bool = False


def body_problems(value: blocks.StreamValue | None) -> list[BodyProblem]:
    """Each problem of each stored block, as ``"body[i]...: problem"``. Checks shapes and ids,
    not whether referenced objects still exist (a link to a deleted page is Wagtail's to show)."""
    if not value:
        return []
    stream_block = value.stream_block
    problems: list[BodyProblem] = []
    ids: set[str] = set()  # duplicates across blocks count too
    for index, raw in enumerate(value.raw_data):
        walk = _Walk(max_blocks=settings.BODY_MAX_BLOCKS, ids=ids)
        cleaned = walk.stream(stream_block, [raw], ())
        for path, message in walk.errors:
            label = path_label(((index, None), *path[1:]))
            problems.append(BodyProblem(index, f"{label}: {message}", damaged=True))
        for path, message in walk.id_errors:
            label = path_label(((index, None), *path[1:]))
            problems.append(BodyProblem(index, f"{label}: {message}", False, new_id=True))
        for path, message in walk.form_errors + walk.blank_errors:
            label = path_label(((index, None), *path[1:]))
            problems.append(BodyProblem(index, f"{label}: {message}", damaged=False))
        if not walk.errors and _markup_removed(raw, cleaned[0]):
            message = _("body[%(i)d]: holds markup the editor cannot write") % {"i": index}
            problems.append(BodyProblem(index, message, damaged=False))
    return problems


def repair_body(value: blocks.StreamValue) -> tuple[blocks.StreamValue, list[str]]:
    """For an editor opening a body with damaged blocks: the body without them (so the editor
    can open at all), and what was left out; blocks with unsafe or repeated ids get new ones.
    The stored row is unchanged until they save."""
    problems = body_problems(value)
    damaged = [problem for problem in problems if problem.damaged]
    new_ids = {problem.index for problem in problems if problem.new_id}
    if not damaged and not new_ids:
        return value, []
    left_out = {problem.index for problem in damaged}
    kept = [
        _with_new_ids(raw) if index in new_ids else raw
        for index, raw in enumerate(value.raw_data)
        if index not in left_out
    ]
    return value.stream_block.to_python(kept), [problem.message for problem in damaged]


def _with_new_ids(raw: dict[str, Any]) -> dict[str, Any]:
    """A stored block with a new id for itself and each list item in it (an unsafe or
    repeated id would keep the editor from saving, and it cannot change ids)."""

    def renew(node: Any) -> Any:
        if isinstance(node, list):
            return [renew(item) for item in node]
        if not isinstance(node, dict):
            return node
        renewed = {key: renew(item) for key, item in node.items()}
        if isinstance(node.get("type"), str) and "value" in node and "id" in node:
            renewed["id"] = str(uuid.uuid4())
        return renewed

    return renew(raw)


def _markup_removed(raw: Any, cleaned: dict[str, Any]) -> bool:
    """Whether cleaning changed any rich text beyond how it is written down."""
    before, after = _rich_texts(raw.get("value")), _rich_texts(cleaned.get("value"))
    return Counter(map(rich_text.markup_signature, before)) != Counter(
        map(rich_text.markup_signature, after)
    )


def _rich_texts(value: Any) -> list[str]:
    """Every string in a raw block value that looks like HTML (cheap pre-filter)."""
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "<" in node:
                found.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _limit_errors(raw: Any, max_bytes: int) -> list[str]:
    depth_limit = settings.BODY_MAX_DEPTH
    if _depth(raw, depth_limit) > depth_limit:
        return [_("The body nests deeper than %(n)d levels.") % {"n": depth_limit}]
    return _size_errors(raw, max_bytes)


def _size_errors(raw: Any, max_bytes: int, *, cleaned: bool = False) -> list[str]:
    # surrogatepass: a lone surrogate (from a Python caller) is removed by the walk, not here.
    size = len(json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass"))
    if size <= max_bytes:
        return []
    if cleaned:
        message = _(
            "The body is %(size)s bytes once cleaned (as stored, block ids and escaped "
            "characters included); the most it may be is %(max)s bytes."
        )
    else:
        message = _("The body is %(size)s bytes; the most it may be is %(max)s bytes.")
    # Exact counts: a rounded size over the cap ("64.0 KB") read like the cap itself.
    return [message % {"size": f"{size:,}", "max": f"{max_bytes:,}"}]
