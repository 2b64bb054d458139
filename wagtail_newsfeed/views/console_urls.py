"""Admin URLs of the live console, mounted by ``wagtail_hooks`` under the Wagtail admin."""

from django.urls import path, re_path

from .. import converters  # registers <newsfeed_id:...>
from . import console

#: The bounded id of ``<newsfeed_id:...>`` for the one route that needs a regex: a longer id
#: matches no route (a 404), never a lookup that overflows the database's integers.
ID = converters.IdConverter.regex

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
        rf"^(?P<feed_id>{ID})/console/entries/(?P<entry_id>{ID})/"
        r"(?P<action>pin|unpin|key-event|not-key-event|publish|unpublish)/$",
        console.EntryActionView.as_view(),
        name="action",
    ),
]
