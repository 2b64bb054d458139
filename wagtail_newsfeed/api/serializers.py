"""Output shapes of the API's resources.

Read serializers turn prefetched model instances into the documented JSON (blocks, images and
links through ``wagtail_newsfeed.serialization``). What clients may write is in ``writing``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from .. import body_references, delta, jsonld, serialization
from ..fragments import cached_many
from ..models import LiveEntry
from ..models.articles import listing_prefetches
from ..visibility import visible_articles
from .fields import UTCDateTimeField
from .schema import components


def page_url_and_path(page: Any, request: Any) -> tuple[str | None, str | None]:
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
    return body_references.body_json(value, context)


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
        return page_url_and_path(page, self.request)[0]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_path(self, page: Any) -> str | None:
        return page_url_and_path(page, self.request)[1]


# Taxonomy -------------------------------------------------------------------------------------


class TopicSerializer(_Base):
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    # A typed field, not a SlugRelatedField: without a model serializer drf-spectacular cannot
    # tell what that gives, and warns on every schema request.
    parent = serializers.CharField(
        source="parent.slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the broader topic this one sits under (listed too), or null.",
    )


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

    @extend_schema_field(components.ImageSchema(allow_null=True))
    def get_photo(self, author: Any) -> Any:
        return serialization.image_json(author.photo, self.context) if author.photo_id else None


# Articles -------------------------------------------------------------------------------------


class KeptSummariesSerializer(serializers.ListSerializer):
    """A list whose items' JSON is kept as rendered pieces (``fragments.cached_many``) by each
    page's version (``Page.cache_key``'s parts) and the request's scheme and host, which the
    absolute URLs depend on. Items may be pages or rows of ``SUMMARY_KEYS`` (``ArticleList``
    pages through those alone): the articles whose pieces missed are read whole, with what they
    show, in one set of queries."""

    def to_representation(self, data: Any) -> list[Any]:
        rows = {_row_value(row, "pk"): row for row in data}
        request = self.context.get("request")
        host = (request.scheme, request.get_host()) if request is not None else ()

        def compute(missing: list[int]) -> dict[int, Any]:
            read = list(
                visible_articles()
                .filter(pk__in=missing)
                .select_related("source")
                .defer_streamfields()  # summaries show no body
            )
            prefetch_related_objects(read, *self.child.prefetches())
            return {page.pk: self.child.to_representation(page) for page in read}

        pieces = cached_many(
            "api-article-summary",
            {
                pk: (pk, _row_value(row, "url_path"), _row_value(row, "last_published_at"), *host)
                for pk, row in rows.items()
            },
            compute,
            request,
        )
        return [pieces[pk] for pk in rows if pk in pieces]


#: What a list of summaries needs of each article's row to find its kept piece and page on.
SUMMARY_KEYS = ("pk", "url_path", "last_published_at", "published_at")


def _row_value(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


class ArticleSummarySerializer(_PageBase):
    standfirst = serializers.CharField()
    published_at = UTCDateTimeField(allow_null=True)
    updated_at = UTCDateTimeField(allow_null=True)
    is_breaking = serializers.BooleanField()
    dateline = serializers.CharField()
    lead_image = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    authors = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    @extend_schema_field(components.ImageSchema(allow_null=True))
    def get_lead_image(self, page: Any) -> Any:
        if not page.lead_image_id:
            return None
        return serialization.image_json(page.lead_image, self.context)

    @extend_schema_field(components.TopicSchema(many=True))
    def get_topics(self, page: Any) -> list[dict[str, Any]]:
        return [serialization.topic_json(topic) for topic in page.get_topic_list()]

    @extend_schema_field(components.AuthorSchema(many=True))
    def get_authors(self, page: Any) -> list[dict[str, Any]]:
        return [serialization.author_json(author, self.context) for author in page.get_authors()]

    @extend_schema_field(components.SourceSchema(allow_null=True))
    def get_source(self, page: Any) -> Any:
        return serialization.source_json(page.source)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, page: Any) -> list[str]:
        return page.get_tag_names()

    class Meta:
        list_serializer_class = KeptSummariesSerializer

    @staticmethod
    def prefetches() -> list[Any]:
        """What a summary shows beyond the page's own row and its source."""
        images = serialization.images_with_renditions()
        return [Prefetch("lead_image", queryset=images), *listing_prefetches(author_photos=images)]


class CorrectionSerializer(_Base):
    kind = serializers.CharField()
    noted_at = UTCDateTimeField()
    text = serializers.CharField()


class ArticleDetailSerializer(ArticleSummarySerializer):
    first_published_at = UTCDateTimeField(allow_null=True)
    last_published_at = UTCDateTimeField(allow_null=True)
    lead_image_caption = serializers.CharField()
    lead_image_credit = serializers.CharField()
    body = serializers.SerializerMethodField()
    corrections = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    seo = serializers.SerializerMethodField()

    @extend_schema_field(components.body_schema())
    def get_body(self, page: Any) -> list[dict[str, Any]]:
        return body_json(page.body, self.context)

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, page: Any) -> list[dict[str, Any]]:
        return CorrectionSerializer(page.corrections.all(), many=True).data

    @extend_schema_field(components.PageLinkSchema(many=True))
    def get_related(self, page: Any) -> list[dict[str, Any]]:
        return [
            {"id": p.pk, "title": p.title, "url": page_url_and_path(p, self.request)[0]}
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


def entry_prefetches() -> list[Any]:
    """What ``EntrySerializer`` reads besides the entry: the byline in order and the authors'
    photos with their API renditions, for any number of entries in a fixed number of queries."""
    from wagtail.images import get_image_model

    from ..models.live import byline_prefetches

    photos = get_image_model().objects.prefetch_renditions(
        *serialization.rendition_specs().values()
    )
    return byline_prefetches(author_photos=photos)


class EntrySerializer(_Base):
    id = serializers.IntegerField()
    feed = serializers.IntegerField(source="feed_id")
    headline = serializers.CharField()
    body = serializers.SerializerMethodField()
    display_time = UTCDateTimeField()
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    authors = serializers.SerializerMethodField()
    is_pinned = serializers.BooleanField()
    is_key_event = serializers.BooleanField()
    status = serializers.CharField()
    url = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send as `If-Match` when editing.")
    deleted = serializers.SerializerMethodField()

    @extend_schema_field(components.body_schema())
    def get_body(self, entry: LiveEntry) -> list[dict[str, Any]]:
        return body_json(entry.body, self.context)

    @extend_schema_field(components.AuthorSchema(many=True))
    def get_authors(self, entry: LiveEntry) -> list[dict[str, Any]]:
        return [serialization.author_json(a, self.context) for a in entry.get_authors()]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, entry: LiveEntry) -> str | None:
        feed_url = self.context.get("feed_url")
        if feed_url is None:
            feed_url = page_url_and_path(entry.feed, self.request)[0]
        return entry.permalink(feed_url) if feed_url else None

    @extend_schema_field(components.NOT_DELETED)
    def get_deleted(self, entry: LiveEntry) -> bool:
        return False


class EntrySummarySerializer(_Base):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    display_time = UTCDateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, entry: LiveEntry) -> str | None:
        feed_url = self.context.get("feed_url")
        return entry.permalink(feed_url) if feed_url else None


class TombstoneSerializer(serializers.Serializer):
    """A deleted or unpublished entry, in delta sync."""

    id = serializers.IntegerField()
    deleted = serializers.SerializerMethodField()

    @extend_schema_field(components.DELETED)
    def get_deleted(self, tombstone: Any) -> bool:
        return True


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
    coverage_start = serializers.SerializerMethodField()
    coverage_end = serializers.SerializerMethodField()
    entry_order = serializers.ChoiceField(choices=["newest_first", "oldest_first"])
    cursor = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(help_text="HTML with links resolved."))
    def get_summary(self, feed: Any) -> str:
        return serialization.rich_text_field_html(feed, "summary", self.context)

    @extend_schema_field(UTCDateTimeField(allow_null=True))
    def get_coverage_start(self, feed: Any) -> str | None:
        """As the page's JSON-LD states it (``jsonld.coverage_start``): coverage that has begun
        without a recorded start (a feed published as live) began at its first publication."""
        return serialization.iso_datetime(jsonld.coverage_start(feed))

    @extend_schema_field(UTCDateTimeField(allow_null=True))
    def get_coverage_end(self, feed: Any) -> str | None:
        return serialization.iso_datetime(jsonld.coverage_end(feed))

    @extend_schema_field(serializers.CharField(help_text="Delta-sync cursor for `?since=`."))
    def get_cursor(self, feed: Any) -> str:
        if hasattr(feed, "api_version"):  # annotated by the view (None: no entry yet)
            version = feed.api_version or 0
        else:
            version = delta.current_version(feed)
        return delta.encode_cursor(feed, version)

    @extend_schema_field(UTCDateTimeField(allow_null=True))
    def get_updated_at(self, feed: Any) -> Any:
        times = [
            t for t in (feed.last_published_at, getattr(feed, "api_entries_changed_at", None)) if t
        ]
        value = max(times) if times else None
        return serialization.iso_datetime(value)


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
