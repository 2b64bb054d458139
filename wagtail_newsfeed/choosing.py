"""What a writer may choose, what they keep and what they are shown: the images, documents and
pages that bodies, rich text and chooser fields refer to.

A writer may refer only to what they could pick in Wagtail's own choosers (its ``choose``
permissions for images and documents; any page). What someone else already put in the page or
entry they edit stays: a contributor fixing a typo is not refused the lead image an editor chose
from a collection the contributor cannot see. And a form shown again with an error does not show
what was refused: Wagtail's choosers and Draftail would render its title, thumbnail and file URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from . import rich_text
from .converters import parse_id

#: A reference: the model (``Page`` for every page type) and the object's id.
Ref = tuple[type, int]


def ref(model: type, pk: int) -> Ref:
    return (Page if issubclass(model, Page) else model, pk)


def choosable(model: type, ids: set[int], user: Any, page_types: tuple[type, ...] = ()) -> set[int]:
    """Which of ``ids`` ``user`` could pick in Wagtail's chooser for ``model`` (any existing
    object when there is no user: imports and management commands)."""
    if issubclass(model, Page):
        found = Page.objects.filter(pk__in=ids).exclude(depth=1)
        if page_types:
            found = found.type(*page_types)
    elif user is not None and model in permissioned_models():
        found = (
            permission_policy(model)
            .instances_user_has_any_permission_for(user, ["choose"])
            .filter(pk__in=ids)
        )
    else:
        found = model._default_manager.filter(pk__in=ids)
    return set(found.values_list("pk", flat=True))


def permissioned_models() -> tuple[type, ...]:
    """The models whose chooser follows collection permissions: images and documents."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return (get_image_model(), get_document_model())


def permission_policy(model: type) -> Any:
    try:  # Wagtail 8
        from wagtail.permissions import policy_registry
    except ImportError:  # Wagtail 7.4
        from wagtail.documents import get_document_model
        from wagtail.documents.permissions import permission_policy as documents
        from wagtail.images.permissions import permission_policy as images

        return documents if model is get_document_model() else images
    return policy_registry.get_by_type(model)


def refused(refs: Iterable[Ref], user: Any, kept: Iterable[Ref] = ()) -> set[Ref]:
    """Those of ``refs`` that ``user`` may not choose and that were not ``kept`` (already in
    what they edit): one query per model."""
    by_model: dict[type, set[int]] = {}
    kept = set(kept)
    for model, pk in refs:
        if (model, pk) not in kept:
            by_model.setdefault(model, set()).add(pk)
    out: set[Ref] = set()
    for model, ids in by_model.items():
        out |= {(model, pk) for pk in ids - choosable(model, ids, user)}
    return out


# Finding and removing references -------------------------------------------------------------


def _map(block: blocks.Block, value: Any, on_chooser: Callable, on_rich: Callable) -> Any:
    """``value`` (the raw JSON of ``block``) with each chooser value passed through
    ``on_chooser(model, value)`` and each rich text through ``on_rich(html)``; nothing else is
    touched, and a value of an unexpected shape is left as it is."""
    if isinstance(block, blocks.StreamBlock) and isinstance(value, list):
        return [
            {
                **item,
                "value": _map(
                    block.child_blocks[item["type"]], item.get("value"), on_chooser, on_rich
                ),
            }
            if isinstance(item, dict) and item.get("type") in block.child_blocks
            else item
            for item in value
        ]
    if isinstance(block, blocks.ListBlock) and isinstance(value, list):
        child = block.child_block
        return [
            {**item, "value": _map(child, item["value"], on_chooser, on_rich)}
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item
            else _map(child, item, on_chooser, on_rich)
            for item in value
        ]
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        return {
            name: _map(block.child_blocks[name], item, on_chooser, on_rich)
            if name in block.child_blocks
            else item
            for name, item in value.items()
        }
    if isinstance(block, blocks.RichTextBlock) and isinstance(value, str):
        return on_rich(value)
    if isinstance(block, blocks.ChooserBlock) and value not in (None, ""):
        return on_chooser(block.model_class, value)
    return value


def _raw(value: Any) -> Any:
    if isinstance(value, blocks.StreamValue):
        return value.stream_block.get_prep_value(value)
    return value


def body_references(stream_block: blocks.StreamBlock, value: Any) -> set[Ref]:
    """The references in a body (a ``StreamValue`` or its raw JSON)."""
    found: set[Ref] = set()

    def chooser(model: type, raw_id: Any) -> Any:
        pk = parse_id(raw_id)
        if pk is not None:
            found.add(ref(model, pk))
        return raw_id

    def rich(html: str) -> str:
        found.update(rich_text_references(html))
        return html

    _map(stream_block, _raw(value), chooser, rich)
    return found


def rich_text_references(html: Any) -> set[Ref]:
    if not isinstance(html, str):
        html = getattr(html, "source", None) or ""
    return {
        ref(model, pk)
        for model, raw_id in rich_text.references(html)
        if (pk := parse_id(raw_id)) is not None
    }


def without_body_references(stream_block: blocks.StreamBlock, value: Any, drop: set[Ref]) -> Any:
    """A body (a ``StreamValue`` or its raw JSON) without the references in ``drop``: their
    chooser values empty, their links unwrapped and their embeds removed."""

    def chooser(model: type, raw_id: Any) -> Any:
        pk = parse_id(raw_id)
        return None if pk is not None and ref(model, pk) in drop else raw_id

    def rich(html: str) -> str:
        return rich_text.without_references(html, lambda model, pk: ref(model, pk) in drop)

    pruned = _map(stream_block, _raw(value), chooser, rich)
    return stream_block.to_python(pruned) if isinstance(value, blocks.StreamValue) else pruned


def object_references(obj: models.Model) -> set[Ref]:
    """Every reference ``obj`` holds in its bodies, rich text and image or document fields."""
    found: set[Ref] = set()
    chosen = permissioned_models()
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if value in (None, ""):
            continue
        if isinstance(field, StreamField):
            found |= body_references(field.stream_block, value)
        elif isinstance(field, RichTextField):
            found |= rich_text_references(value)
        elif isinstance(field, models.ForeignKey) and field.related_model in chosen:
            found.add(ref(field.related_model, value))
    return found
