"""OpenAPI shapes of StreamField blocks and shared objects, and the API's security schemes, for
drf-spectacular.

These serializers only describe JSON (they are never used to produce it: the blocks'
``get_api_representation`` and ``wagtail_newsfeed.serialization`` do). Each block type is its own
component, ``{type, id, value}``, and a body is a list discriminated by ``type``. The security
schemes are extensions drf-spectacular finds by being imported: the serializers import this module.
"""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from ...blocks import NewsStreamBlock


class RenditionSchema(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ImageSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    alt = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = serializers.DictField(
        child=RenditionSchema(), help_text="Keyed by rendition name (setting API_RENDITIONS)."
    )


class DocumentSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()
    file_extension = serializers.CharField()


class PageLinkSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="Null if no site serves the page.")


class SourceSchema(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField(allow_null=True)


class TopicSchema(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class AuthorSchema(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.CharField()
    photo = ImageSchema(allow_null=True)


#: ``deleted`` of an entry and of a tombstone: a required constant each, so that in delta sync
#: (``oneOf`` entry or tombstone) every item matches exactly one of the two.
NOT_DELETED = {
    "type": "boolean",
    "enum": [False],
    "description": "Always false for an entry (true only in a tombstone).",
}
DELETED = {
    "type": "boolean",
    "enum": [True],
    "description": "Always true: the entry was deleted or unpublished.",
}


# Block values ---------------------------------------------------------------------------------


class HeadingValue(serializers.Serializer):
    text = serializers.CharField()
    level = serializers.ChoiceField(choices=["h2", "h3"])


class ImageValue(serializers.Serializer):
    image = ImageSchema(allow_null=True)
    decorative = serializers.BooleanField(
        help_text='The image adds nothing to the text: `alt` is "" (render `alt=""`).'
    )
    alt = serializers.CharField(allow_blank=True)
    caption = serializers.CharField()
    credit = serializers.CharField()


class QuoteValue(serializers.Serializer):
    text = serializers.CharField()
    attribution = serializers.CharField()


class EmbedValue(serializers.Serializer):
    url = serializers.URLField(allow_null=True)
    html = serializers.CharField(help_text="Provider embed HTML; empty if it cannot be fetched.")
    caption = serializers.CharField()


class KeyPointsValue(serializers.Serializer):
    title = serializers.CharField()
    points = serializers.ListField(child=serializers.CharField())


class FactBoxValue(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField(help_text="HTML with links resolved.")


class TableSpan(serializers.Serializer):
    row = serializers.IntegerField(min_value=0)
    col = serializers.IntegerField(min_value=0)
    rowspan = serializers.IntegerField(min_value=1)
    colspan = serializers.IntegerField(min_value=1)


class TableValue(serializers.Serializer):
    caption = serializers.CharField()
    first_row_is_header = serializers.BooleanField()
    first_col_is_header = serializers.BooleanField()
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)),
        help_text="Every stored cell in its row and column; null for a cell readers do not see "
        "(hidden, as a cell a merge covers is).",
    )
    spans = TableSpan(
        many=True, help_text="Merged cells: rowspan and colspan of the cell at row, col."
    )


class RelatedArticleValue(serializers.Serializer):
    page = PageLinkSchema(allow_null=True, help_text="Null when the article is not public.")
    label = serializers.CharField()


class DocumentValue(serializers.Serializer):
    document = DocumentSchema(allow_null=True)
    title = serializers.CharField()


class SourceCreditValue(serializers.Serializer):
    source = SourceSchema(allow_null=True)
    note = serializers.CharField()


class TimelineEventValue(serializers.Serializer):
    when = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class TimelineValue(serializers.Serializer):
    title = serializers.CharField()
    events = TimelineEventValue(many=True)


BLOCK_VALUES = {
    "paragraph": lambda: serializers.CharField(help_text="HTML with links resolved."),
    "heading": HeadingValue,
    "image": ImageValue,
    "quote": QuoteValue,
    "pull_quote": QuoteValue,
    "embed": EmbedValue,
    "key_points": KeyPointsValue,
    "fact_box": FactBoxValue,
    "table": TableValue,
    "related_article": RelatedArticleValue,
    "document": DocumentValue,
    "source_credit": SourceCreditValue,
    "timeline": TimelineValue,
}


def _block_component(name: str) -> type[serializers.Serializer]:
    camel = "".join(part.title() for part in name.split("_"))
    return type(
        f"{camel}Block",
        (serializers.Serializer,),
        {
            "__doc__": f"A `{name}` block.",
            "type": serializers.ChoiceField(choices=[name]),
            "id": serializers.CharField(
                allow_null=True,
                help_text="The block's stable id (a UUID); null only for a block stored "
                "without one (content imported around Wagtail).",
            ),
            "value": BLOCK_VALUES[name](),
        },
    )


BLOCK_COMPONENTS = {name: _block_component(name) for name in NewsStreamBlock.base_blocks}


def body_schema() -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="Block",
        serializers=BLOCK_COMPONENTS,
        resource_type_field_name="type",
        many=True,
    )


class BlockInputSchema(serializers.Serializer):
    """A block to write: ``value`` in the stored form (rich text as HTML, images and documents
    and pages by id, sources by id, tables as Wagtail table data)."""

    type = serializers.ChoiceField(choices=list(NewsStreamBlock.base_blocks))
    value = serializers.JSONField()
    id = serializers.CharField(required=False)


class WagtailAPITokenScheme(OpenApiAuthenticationExtension):
    target_class = "wagtail_newsfeed.api.base.WagtailAPITokenAuthentication"
    name = "wagtailApiToken"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201
        return {"type": "http", "scheme": "bearer", "description": "Wagtail 8 API token."}


class CookieSessionScheme(SessionScheme):
    """The session, as drf-spectacular describes DRF's own (it matches no subclass)."""

    target_class = "wagtail_newsfeed.api.base.CookieSessionAuthentication"
