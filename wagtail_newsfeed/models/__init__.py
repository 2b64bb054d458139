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
    LiveFeedCounter,
    LiveFeedMixin,
    LiveFeedPage,
)
from .taxonomy import Author, Source, Topic

__all__ = [
    "ArticleAuthor",
    "ArticleCorrection",
    "ArticleRelatedLink",
    "ArticleTag",
    "Author",
    "CacheGeneration",
    "CoverageStatus",
    "EntryOrder",
    "LiveEntry",
    "LiveFeedCounter",
    "LiveFeedMixin",
    "LiveFeedPage",
    "NewsArticleMixin",
    "NewsArticlePage",
    "NewsIndexPage",
    "Source",
    "Topic",
    "WordPressOrigin",
]
