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

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from . import choosing
from .body_walk import BodyWalk, Reference, depth, shows
from .conf import settings
from .xml import xml_safe

logger = logging.getLogger(__name__)


# References ----------------------------------------------------------------------------------


def _check_references(walk: BodyWalk, user: Any, kept: Iterable[choosing.Ref] = ()) -> None:
    """One query per kind of object, however many references the body holds. What the writer
    keeps from what they edit (``kept``) needs no check."""
    kept = set(kept)
    groups: dict[tuple[type, tuple[type, ...]], list[Reference]] = {}
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


#: A lone surrogate (half of a UTF-16 pair): JSON's ``\\ud800`` escape parses to one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_strings(data: Any, max_depth: int = 64) -> Any:
    """Parsed JSON with every string (keys too) cleaned by ``xml_safe``; ``ValueError`` if it
    nests deeper than ``max_depth``. Iterative, so no input can exhaust the stack. A lone
    surrogate in a key becomes U+FFFD rather than nothing, so a key of only that is still a
    name an error can give back (``{"\\ud800": 1}`` is an unknown field U+FFFD)."""
    if depth(data, max_depth) > max_depth:
        raise ValueError(_("The JSON nests deeper than %(n)d levels.") % {"n": max_depth})

    def clean(node: Any) -> Any:
        if isinstance(node, str):
            return xml_safe(node)
        if isinstance(node, list):
            return [clean(item) for item in node]
        if isinstance(node, dict):
            return {
                xml_safe(_LONE_SURROGATE.sub("\ufffd", key)): clean(item)
                for key, item in node.items()
            }
        return node

    return clean(data)


def clean_rich_text(
    value: Any, features: Any = None, user: Any = None, kept: Iterable[choosing.Ref] = ()
) -> str:
    """One rich-text value (a ``RichTextField``'s) cleaned and checked like those in bodies."""
    walk = BodyWalk(max_blocks=0)
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
    return shows(child.block, child.value)


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
    walk = BodyWalk(max_blocks=settings.BODY_MAX_BLOCKS)
    cleaned = walk.stream(stream_block, raw, ())
    walk.errors += walk.id_errors + walk.form_errors
    if not (must_show and not shows(stream_block, cleaned)):
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


def _limit_errors(raw: Any, max_bytes: int) -> list[str]:
    depth_limit = settings.BODY_MAX_DEPTH
    if depth(raw, depth_limit) > depth_limit:
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
