"""Live feeds, entry pages and the taxonomy over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tests.checks import entries_url
from wagtail_newsfeed import delta, jsonld, serialization


@pytest.fixture
def api():
    return APIClient()


def test_feed_list_fields(api, feed, superuser):
    factories.make_entry(feed, superuser)
    response = api.get(reverse("wagtail_newsfeed_api:feed-list"))
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == feed.pk
    assert item["title"] == "Election night live"
    assert item["url"] == feed.get_full_url()
    assert item["url"].endswith(item["path"])
    assert item["status"] == "live"
    assert item["coverage_start"] is not None
    assert item["coverage_end"] is None
    assert item["cursor"] == delta.encode_cursor(feed, delta.current_version(feed))
    assert item["updated_at"] is not None
    assert set(item) >= {"summary", "entry_order"}


def test_feed_list_filters_by_status(api, news_index):
    factories.make_feed(news_index, "Now", coverage_status="live")
    factories.make_feed(news_index, "Done", coverage_status="ended")
    url = reverse("wagtail_newsfeed_api:feed-list")
    assert [f["title"] for f in api.get(url, {"status": "ended"}).json()["results"]] == ["Done"]
    assert "status" in api.get(url, {"status": "sideways"}).json()["errors"]


def test_feed_detail_has_pinned_and_key_events(api, feed, superuser):
    pinned = factories.make_entry(feed, superuser, headline="Pinned", is_pinned=True)
    key = factories.make_entry(feed, superuser, headline="Result declared", is_key_event=True)
    factories.make_entry(feed, superuser, headline="Ordinary")

    data = api.get(reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])).json()
    assert data["pinned"]["id"] == pinned.pk
    assert data["pinned"]["is_pinned"] is True
    assert [k["id"] for k in data["key_events"]] == [key.pk]
    assert data["key_events"][0]["url"] == f"{feed.get_full_url()}?entry={key.pk}#entry-{key.pk}"


def test_entry_fields(api, feed, superuser):
    author = factories.make_author("Reporter", slug="rep")
    entry = factories.make_entry(feed, superuser, headline="Polls close", text="Counting begins")
    entry.authors.set([author])

    data = api.get(entries_url(feed)).json()
    [item] = data["results"]
    assert item["id"] == entry.pk
    assert item["feed"] == feed.pk
    assert item["headline"] == "Polls close"
    assert item["body"][0]["type"] == "paragraph"
    assert item["body"][0]["value"] == "<p>Counting begins</p>"
    assert item["authors"][0]["slug"] == "rep"
    assert item["is_pinned"] is False and item["is_key_event"] is False
    assert item["deleted"] is False
    assert item["url"] == f"{feed.get_full_url()}?entry={entry.pk}#entry-{entry.pk}"
    for field in ("display_time", "created_at", "updated_at"):
        assert item[field]
    assert data["cursor"]

    one = api.get(reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk]))
    assert one.json() == item


def _times(feed, user, count):
    base = timezone.now() - timedelta(hours=1)
    return [
        factories.make_entry(feed, user, headline=f"E{i}", display_time=base + timedelta(minutes=i))
        for i in range(count)
    ]


def test_entries_page_newest_first_with_before_links(api, feed, superuser):
    entries = _times(feed, superuser, 5)
    first = api.get(entries_url(feed), {"limit": 2}).json()
    assert [e["headline"] for e in first["results"]] == ["E4", "E3"]
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/")
    assert f"before={entries[3].pk}" in first["next"]

    factories.make_entry(feed, superuser, headline="Newest")  # does not shift older pages

    second = api.get(first["next"]).json()
    assert [e["headline"] for e in second["results"]] == ["E2", "E1"]
    third = api.get(second["next"]).json()
    assert [e["headline"] for e in third["results"]] == ["E0"]
    assert third["next"] is None
    back = api.get(third["previous"]).json()
    assert [e["headline"] for e in back["results"]] == ["E2", "E1"]


def test_oldest_first_feed_reads_in_its_own_order(api, news_index, superuser):
    feed = factories.make_feed(news_index, entry_order="oldest_first")
    _times(feed, superuser, 3)
    data = api.get(entries_url(feed)).json()
    assert [e["headline"] for e in data["results"]] == ["E0", "E1", "E2"]


def test_key_events_filter(api, feed, superuser):
    factories.make_entry(feed, superuser, headline="Plain")
    factories.make_entry(feed, superuser, headline="Key", is_key_event=True)
    data = api.get(entries_url(feed), {"key_events": "true"}).json()
    assert [e["headline"] for e in data["results"]] == ["Key"]
    assert "key_events" in api.get(entries_url(feed), {"key_events": "maybe"}).json()["errors"]


@pytest.mark.parametrize("before", ["abc", "999999"])
def test_bad_before_is_400(api, feed, superuser, before):
    factories.make_entry(feed, superuser)
    response = api.get(entries_url(feed), {"before": before})
    assert response.status_code == 400
    assert "before" in response.json()["errors"]


def test_entries_limit_maximum(api, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"API_MAX_PAGE_SIZE": 10}
    assert api.get(entries_url(feed), {"limit": 10}).status_code == 200
    assert "limit" in api.get(entries_url(feed), {"limit": 11}).json()["errors"]


def test_unknown_feed_is_404(api, db):
    assert api.get("/api/newsfeed/v1/feeds/424242/").status_code == 404
    assert api.get("/api/newsfeed/v1/feeds/424242/entries/").status_code == 404


def test_taxonomy_lists_and_details(api, news_index):
    # Only taxonomy that visible content uses is public (tests/test_taxonomy_visibility.py).
    factories.make_article(
        news_index,
        topics=[factories.make_topic("Weather", slug="weather", description="Storms")],
        authors=[
            factories.make_author(
                "Bea", slug="bea", role="Reporter", photo=factories.make_image("Bea")
            )
        ],
        source=factories.make_source("AP", slug="ap", url="https://ap.example"),
    )

    topics = api.get("/api/newsfeed/v1/topics/").json()
    assert topics["results"] == [
        {"name": "Weather", "slug": "weather", "description": "Storms", "parent": None}
    ]
    assert api.get("/api/newsfeed/v1/topics/weather/").json()["name"] == "Weather"
    author = api.get("/api/newsfeed/v1/authors/bea/").json()
    assert author["role"] == "Reporter"
    # The default Site's root URL, not the request's host (testserver).
    assert author["photo"]["renditions"]["thumbnail"]["url"].startswith("http://localhost/media/")
    assert api.get("/api/newsfeed/v1/authors/").json()["results"][0]["slug"] == "bea"
    assert api.get("/api/newsfeed/v1/sources/ap/").json() == {
        "name": "AP",
        "slug": "ap",
        "url": "https://ap.example",
    }
    assert len(api.get("/api/newsfeed/v1/sources/").json()["results"]) == 1
    for kind in ("topics", "authors", "sources"):
        assert api.get(f"/api/newsfeed/v1/{kind}/missing/").status_code == 404


def _queries(api, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.get(url, params)  # warm caches (site root paths)
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url, params).status_code == 200
    return len(captured)


def test_entry_pages_and_feed_lists_cost_a_fixed_number_of_queries(api, news_index, superuser):
    feed = factories.make_feed(news_index)
    author = factories.make_author()
    for i in range(5):
        factories.make_entry(feed, superuser, authors=[author], is_key_event=i % 2 == 0)
    url = entries_url(feed)
    detail = reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])
    feeds = reverse("wagtail_newsfeed_api:feed-list")
    few = (_queries(api, url), _queries(api, detail), _queries(api, feeds))
    for i in range(25):
        factories.make_entry(feed, superuser, authors=[author], is_key_event=i % 2 == 0)
        factories.make_feed(news_index) if i < 5 else None
    many = (_queries(api, url, {"limit": 30}), _queries(api, detail), _queries(api, feeds))
    assert many == few


def _image_entry(feed, user):
    image = factories.make_image()
    body = [
        {"type": "paragraph", "value": "<p>Photo:</p>"},
        {"type": "image", "value": {"image": image.pk, "caption": "c"}},
    ]
    return factories.make_entry(feed, user, body=body)


def test_entries_with_images_cost_the_same_queries_for_few_and_many(api, feed, superuser):
    for _ in range(3):
        _image_entry(feed, superuser)
    cursor = api.get(entries_url(feed)).json()["cursor"]
    few = (_queries(api, entries_url(feed)),)
    for _ in range(12):
        _image_entry(feed, superuser)
    page = api.get(entries_url(feed)).json()
    assert len(page["results"]) == 15
    assert page["results"][0]["body"][1]["value"]["image"]["renditions"]["thumbnail"]["url"]
    many = _queries(api, entries_url(feed))
    assert many == few[0]
    # Delta sync with images: the cost does not grow with the number of changed entries either.
    old = api.get(entries_url(feed), {"since": cursor}).json()
    assert len(old["results"]) == 12
    assert _queries(api, entries_url(feed), {"since": cursor}) <= few[0] + 1


def test_a_feed_published_live_without_a_start_says_when_it_began_as_its_page_does(
    api, client, news_index
):
    """Published as live from the page editor with no start time: the API and the page's
    JSON-LD both give its first publication as the start."""
    feed = factories.make_feed(news_index, coverage_start=None)
    feed.refresh_from_db()
    data = api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/").json()
    assert data["coverage_start"] == serialization.iso_datetime(feed.first_published_at)
    page = client.get(feed.url).content.decode()
    assert '"coverageStartTime": "' + jsonld.isoformat(feed.first_published_at) in page
