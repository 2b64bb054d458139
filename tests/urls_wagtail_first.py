"""A URLconf in the wrong order: Wagtail's catch-all before the newsfeed URLs (check E012)."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [
    path("", include(wagtail_urls)),
    path("api/newsfeed/", include("wagtail_newsfeed.api.urls")),
    path("newsfeed/", include("wagtail_newsfeed.urls")),
]
