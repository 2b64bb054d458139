"""Output shapes of the API's resources.

Read serializers turn prefetched model instances into the documented JSON (blocks, images and
links through ``wagtail_newsfeed.serialization``). What clients may write is in ``writing``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from .. import live, rendering, serialization
from ..models import LiveEntry
from . import schema


def page_urls(page: Any, request: Any) -> tuple[str | None, str | None]:
    """``(absolute url, path)`` of a page within its site (worked out once per page object:
    a page's JSON shows both)."""
    known = page.__dict__.get("_newsfeed_url_parts")
    if known is not None and known[0] is request:
        return known[1]
    parts = page.get_url_parts(request=request)
    urls = (None, None) if parts is None else (f"{parts[1]}{parts[2]}", parts[2])
    page.__dict__["_newsfeed_url_parts"] = (request, urls)
    return urls


def body_json(value: Any, context: dict[str, Any]) -> list[dict[str, Any]]:
    return rendering.body_json(value, context)


class _Base(serializers.Serializer):
    @property
    def request(self) -> Any:
        return self.context.get("request")


class _PageBase(_Base):
    """The fields every page object carries: id, title, slug, absolute URL and URL path."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    path = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, page: Any) -> str | None:
        return page_urls(page, self.request)[0]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_path(self, page: Any) -> str | None:
        return page_urls(page, self.request)[1]


# Taxonomy -------------------------------------------------------------------------------------


class TopicSerializer(_Base):
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()


class SourceSerializer(_Base):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField(allow_null=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return serialization.source_json(instance)


class AuthorSerializer(_Base):
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.CharField()
    bio = serializers.CharField()
    photo = serializers.SerializerMethodField()

    @extend_schema_field(schema.ImageSchema(allow_null=True))
    def get_photo(self, author: Any) -> Any:
        return serialization.image_json(author.photo, self.context) if author.photo_id else None


# Articles -------------------------------------------------------------------------------------


class ArticleSummarySerializer(_PageBase):
    standfirst = serializers.CharField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)
    is_breaking = serializers.BooleanField()
    dateline = serializers.CharField()
    lead_image = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    authors = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    @extend_schema_field(schema.ImageSchema(allow_null=True))
    def get_lead_image(self, page: Any) -> Any:
        if not page.lead_image_id:
            return None
        return serialization.image_json(page.lead_image, self.context)

    @extend_schema_field(schema.TopicSchema(many=True))
    def get_topics(self, page: Any) -> list[dict[str, Any]]:
        return [serialization.topic_json(topic) for topic in page.get_topic_list()]

    @extend_schema_field(schema.AuthorSchema(many=True))
    def get_authors(self, page: Any) -> list[dict[str, Any]]:
        return [serialization.author_json(author, self.context) for author in page.get_authors()]

    @extend_schema_field(schema.SourceSchema(allow_null=True))
    def get_source(self, page: Any) -> Any:
        return serialization.source_json(page.source)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, page: Any) -> list[str]:
        return page.get_tag_names()


class CorrectionSerializer(_Base):
    kind = serializers.CharField()
    noted_at = serializers.DateTimeField()
    text = serializers.CharField()


class ArticleDetailSerializer(ArticleSummarySerializer):
    first_published_at = serializers.DateTimeField()
    last_published_at = serializers.DateTimeField()
    lead_image_caption = serializers.CharField()
    lead_image_credit = serializers.CharField()
    body = serializers.SerializerMethodField()
    corrections = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    seo = serializers.SerializerMethodField()

    @extend_schema_field(schema.body_schema())
    def get_body(self, page: Any) -> list[dict[str, Any]]:
        return body_json(page.body, self.context)

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, page: Any) -> list[dict[str, Any]]:
        return CorrectionSerializer(page.corrections.all(), many=True).data

    @extend_schema_field(schema.PageLinkSchema(many=True))
    def get_related(self, page: Any) -> list[dict[str, Any]]:
        return [
            {"id": p.pk, "title": p.title, "url": page_urls(p, self.request)[0]}
            for p in page.get_related_articles()
        ]

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(), help_text="`title` (SEO title) and `description`."
        )
    )
    def get_seo(self, page: Any) -> dict[str, str]:
        return {"title": page.seo_title or page.title, "description": page.search_description}


# Live feeds and entries -----------------------------------------------------------------------


class EntrySerializer(_Base):
    id = serializers.IntegerField()
    feed = serializers.IntegerField(source="feed_id")
    headline = serializers.CharField()
    body = serializers.SerializerMethodField()
    display_time = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    authors = serializers.SerializerMethodField()
    is_pinned = serializers.BooleanField()
    is_key_event = serializers.BooleanField()
    status = serializers.CharField()
    url = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send as `If-Match` when editing.")
    deleted = serializers.SerializerMethodField()

    @extend_schema_field(schema.body_schema())
    def get_body(self, entry: LiveEntry) -> list[dict[str, Any]]:
        return body_json(entry.body, self.context)

    @extend_schema_field(schema.AuthorSchema(many=True))
    def get_authors(self, entry: LiveEntry) -> list[dict[str, Any]]:
        return [serialization.author_json(a, self.context) for a in entry.authors.all()]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, entry: LiveEntry) -> str | None:
        feed_url = self.context.get("feed_url")
        if feed_url is None:
            feed_url = page_urls(entry.feed, self.request)[0]
        return f"{feed_url}#{entry.anchor}" if feed_url else None

    @extend_schema_field(serializers.BooleanField())
    def get_deleted(self, entry: LiveEntry) -> bool:
        return False


class EntrySummarySerializer(_Base):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    display_time = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, entry: LiveEntry) -> str | None:
        feed_url = self.context.get("feed_url")
        return f"{feed_url}#{entry.anchor}" if feed_url else None


class TombstoneSerializer(serializers.Serializer):
    """A deleted or unpublished entry, in delta sync."""

    id = serializers.IntegerField()
    deleted = serializers.BooleanField(help_text="Always true.")


class DeltaSyncSerializer(serializers.Serializer):
    """``?since=<cursor>``: the changes after that cursor."""

    results = serializers.SerializerMethodField(
        help_text="Changed entries in full and tombstones, oldest change first."
    )
    cursor = serializers.CharField(help_text="Send back as `since` on the next poll.")
    has_more = serializers.BooleanField(help_text="More changes wait: poll again at once.")

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="EntryOrTombstone",
            serializers=[EntrySerializer, TombstoneSerializer],
            resource_type_field_name=None,
            many=True,
        )
    )
    def get_results(self, data: Any) -> Any:
        return data["results"]


class EntryPageSerializer(serializers.Serializer):
    """A page of published entries in the feed's reading order."""

    cursor = serializers.CharField(help_text="The feed's current cursor, to start delta sync.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EntrySerializer(many=True)


class FeedSerializer(_PageBase):
    summary = serializers.SerializerMethodField()
    status = serializers.ChoiceField(
        source="coverage_status", choices=["upcoming", "live", "ended"]
    )
    coverage_start = serializers.DateTimeField(allow_null=True)
    coverage_end = serializers.DateTimeField(allow_null=True)
    entry_order = serializers.ChoiceField(choices=["newest_first", "oldest_first"])
    cursor = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(help_text="HTML with links resolved."))
    def get_summary(self, feed: Any) -> str:
        return serialization.rich_text_html(feed.summary, self.context)

    @extend_schema_field(serializers.CharField(help_text="Delta-sync cursor for `?since=`."))
    def get_cursor(self, feed: Any) -> str:
        if hasattr(feed, "api_version"):  # annotated by the view (None: no entry yet)
            version = feed.api_version or 0
        else:
            version = live.current_version(feed)
        return live.encode_cursor(feed, version)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_updated_at(self, feed: Any) -> Any:
        times = [
            t for t in (feed.last_published_at, getattr(feed, "api_entries_changed_at", None)) if t
        ]
        value = max(times) if times else None
        return serializers.DateTimeField().to_representation(value) if value else None


class FeedDetailSerializer(FeedSerializer):
    pinned = serializers.SerializerMethodField()
    key_events = serializers.SerializerMethodField()

    @extend_schema_field(EntrySerializer(allow_null=True))
    def get_pinned(self, feed: Any) -> Any:
        entry = self.context.get("pinned")
        return EntrySerializer(entry, context=self.context).data if entry else None

    @extend_schema_field(EntrySummarySerializer(many=True))
    def get_key_events(self, feed: Any) -> Any:
        return EntrySummarySerializer(
            self.context.get("key_events", []), many=True, context=self.context
        ).data
