"""A site that mounts Wagtail but not the newsfeed API: live pages must stay static pages."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("", include(wagtail_urls))]
