"""Validating live-entry writes: the fields a client may send, and bodies checked by the app's
one write validator (``wagtail_newsfeed.validation``, the same function every admin form calls),
with the block errors reported per block path."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request

from .. import choosing, validation
from ..conf import settings
from ..local_time import other_digits, unreadable_local_time
from ..models import Author, LiveEntry
from .schema import components


def json_kind(value: Any) -> str:
    """What a JSON value is, for a message to the client who sent it."""
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    return _("a list")


def request_object(request: Request) -> Mapping[str, Any]:
    """The parsed body of a write: a JSON object, else a 400 like a body that is not JSON at
    all (``parsers.WriteJSONParser``), saying what was sent. DRF reads a body of zero bytes as
    ``{}`` without asking the parser, so an empty PATCH would be a 200 that changed nothing; and
    a list, ``null``, a string or a number would reach the serializer, whose answer names DRF's
    ``non_field_errors`` rather than the body."""
    data = request.data  # parses first: a 413, 415 or bad JSON answers before this
    if request.stream is None:
        raise exceptions.ParseError(_("A JSON object is required; the request body is empty."))
    if not isinstance(data, Mapping):
        raise exceptions.ParseError(
            _("A JSON object is required; the request body is %(kind)s.")
            % {"kind": json_kind(data)}
        )
    return data


class BlockValidationError(serializers.ValidationError):
    """A 400 whose problem body also carries Wagtail's structured ``block_errors``."""

    def __init__(self, messages: list[str], block_errors: Any) -> None:
        super().__init__(messages)
        self.block_errors = block_errors


def error_messages(error: DjangoValidationError, root: str = "body") -> list[str]:
    """A structured block error as flat ``"body[1].text: message"`` lines (for the API)."""
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

    walk(data, root)
    return out or [_("Invalid blocks.")]


def clean_body(raw: Any, user: Any = None, kept: Any = ()) -> Any:
    """The entry body through the app's one write validator (``wagtail_newsfeed.validation``);
    a 400 naming each bad block's path otherwise. ``kept``: the references of the entry edited,
    which the writer may keep."""
    try:
        return validation.clean_entry_body(raw, user, kept)
    except DjangoValidationError as error:
        data = error.as_json_data() if hasattr(error, "as_json_data") else None
        raise BlockValidationError(error_messages(error), data) from None


class JSONValueField(serializers.Field):
    """Any parsed JSON value, as sent: the body's validator says what is wrong with a block.
    DRF's ``JSONField`` refuses a number past any float (``1e400``, infinity to Python) as
    "not valid JSON", naming no block."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(components.BlockInputSchema(many=True))
class BlockListField(serializers.ListField):
    child = JSONValueField()


class TextField(serializers.CharField):
    """A JSON string: DRF's ``CharField`` would store the number ``12345`` as "12345" and
    ``1e400`` as "inf"."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            raise serializers.ValidationError(_("Expected text, not a number or true/false."))
        return super().to_internal_value(data)


class DisplayTimeField(serializers.DateTimeField):
    """A date-time; one Python cannot convert to UTC (a naive time late on 31 December 9999 in
    a zone west of UTC) is invalid, not an ``OverflowError``. One without an offset is read in
    the site's time zone, and one that happens twice there or not at all is refused, as in the
    console (``local_time``), rather than read one way silently; so is one written in other
    digits than 0-9."""

    def to_internal_value(self, value: Any) -> Any:
        if problem := other_digits(value):
            raise serializers.ValidationError(problem)
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="ISO 8601")

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value) and (unreadable := unreadable_local_time(value)):
            raise serializers.ValidationError(unreadable)
        return super().enforce_timezone(value)


class AuthorSlugsField(serializers.ListField):
    """Author slugs, in byline order: at most ``ENTRY_MAX_AUTHORS``, none twice, all resolved in
    one query."""

    child = TextField(max_length=255)

    def to_internal_value(self, data: Any) -> list[Author]:
        slugs = super().to_internal_value(data)
        maximum = settings.ENTRY_MAX_AUTHORS
        if len(slugs) > maximum:
            raise serializers.ValidationError(
                _("At most %(n)d authors may be named.") % {"n": maximum}
            )
        twice = next((slug for i, slug in enumerate(slugs) if slug in slugs[:i]), None)
        if twice is not None:
            raise serializers.ValidationError(
                _("The author %(slug)r is named twice.") % {"slug": twice}
            )
        found = Author.objects.in_bulk(slugs, field_name="slug")
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise serializers.ValidationError(
                _("No author with the slug %(slug)r.") % {"slug": missing[0]}
            )
        return [found[slug] for slug in slugs]


#: How many unknown fields a 400 names: a body of thousands of made-up keys gets a short answer.
MAX_UNKNOWN_NAMED = 10
MAX_NAME_LENGTH = 100


class EntryWriteSerializer(serializers.Serializer):
    """Fields of a new or edited entry (PATCH: any subset). Draft entries need edit permission
    on the feed; anything readers see needs publish permission."""

    headline = TextField(required=False, allow_blank=True, max_length=255)
    body = BlockListField(required=True, help_text="Blocks as `[{type, value}]`.")
    is_pinned = serializers.BooleanField(required=False)
    is_key_event = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=LiveEntry.Status.choices, required=False)
    display_time = DisplayTimeField(required=False, allow_null=True)
    authors = AuthorSlugsField(required=False, help_text="Author slugs for the entry's byline.")

    def validate_body(self, value: Any) -> Any:
        request, entry = self.context.get("request"), self.context.get("entry")
        kept = choosing.object_references(entry) if entry is not None else ()
        try:
            return clean_body(value, getattr(request, "user", None), kept)
        except BlockValidationError as error:
            self.block_errors = error.block_errors
            raise serializers.ValidationError(error.detail) from None

    def unknown_fields(self) -> dict[str, list[str]]:
        """An error for each field sent that an entry does not take. DRF drops them silently,
        so a misspelt ``is_pinnned`` would be a 200 that changed nothing; fields the API only
        returns (``id``, ``version``, …) are refused too, whatever their value: an entry as
        read is not in the form it is written (authors as objects, images expanded)."""
        data = self.initial_data
        if not isinstance(data, Mapping):
            return {}  # the serializer's own error says what the body should be
        # Named as sent, up to a length: a key may be as long as the body.
        # A name of characters XML cannot carry alone is cleaned to nothing: shown as "".
        unknown = sorted(
            str(name)[:MAX_NAME_LENGTH] or '""' for name in data if name not in self.fields
        )
        message = _("An entry has no such field to write; the writable fields are: %(f)s.") % {
            "f": ", ".join(self.fields)
        }
        return {name: [message] for name in unknown[:MAX_UNKNOWN_NAMED]}

    def validated(self) -> dict[str, Any]:
        """``validated_data``, or a 400 carrying the field errors (unknown fields included)
        and any ``block_errors``."""
        valid = self.is_valid()
        unknown = self.unknown_fields()
        if not valid or unknown:
            errors = {**(self.errors if not valid else {}), **unknown}
            error = serializers.ValidationError(errors)
            error.block_errors = getattr(self, "block_errors", None)
            raise error
        return dict(self.validated_data)
