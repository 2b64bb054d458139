"""Showing stored bodies block by block, so that one value that cannot be shown costs only itself.

Every body is validated when it is written (``validation``), but rows written before that, by an
import or straight into the database can still hold a value that a template, a lookup or a
converter cannot take. Reader pages, fragments, the console, syndication, search and the API show
bodies through these functions: a block that fails is logged and left out for readers, editors
see a placeholder naming it, and the rest of the body and of the page are served as usual.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail.blocks import Block, ListBlock, StreamValue, StructBlock

logger = logging.getLogger(__name__)
PLACEHOLDER_TEMPLATE = "wagtail_newsfeed/includes/broken_block.html"
#: Tags that end a line of text: their words must not run into the next block's.
_BLOCK_BREAK = re.compile(
    r"<(?:br|hr|/?(?:p|div|h[1-6]|li|ul|ol|blockquote|table|tr|td|th|figure|figcaption))\b[^>]*>",
    re.IGNORECASE,
)


def plain_text(rich_text: str) -> str:
    """The words of a rich text (HTML) value: tags stripped, entities decoded, spaces collapsed,
    and a space where a paragraph, heading, list item or line break ended ("First. Second.",
    never "First.Second.").

    Decoding matters: the result is escaped again where a field is HTML, and must not be escaped
    twice (``&amp;`` shown to readers), nor show ``&amp;`` where a field is plain text.
    """
    return " ".join(html.unescape(strip_tags(_BLOCK_BREAK.sub(" ", rich_text or ""))).split())


def body_children(value: StreamValue | None) -> list[tuple[int, Any]]:
    """``(index, block)`` for each block of a body; ``block`` is None where it cannot be read.

    Wagtail converts the blocks of one type all at once, so one bad value would spoil every block
    of its type: when that happens the blocks are converted one at a time instead.
    """
    if not value:
        return []
    try:
        return list(enumerate(value))
    except Exception:  # noqa: BLE001 - any stored value may fail; the slow path finds which
        pass
    stream_block = value.stream_block
    children: list[tuple[int, Any]] = []
    for index, raw in enumerate(value.raw_data):
        block = stream_block.child_blocks.get(raw.get("type")) if isinstance(raw, dict) else None
        child = None
        if block is not None:
            try:
                child = StreamValue.StreamChild(
                    block, block.to_python(raw.get("value")), id=raw.get("id")
                )
            except Exception:  # noqa: BLE001
                _log_failure("reading", value, index, raw)
        children.append((index, child))
    return children


def render_body(
    value: StreamValue | None, context: dict[str, Any] | None = None, *, editor: bool = False
) -> SafeString:
    """The body's blocks as HTML (each with its own template), skipping what cannot render;
    ``editor`` shows a placeholder in its place instead. (``body_references.render_body`` reads
    its references once per kind, with those of the list it is part of.)"""
    parts = []
    for index, child in body_children(value):
        html = None
        if child is not None:
            try:
                html = child.render(context=context)
            except Exception:  # noqa: BLE001
                _log_failure("rendering", value, index, child)
        if html is not None:
            parts.append(str(html))
        elif editor:
            parts.append(placeholder(value, index, child))
    return mark_safe("".join(parts))  # noqa: S308 - each part is a block's own rendered HTML


def body_json(value: StreamValue | None, context: dict[str, Any] | None = None) -> list[Any]:
    """The body as API JSON (``[{type, value, id}]``), leaving out blocks that cannot be shown
    (``body_references.body_json`` reads its references once per kind, with its list's)."""
    out = []
    for index, child in body_children(value):
        if child is None:
            continue
        try:
            shown = child.block.get_api_representation(child.value, context=context)
        except Exception:  # noqa: BLE001
            _log_failure("serialising", value, index, child)
            continue
        out.append({"type": child.block.name, "value": shown, "id": child.id})
    return out


def body_text_parts(value: StreamValue | None) -> list[str]:
    """The body's searchable text (what search and summaries read), block by block.

    A body read from the database is read from its stored data (``_searchable_text``): no
    chooser gives text, so none is looked up, and a list of entries costs the same whatever its
    length.
    """
    if isinstance(value, StreamValue) and value.is_lazy:
        return _stored_text_parts(value)
    parts: list[str] = []
    for index, child in body_children(value):
        if child is None:
            continue
        try:
            parts.extend(child.block.get_searchable_content(child.value))
        except Exception:  # noqa: BLE001
            _log_failure("indexing", value, index, child)
    return parts


def _stored_text_parts(value: StreamValue) -> list[str]:
    """A stored body's text: a block whose searchable content is Wagtail's default (none, as
    for every chooser and embed) is skipped unread, structs and lists are walked as Wagtail walks
    them, and every other block is converted and asked, so the text is the converted body's."""
    parts: list[str] = []
    child_blocks = value.stream_block.child_blocks
    for index, raw in enumerate(value.raw_data):
        block = child_blocks.get(raw.get("type")) if isinstance(raw, dict) else None
        if block is None:
            continue
        try:
            parts.extend(_searchable_text(block, raw.get("value")))
        except Exception:  # noqa: BLE001 - any stored value may fail; the rest is still read
            _log_failure("indexing", value, index, None)
    return parts


def _searchable_text(block: Block, raw: Any) -> list[str]:
    """What ``block.get_searchable_content(block.to_python(raw))`` returns, without
    converting the blocks that give no text (no database query for a chooser)."""
    method = type(block).get_searchable_content
    if method is Block.get_searchable_content:
        return []  # Wagtail's default: no text, whatever the value
    if method is StructBlock.get_searchable_content:
        if not block.search_index:
            return []
        return [
            text
            for name, child in block.child_blocks.items()
            for text in (
                _searchable_text(child, raw[name])
                if name in raw
                else child.get_searchable_content(child.get_default())
            )
        ]
    if method is ListBlock.get_searchable_content:
        if not block.search_index:
            return []
        return [
            text
            for item in raw
            for text in _searchable_text(
                block.child_block, item["value"] if _in_block_format(item) else item
            )
        ]
    return block.get_searchable_content(block.to_python(raw))


def _in_block_format(item: Any) -> bool:
    """Whether a stored list item is ``{"type": "item", "value": ..., "id": ...}`` (Wagtail's
    ``ListBlock._item_is_in_block_format``), not a bare value."""
    if not isinstance(item, dict):
        return False
    return "id" in item and "value" in item and item.get("type") == "item"


def failing_blocks(value: StreamValue | None) -> list[tuple[int, str]]:
    """``(index, problem)`` for each block that cannot be read, rendered or serialised (for
    ``check_newsfeed_content``; nothing is logged)."""
    failures = []
    for index, child in body_children(value):
        if child is None:
            failures.append((index, "cannot be read"))
            continue
        for action, attempt in (
            ("rendered", child.render),
            ("serialised", lambda c=child: c.block.get_api_representation(c.value)),
        ):
            try:
                attempt()
            except Exception as error:  # noqa: BLE001
                failures.append((index, f"cannot be {action} ({type(error).__name__}: {error})"))
                break
    return failures


def placeholder(value: StreamValue | None, index: int, child: Any) -> str:
    block_type = child.block.name if child is not None else _raw_type(value, index)
    return render_to_string(PLACEHOLDER_TEMPLATE, {"index": index, "block_type": block_type})


def _raw_type(value: StreamValue | None, index: int) -> str:
    try:
        return str(value.raw_data[index].get("type", ""))
    except Exception:  # noqa: BLE001
        return ""


def _log_failure(action: str, value: Any, index: int, child: Any) -> None:
    block_type = getattr(getattr(child, "block", None), "name", None) or _raw_type(value, index)
    logger.exception(
        "Block body[%d] (%s) cannot be rendered (%s failed); it is left out for readers. "
        "Run `manage.py check_newsfeed_content` to list such content.",
        index,
        block_type,
        action,
    )
