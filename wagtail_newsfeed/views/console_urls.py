"""Admin URLs of the live console, mounted by ``wagtail_hooks`` under the Wagtail admin."""

from django.urls import path, re_path

from .. import converters  # noqa: F401  (registers <newsfeed_id:...>)
from . import console

app_name = "wagtail_newsfeed_console"

urlpatterns = [
    path("<newsfeed_id:feed_id>/console/", console.ConsoleView.as_view(), name="console"),
    path(
        "<newsfeed_id:feed_id>/console/coverage/",
        console.CoverageView.as_view(),
        name="coverage",
    ),
    path(
        "<newsfeed_id:feed_id>/console/entries/<newsfeed_id:entry_id>/edit/",
        console.EditEntryView.as_view(),
        name="edit",
    ),
    path(
        "<newsfeed_id:feed_id>/console/entries/<newsfeed_id:entry_id>/delete/",
        console.DeleteEntryView.as_view(),
        name="delete",
    ),
    re_path(
        r"^(?P<feed_id>[0-9]+)/console/entries/(?P<entry_id>[0-9]+)/"
        r"(?P<action>pin|unpin|key-event|not-key-event|publish|unpublish)/$",
        console.EntryActionView.as_view(),
        name="action",
    ),
]
