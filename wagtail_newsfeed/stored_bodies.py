"""Bodies already stored, read by the write validator's rules: what an editor could not open or
would have to change on saving (``check_newsfeed_content`` reports it), and a body the editor can
open for the damaged blocks left out (the console offers it). Data from before a rule existed, or
written around the validator, must never keep an editor out.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from wagtail import blocks

from . import rich_text
from .body_walk import BodyWalk, path_label
from .conf import settings
from .validation import _limit_errors


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
    return raw_body_problems(list(value.raw_data), value.stream_block)


def raw_body_problems(raw_body: Any, stream_block: blocks.StreamBlock) -> list[BodyProblem]:
    """``body_problems`` of a body as stored (the column's JSON): also what Wagtail cannot load
    at all (not a list, items that are not blocks) or leaves out without a word (unknown block
    types). The block cap counts the whole body, as the write validator does."""
    if raw_body is None:
        return []
    if not isinstance(raw_body, list):
        return [BodyProblem(-1, "body: " + _("Expected a list of blocks."), damaged=True)]
    problems: list[BodyProblem] = []
    ids: set[str] = set()  # duplicates across blocks count too
    counted = 0  # blocks so far, nested ones included: the cap is on the whole body
    for index, raw in enumerate(raw_body):
        walk = BodyWalk(max_blocks=settings.BODY_MAX_BLOCKS, ids=ids, blocks=counted)
        cleaned = walk.stream(stream_block, [raw], ())
        counted = walk.blocks
        for path, message in walk.errors:
            if not path:  # over the block cap: the editor opens it, saving is refused
                problems.append(BodyProblem(index, f"body: {message}", damaged=False))
                continue
            label = path_label(((index, None), *path[1:]))
            problems.append(BodyProblem(index, f"{label}: {message}", damaged=True))
        for path, message in walk.id_errors:
            label = path_label(((index, None), *path[1:]))
            problems.append(BodyProblem(index, f"{label}: {message}", False, new_id=True))
        for path, message in walk.form_errors + walk.blank_errors:
            label = path_label(((index, None), *path[1:]))
            problems.append(BodyProblem(index, f"{label}: {message}", damaged=False))
        if not walk.errors and cleaned and _markup_removed(raw, cleaned[0]):
            message = _("body[%(i)d]: holds markup the editor cannot write") % {"i": index}
            problems.append(BodyProblem(index, message, damaged=False))
        if counted > settings.BODY_MAX_BLOCKS:
            break
    return problems


def limit_problems(raw_body: Any, max_bytes: int) -> list[BodyProblem]:
    """The write validator's caps on a whole stored body: how deep it nests, how many bytes."""
    return [
        BodyProblem(-1, f"body: {message}", False) for message in _limit_errors(raw_body, max_bytes)
    ]


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
