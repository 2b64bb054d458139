"""Validating live-entry writes: the fields a client may send, and bodies checked by the same
block definitions the admin uses (rich text cleaned to the editor's features), with the block
errors reported per block."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from ..blocks import RICH_TEXT_FEATURES, ParagraphBlock
from ..models import Author, LiveEntry
from . import schema


class BlockValidationError(serializers.ValidationError):
    """A 400 whose problem body also carries Wagtail's structured ``block_errors``."""

    def __init__(self, messages: list[str], block_errors: Any) -> None:
        super().__init__(messages)
        self.block_errors = block_errors


def _error_messages(error: Any, path: str = "body") -> list[str]:
    data = error.as_json_data() if hasattr(error, "as_json_data") else {"messages": error.messages}
    out: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for message in node.get("messages", []):
                out.append(f"{where}: {message}")
            children = node.get("blockErrors") or {}
            items = children.items() if isinstance(children, dict) else enumerate(children)
            for key, child in items:
                if child:
                    step = f"[{key}]" if isinstance(key, int) or str(key).isdigit() else f".{key}"
                    walk(child, f"{where}{step}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)
        elif node:
            out.append(f"{where}: {node}")

    walk(data, path)
    return out or [_("Invalid blocks.")]


_sanitiser = EditorHTMLConverter(features=RICH_TEXT_FEATURES)


def _sanitise(block: Any, value: Any) -> Any:
    """Rich text from API clients keeps only the tags and attributes the editor allows.

    Clients write the stored format (``<a linktype="page" id="3">``); the whitelister reads the
    editor's (``data-linktype``/``data-id``), so internal links are renamed first to survive it.
    """
    if not (isinstance(block, ParagraphBlock) and isinstance(value, str)):
        return value
    soup = BeautifulSoup(value, "html.parser")
    for link in soup.find_all("a", attrs={"linktype": True}):
        link["data-linktype"] = link.attrs.pop("linktype")
        if "id" in link.attrs:
            link["data-id"] = link.attrs.pop("id")
    return _sanitiser.to_database_format(str(soup))


def clean_body(raw: Any) -> Any:
    """Validate ``[{type, value}]`` with the block library; 400 with block errors otherwise."""
    stream_block = LiveEntry._meta.get_field("body").stream_block
    if not isinstance(raw, list):
        raise serializers.ValidationError([_("Expected a list of blocks.")])
    prepared = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or "type" not in item or "value" not in item:
            raise serializers.ValidationError(
                [_("Block %(i)d: expected an object with `type` and `value`.") % {"i": index}]
            )
        child = stream_block.child_blocks.get(item["type"])
        if child is None:
            known = ", ".join(stream_block.child_blocks)
            raise serializers.ValidationError(
                [
                    _("Block %(i)d: unknown type %(type)r (known: %(known)s).")
                    % {"i": index, "type": item["type"], "known": known}
                ]
            )
        block = {"type": item["type"], "value": _sanitise(child, item["value"])}
        if item.get("id"):
            block["id"] = str(item["id"])
        prepared.append(block)
    try:
        value = stream_block.to_python(prepared)
        return stream_block.clean(value)
    except DjangoValidationError as error:
        data = error.as_json_data() if hasattr(error, "as_json_data") else None
        raise BlockValidationError(_error_messages(error), data) from None
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise serializers.ValidationError(
            [_("Invalid block value: %(e)s") % {"e": error}]
        ) from None


@extend_schema_field(schema.BlockInputSchema(many=True))
class BlockListField(serializers.ListField):
    child = serializers.JSONField()


class EntryWriteSerializer(serializers.Serializer):
    """Fields of a new or edited entry (PATCH: any subset). Draft entries need edit permission
    on the feed; anything readers see needs publish permission."""

    headline = serializers.CharField(required=False, allow_blank=True, max_length=255)
    body = BlockListField(required=True, help_text="Blocks as `[{type, value}]`.")
    is_pinned = serializers.BooleanField(required=False)
    is_key_event = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=LiveEntry.Status.choices, required=False)
    display_time = serializers.DateTimeField(required=False, allow_null=True)
    authors = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Author.objects.all(),
        many=True,
        required=False,
        help_text="Author slugs for the entry's byline.",
    )

    def validate_body(self, value: Any) -> Any:
        try:
            return clean_body(value)
        except BlockValidationError as error:
            self.block_errors = error.block_errors
            raise serializers.ValidationError(error.detail) from None

    def validated(self) -> dict[str, Any]:
        """``validated_data``, or a 400 carrying the field errors and any ``block_errors``."""
        if not self.is_valid():
            error = serializers.ValidationError(self.errors)
            error.block_errors = getattr(self, "block_errors", None)
            raise error
        return dict(self.validated_data)
