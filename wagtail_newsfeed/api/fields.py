"""DRF fields for the page models' ``api_fields``, so Wagtail's own pages API (v2) shows articles
and feeds in the same JSON shapes as this app's API (one serialisation module for both)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .. import serialization


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
        return sorted(tag.name for tag in value.all())


class CorrectionsJSONField(_ReadOnly):
    def to_representation(self, value: Any) -> Any:
        return [
            {"kind": c.kind, "noted_at": serialization.iso_datetime(c.noted_at), "text": c.text}
            for c in value.all()
        ]


class RichTextHTMLField(_ReadOnly):
    """Stored rich text as HTML with links resolved."""

    def to_representation(self, value: Any) -> Any:
        return serialization.rich_text_html(value, self.context)
