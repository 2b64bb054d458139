"""The example site's URLs plus the framework's ceiling (a plain JsonResponse view) and the
article list with its response cache off."""

from django.http import JsonResponse
from django.urls import path

from example_site.urls import urlpatterns as site_urlpatterns
from wagtail_newsfeed.api.views import ArticleList


def ceiling(request):
    return JsonResponse({"results": [], "cursor": "x", "has_more": False})


class UncachedArticleList(ArticleList):
    """The article list without its response cache: what every request after a change costs."""

    cache_responses = False


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("bench/articles-uncached/", UncachedArticleList.as_view()),
    *site_urlpatterns,
]
