"""URLs of the headless API. Include under any prefix, e.g.
``path("api/newsfeed/", include("wagtail_newsfeed.api.urls"))``.

URL names (namespace ``wagtail_newsfeed_api``) are stable: the live page's JavaScript polls
``feed-entries`` for delta sync.
"""

from django.urls import path, re_path

from .. import converters  # noqa: F401  (registers <newsfeed_id:...>)
from . import feeds, preview, views
from .exceptions import not_found_view
from .schema.views import DocsView, SchemaView

app_name = "wagtail_newsfeed_api"


urlpatterns = [
    path("v1/articles/", views.ArticleList.as_view(), name="article-list"),
    path("v1/articles/find/", views.ArticleFind.as_view(), name="article-find"),
    path("v1/articles/<newsfeed_id:pk>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("v1/feeds/", feeds.FeedList.as_view(), name="feed-list"),
    path("v1/feeds/<newsfeed_id:pk>/", feeds.FeedDetail.as_view(), name="feed-detail"),
    path("v1/feeds/<newsfeed_id:pk>/entries/", feeds.FeedEntries.as_view(), name="feed-entries"),
    path(
        "v1/feeds/<newsfeed_id:pk>/entries/<newsfeed_id:entry_id>/",
        feeds.FeedEntryDetail.as_view(),
        name="feed-entry-detail",
    ),
    path("v1/preview/", preview.HeadlessPreview.as_view(), name="preview"),
    path("v1/topics/", views.TopicList.as_view(), name="topic-list"),
    path("v1/topics/<newsfeed_slug:slug>/", views.TopicDetail.as_view(), name="topic-detail"),
    path("v1/authors/", views.AuthorList.as_view(), name="author-list"),
    path("v1/authors/<newsfeed_slug:slug>/", views.AuthorDetail.as_view(), name="author-detail"),
    path("v1/sources/", views.SourceList.as_view(), name="source-list"),
    path("v1/sources/<newsfeed_slug:slug>/", views.SourceDetail.as_view(), name="source-detail"),
    path(
        "v1/schema/",
        SchemaView.as_view(),
        name="schema",
    ),
    path(
        "v1/docs/",
        DocsView.as_view(url_name="wagtail_newsfeed_api:schema"),
        name="docs",
    ),
    re_path(r"^v1/", not_found_view),
]
