"""The example site's URLs plus the framework's ceiling: a plain JsonResponse view."""

from django.http import JsonResponse
from django.urls import path

from example_site.urls import urlpatterns as site_urlpatterns


def ceiling(request):
    return JsonResponse({"results": [], "cursor": "x", "has_more": False})


urlpatterns = [path("bench/ceiling/", ceiling), *site_urlpatterns]
