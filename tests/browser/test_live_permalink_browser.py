"""End to end in headless Chromium: a key event far down a long feed opens the page holding it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]


def test_a_key_event_off_the_first_page_opens_the_page_showing_it(chromium, live_server, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 3, "POLL_INTERVAL": 60}
    feed = factories.make_feed(factories.make_index(title="News"), "Match live")
    now = timezone.now()
    kick_off = factories.make_entry(
        feed, headline="Kick-off", is_key_event=True, display_time=now - timedelta(hours=2)
    )
    for minutes in range(1, 7):
        factories.make_entry(
            feed, text=f"Minute {minutes}.", display_time=now - timedelta(minutes=minutes)
        )
    context = chromium.new_context(viewport={"width": 1000, "height": 700})
    reader = context.new_page()
    reader.goto(f"{live_server.url}{feed.url}")
    assert reader.locator(f"#entry-{kick_off.pk}").count() == 0

    reader.locator("[data-newsfeed-key-events] a", has_text="Kick-off").click()

    entry = reader.locator(f"#entry-{kick_off.pk}")
    entry.wait_for()
    assert reader.url.endswith(f"{feed.url}?entry={kick_off.pk}#entry-{kick_off.pk}")
    assert entry.evaluate(
        "e => { const b = e.getBoundingClientRect(); return b.top >= 0 && b.top < innerHeight; }"
    )
    context.close()
