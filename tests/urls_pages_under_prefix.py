"""A site that serves its Wagtail pages under ``/pages/`` (nothing else): page URLs carry the
prefix, which cache purging must keep."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("pages/", include(wagtail_urls))]
