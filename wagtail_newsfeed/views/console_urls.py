"""Admin URLs of the live console, mounted by ``wagtail_hooks`` under the Wagtail admin."""

from django.urls import path, re_path

from . import console

app_name = "wagtail_newsfeed_console"

urlpatterns = [
    path("<int:feed_id>/console/", console.ConsoleView.as_view(), name="console"),
    path(
        "<int:feed_id>/console/entries/<int:entry_id>/edit/",
        console.EditEntryView.as_view(),
        name="edit",
    ),
    path(
        "<int:feed_id>/console/entries/<int:entry_id>/delete/",
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
