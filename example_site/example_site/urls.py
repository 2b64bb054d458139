"""URLs of the example site: Wagtail admin, the newsfeed API, and Wagtail's page serving."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.clickjacking import xframe_options_sameorigin
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.documents import urls as wagtaildocs_urls

from wagtail_newsfeed import sitemaps as newsfeed_sitemaps
from wagtail_newsfeed.api.wagtail_pages import VisiblePagesAPIViewSet

wagtail_api_router = WagtailAPIRouter("wagtailapi")
# Not Wagtail's PagesAPIViewSet: that one still lists expired pages until publish_scheduled runs.
wagtail_api_router.register_endpoint("pages", VisiblePagesAPIViewSet)


@xframe_options_sameorigin  # the admin's headless preview frames it
def headless_frontend(request: HttpRequest, path: str = "") -> HttpResponse:
    """The reference headless frontend (example_site/headless/): one HTML page whose ES modules
    route in the browser and read only the public API; its scripts are static files."""
    index = settings.BASE_DIR / "headless" / "index.html"
    return HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The headless news API (docs/api.md) and Wagtail's own pages API (api_fields).
    path("api/newsfeed/", include("wagtail_newsfeed.api.urls")),
    path("api/v2/", wagtail_api_router.urls),
    re_path(r"^headless/(?P<path>.*)$", headless_frontend, name="headless"),
    # Feeds, and the sitemaps at the root (a sitemap lists only URLs under its own folder).
    path("newsfeed/", include("wagtail_newsfeed.urls")),
    path("sitemap.xml", newsfeed_sitemaps.page_sitemap, name="sitemap"),
    path(
        "news-sitemap.xml",
        newsfeed_sitemaps.news_sitemap,
        name="wagtail_newsfeed_news_sitemap",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
