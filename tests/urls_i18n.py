"""The example site with Wagtail's pages in ``i18n_patterns`` (no prefix for the default
language): a German page is served at ``/de/...``; the API, feeds and sitemaps stay unprefixed."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls

from example_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    pattern
    for pattern in site_urlpatterns
    if getattr(pattern, "urlconf_module", None) is not wagtail_urls
]
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
