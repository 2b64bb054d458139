"""The newsroom's models; import them from here."""

from .articles import (
    ArticleAuthor,
    ArticleCorrection,
    ArticleRelatedLink,
    ArticleTag,
    NewsArticleMixin,
    NewsArticlePage,
    NewsIndexPage,
)
from .caching import CacheGeneration
from .imports import WordPressOrigin
from .live import (
    CoverageStatus,
    EntryOrder,
    LiveEntry,
    LiveEntryAuthor,
    LiveFeedCounter,
    LiveFeedMixin,
    LiveFeedPage,
)
from .previews import HeadlessPreview
from .taxonomy import Author, Source, Topic
from .webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ArticleAuthor",
    "ArticleCorrection",
    "ArticleRelatedLink",
    "ArticleTag",
    "Author",
    "CacheGeneration",
    "CoverageStatus",
    "EntryOrder",
    "HeadlessPreview",
    "LiveEntry",
    "LiveEntryAuthor",
    "LiveFeedCounter",
    "LiveFeedMixin",
    "LiveFeedPage",
    "NewsArticleMixin",
    "NewsArticlePage",
    "NewsIndexPage",
    "Source",
    "Topic",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WordPressOrigin",
]
