"""The console's one-click changes when the database cannot take a write (a lock held too long):
nothing changes and the editor is told so, instead of a server error. On PostgreSQL, with a real
lock held by another connection (``tests.test_busy_database``)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import factories
from tests.test_busy_database import feed_locked_elsewhere
from tests.test_live_console import action, console, delete_url
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


@pytest.mark.parametrize("name", ["pin", "key-event", "unpublish", "delete"])
def test_a_one_click_change_on_a_busy_database_changes_nothing_and_says_so(
    client, news_index, name
):
    feed = factories.make_feed(news_index)
    editor = factories.make_superuser("busy-editor")
    entry = entry_rules.create_entry(feed, editor, body=factories.paragraph("Stays as it is"))
    client.force_login(editor)
    url = delete_url(entry) if name == "delete" else action(entry, name)

    with feed_locked_elsewhere(feed):
        response = client.post(url, {"expected_version": entry.version})

    assert response.status_code == 302
    assert response.url == f"{console(feed)}#console-entry-{entry.pk}"
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("database is busy and nothing was changed" in m for m in shown), shown
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert (stored.version, stored.status, stored.is_pinned, stored.is_key_event) == (
        entry.version,
        "published",
        False,
        False,
    )
    assert stored.deleted_at is None
