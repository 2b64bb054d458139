"""Reader-facing URLs besides the pages: RSS and Atom feeds, and the live page's entry fragments.

Mount with ``path("newsfeed/", include("wagtail_newsfeed.urls"))`` before Wagtail's own URLs. The
Google News sitemap is not here: a sitemap may only list URLs under its own folder, so sites mount
``wagtail_newsfeed.sitemaps.news_sitemap`` at the root (see docs/distribution.md).
"""

from django.urls import path

from . import converters  # noqa: F401  (registers <newsfeed_id:...>)
from .syndication import (
    IndexArticlesFeed,
    LatestArticlesFeed,
    LiveFeedEntriesFeed,
    TopicArticlesFeed,
    atom,
)
from .views.live_fragments import live_fragments

app_name = "wagtail_newsfeed"

urlpatterns = [
    path("feeds/latest.rss", LatestArticlesFeed(), name="latest_rss"),
    path("feeds/latest.atom", atom(LatestArticlesFeed)(), name="latest_atom"),
    path("feeds/index/<newsfeed_id:page_id>.rss", IndexArticlesFeed(), name="index_rss"),
    path("feeds/index/<newsfeed_id:page_id>.atom", atom(IndexArticlesFeed)(), name="index_atom"),
    path("feeds/topics/<newsfeed_slug:slug>.rss", TopicArticlesFeed(), name="topic_rss"),
    path("feeds/topics/<newsfeed_slug:slug>.atom", atom(TopicArticlesFeed)(), name="topic_atom"),
    path("feeds/live/<newsfeed_id:page_id>.rss", LiveFeedEntriesFeed(), name="live_rss"),
    path("feeds/live/<newsfeed_id:page_id>.atom", atom(LiveFeedEntriesFeed)(), name="live_atom"),
    # HTML of changed entries for the live page's auto-update (live.js).
    path("live/<newsfeed_id:feed_id>/fragments/", live_fragments, name="live_fragments"),
]
