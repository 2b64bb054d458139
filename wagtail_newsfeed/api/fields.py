"""DRF fields for the page models' ``api_fields``, so Wagtail's own pages API (v2) shows articles
and feeds in the same JSON shapes as this app's API (one serialisation module for both).

The models name the fields they show and import nothing from the API (docs/architecture.md);
``attach_page_api_serializers`` gives those fields these shapes from ``AppConfig.ready()``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.apps import apps
from rest_framework import serializers
from wagtail.api import APIField

from .. import serialization
from ..models.cleaning import tag_names


class _ReadOnly(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)


class UTCDateTimeField(serializers.DateTimeField):
    """A time as ISO 8601 in UTC with ``Z`` (``serialization.iso_datetime``), not in the site's
    time zone as DRF writes it: one format in every response, delta sync included."""

    def to_representation(self, value: Any) -> str | None:
        if isinstance(value, str):
            return value
        return serialization.iso_datetime(value) if value else None


class ImageJSONField(_ReadOnly):
    """An image as ``{id, title, alt, width, height, renditions}``."""

    def to_representation(self, value: Any) -> Any:
        return serialization.image_json(value, self.context)


class SourceJSONField(_ReadOnly):
    def to_representation(self, value: Any) -> Any:
        return serialization.source_json(value)


class TopicsJSONField(_ReadOnly):
    def to_representation(self, value: Any) -> Any:
        return [serialization.topic_json(topic) for topic in value.all()]


class AuthorsJSONField(_ReadOnly):
    """Byline authors; use with ``source="get_authors"``."""

    def to_representation(self, value: Any) -> Any:
        return [serialization.author_json(author, self.context) for author in value]


class TagsJSONField(_ReadOnly):
    def to_representation(self, value: Any) -> Any:
        return sorted(tag_names(tag.name for tag in value.all()))


class CorrectionsJSONField(_ReadOnly):
    def to_representation(self, value: Any) -> Any:
        return [
            {"kind": c.kind, "noted_at": serialization.iso_datetime(c.noted_at), "text": c.text}
            for c in value.all()
        ]


class RichTextHTMLField(_ReadOnly):
    """A stored rich-text field as HTML, cleaned by that field's features, links resolved
    (``serialization.rich_text_field_html``)."""

    def get_attribute(self, instance: Any) -> Any:
        *path, name = self.source_attrs
        for attr in path:
            instance = getattr(instance, attr)
        return serialization.rich_text_field_html(instance, name, self.context)

    def to_representation(self, value: Any) -> Any:
        return value


def _utc_datetime() -> serializers.Field:
    return UTCDateTimeField(read_only=True)


def page_api_serializers() -> dict[type, dict[str, Callable[[], serializers.Field]]]:
    """For each page model (or mixin), the API field names whose JSON shape this module gives.

    Keyed by the mixins too, so a site that builds its pages on them with the same names gets the
    same shapes.
    """
    from ..models import LiveFeedMixin, NewsArticleMixin, NewsIndexPage

    return {
        NewsIndexPage: {"intro": RichTextHTMLField},
        NewsArticleMixin: {
            "lead_image": ImageJSONField,
            "source": SourceJSONField,
            "topics": TopicsJSONField,
            "authors": lambda: AuthorsJSONField(source="get_authors"),
            "tags": TagsJSONField,
            "corrections": CorrectionsJSONField,
            "published_at": _utc_datetime,
            "updated_at": _utc_datetime,
        },
        LiveFeedMixin: {
            "summary": RichTextHTMLField,
            "coverage_start": _utc_datetime,
            "coverage_end": _utc_datetime,
        },
    }


def attach_page_api_serializers() -> None:
    """Give the page models' ``api_fields`` (and their subclasses') this app's JSON shapes.

    Only a field without a serializer of its own gets one, so a site's subclass may override a
    shape; calling it again changes nothing.
    """
    shapes = page_api_serializers()
    for model in apps.get_models():
        own_fields = model.__dict__.get("api_fields")
        if not own_fields:
            continue
        for base, fields in shapes.items():
            if issubclass(model, base):
                model.api_fields = [_with_shape(field, fields) for field in own_fields]
                break


def _with_shape(field: Any, fields: dict[str, Callable[[], serializers.Field]]) -> Any:
    name = getattr(field, "name", field)
    if name not in fields or getattr(field, "serializer", None) is not None:
        return field
    if isinstance(field, str):
        return APIField(field, serializer=fields[name]())
    shaped = copy.copy(field)
    shaped.serializer = fields[name]()
    return shaped
