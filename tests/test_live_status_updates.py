"""What live.js needs to follow a change of coverage status: the header's line of times it
rewrites, the words it writes there and announces, and the times in the fragments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def strings_of(html: str) -> dict:
    start = html.index('<script id="newsfeed-live-strings" type="application/json">')
    text = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(text)


def test_the_page_marks_its_coverage_times_and_gives_live_js_their_words(client, news_index):
    feed = factories.make_feed(
        news_index,
        coverage_status="upcoming",
        coverage_start=datetime(2026, 12, 1, 9, tzinfo=UTC),
    )
    html = client.get(feed.url).content.decode()
    assert '<p class="newsfeed-meta" data-newsfeed-meta>' in html
    strings = strings_of(html)
    assert strings["coverage"] == {"starts": "Starts", "started": "Started", "ended": "Ended"}
    assert strings["statusChanged"] == "Coverage status: {status}"


def test_the_fragments_give_the_coverage_times_as_the_api_does(client, news_index):
    start, end = datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC)
    feed = factories.make_feed(
        news_index, coverage_status="ended", coverage_start=start, coverage_end=end
    )
    fragments = client.get(reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])).json()
    detail = client.get(reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])).json()
    assert fragments["status"] == "ended"
    assert fragments["coverage_start"] == detail["coverage_start"] == "2026-12-01T09:00:00.000000Z"
    assert fragments["coverage_end"] == detail["coverage_end"] == "2026-12-01T18:00:00.000000Z"
