"""A time stored before the range check (``local_time.out_of_range``), or written past it, never
breaks a page: 9999-12-31T23:30Z is year 10000 in Berlin, so the shared formatting helpers show
such a time in UTC where the site's time zone has no calendar for it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories
from wagtail_newsfeed.jsonld import isoformat
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage
from wagtail_newsfeed.names import local_date

pytestmark = [pytest.mark.django_db, pytest.mark.indexed]

LAST = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)  # year 10000 east of UTC
FIRST = datetime(1, 1, 1, 0, 30, tzinfo=UTC)  # before year 1 west of UTC


@pytest.fixture
def stored(news_index):
    """An article and a live feed whose times were written to the database directly."""
    topic = factories.make_topic("Politics")
    article = factories.make_article(news_index, "Far story", topics=[topic])
    NewsArticlePage.objects.filter(pk=article.pk).update(published_at=LAST, updated_at=LAST)
    feed = factories.make_feed(news_index, "Far feed")
    LiveFeedPage.objects.filter(pk=feed.pk).update(coverage_start=LAST, coverage_end=LAST)
    return {"article": article, "feed": feed, "topic": topic, "index": news_index}


READER_URLS = {
    "home": lambda s: "/",
    "index": lambda s: s["index"].url,
    "article": lambda s: s["article"].url,
    "live feed": lambda s: s["feed"].url,
    "topic listing": lambda s: f"{s['index'].url}?topic={s['topic'].slug}",
    "search": lambda s: f"{s['index'].url}?q=Far",
    "news sitemap": lambda s: "/news-sitemap.xml",
    "sitemap": lambda s: "/sitemap.xml",
    "rss": lambda s: reverse("wagtail_newsfeed:latest_rss"),
    "atom": lambda s: reverse("wagtail_newsfeed:latest_atom"),
}


@override_settings(TIME_ZONE="Europe/Berlin")
@pytest.mark.parametrize("url", READER_URLS.values(), ids=READER_URLS.keys())
def test_reader_pages_show_a_time_past_the_calendar_of_the_sites_zone(client, stored, url):
    response = client.get(url(stored))
    assert response.status_code == 200, response.status_code


@pytest.mark.parametrize(
    "zone, value, shown",
    [
        ("Europe/Berlin", LAST, "9999-12-31T23:30:00+00:00"),
        ("America/New_York", FIRST, "0001-01-01T00:30:00+00:00"),
        ("Europe/Berlin", datetime(2026, 6, 1, 8, 0, tzinfo=UTC), "2026-06-01T10:00:00+02:00"),
    ],
)
def test_the_formatting_helpers_fall_back_to_utc_only_where_the_zone_ends(zone, value, shown):
    with override_settings(TIME_ZONE=zone):
        assert isoformat(value) == shown
        assert local_date(value, "datetime_zone")
