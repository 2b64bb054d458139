"""Delta sync over HTTP: every change after a cursor, in commit order, tombstones and paging."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.checks import assert_problem, entries_url
from wagtail_newsfeed import delta, entry_rules


@pytest.fixture
def api():
    return APIClient()


def poll(api, feed, cursor, **params):
    response = api.get(entries_url(feed), {"since": cursor, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_entries_list_gives_a_cursor_that_delta_sync_starts_from(api, feed, superuser):
    factories.make_entry(feed, superuser, text="First")
    start = api.get(entries_url(feed)).json()["cursor"]

    assert poll(api, feed, start) == {"results": [], "cursor": start, "has_more": False}


def test_create_edit_pin_unpublish_and_delete_arrive_in_order_with_tombstones(api, feed, superuser):
    kept = factories.make_entry(feed, superuser, text="Kept")
    doomed = factories.make_entry(feed, superuser, text="Doomed")
    hidden = factories.make_entry(feed, superuser, text="Hidden later")
    cursor = api.get(entries_url(feed)).json()["cursor"]

    created = factories.make_entry(feed, superuser, text="Brand new", headline="New")
    entry_rules.update_entry(kept, superuser, headline="Kept, edited")
    entry_rules.set_pinned(created, superuser)
    entry_rules.unpublish_entry(hidden, superuser)
    entry_rules.delete_entry(doomed, superuser)

    data = poll(api, feed, cursor)
    assert data["has_more"] is False
    # Each changed entry once, at its latest state, ordered by its last change.
    assert [(item["id"], item["deleted"]) for item in data["results"]] == [
        (kept.pk, False),
        (created.pk, False),
        (hidden.pk, True),
        (doomed.pk, True),
    ]
    assert data["results"][0]["headline"] == "Kept, edited"
    assert data["results"][1]["headline"] == "New"
    assert data["results"][1]["is_pinned"] is True
    assert data["results"][1]["body"][0]["type"] == "paragraph"
    assert "Brand new" in data["results"][1]["body"][0]["value"]
    assert data["results"][2] == {"id": hidden.pk, "deleted": True}
    assert data["results"][3] == {"id": doomed.pk, "deleted": True}
    # Nothing happened since: the returned cursor is caught up.
    assert poll(api, feed, data["cursor"])["results"] == []


def test_has_more_pages_through_a_long_backlog(api, feed, superuser):
    cursor = api.get(entries_url(feed)).json()["cursor"]
    made = [factories.make_entry(feed, superuser, text=f"E{i}").pk for i in range(5)]

    seen, pages = [], 0
    while True:
        data = poll(api, feed, cursor, limit=2)
        pages += 1
        seen += [item["id"] for item in data["results"]]
        cursor = data["cursor"]
        if not data["has_more"]:
            break
    assert seen == made
    assert pages == 3


def test_pinning_also_reports_the_entry_it_unpinned(api, feed, superuser):
    first = factories.make_entry(feed, superuser, is_pinned=True)
    second = factories.make_entry(feed, superuser)
    cursor = api.get(entries_url(feed)).json()["cursor"]

    entry_rules.set_pinned(second, superuser)

    results = poll(api, feed, cursor)["results"]
    assert {(r["id"], r["is_pinned"]) for r in results} == {(second.pk, True), (first.pk, False)}


@pytest.mark.parametrize("cursor", ["garbage", "", "bm90LWEtY3Vyc29y", "%%%"])
def test_a_garbage_cursor_is_a_400_naming_since(api, feed, cursor):
    response = api.get(entries_url(feed), {"since": cursor})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "since" in response.json()["errors"]


def test_a_cursor_of_another_feed_is_a_400(api, feed, news_index):
    other = factories.make_feed(news_index)
    foreign = api.get(entries_url(other)).json()["cursor"]
    assert api.get(entries_url(feed), {"since": foreign}).status_code == 400


@pytest.mark.parametrize("entries,ahead", [(0, 1), (3, 1), (3, 2), (3, 10**6)])
def test_a_cursor_ahead_of_the_feed_is_a_400_naming_since(api, feed, superuser, entries, ahead):
    """A signed cursor past the feed's counter (the database restored from a backup, the
    ``SECRET_KEY`` kept) was never given for these changes: answering "no news" would hide the
    ones made since the restore up to it, so the client is told to start again."""
    for _ in range(entries):
        factories.make_entry(feed, superuser)
    current = delta.current_version(feed)
    cursor = delta.encode_cursor(feed, current + ahead)
    response = api.get(entries_url(feed), {"since": cursor})
    body = assert_problem(response, 400, "since")
    assert list(body["errors"]) == ["since"]
    at_current = poll(api, feed, delta.encode_cursor(feed, current))
    assert at_current["results"] == []


def test_a_no_change_poll_costs_at_most_two_queries(
    api, feed, superuser, django_assert_max_num_queries
):
    for i in range(30):
        factories.make_entry(feed, superuser, text=f"E{i}")
    cursor = api.get(entries_url(feed)).json()["cursor"]

    with django_assert_max_num_queries(2):
        response = api.get(entries_url(feed), {"since": cursor})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_delta_sync_of_a_hidden_feed_is_404(api, feed, superuser):
    cursor = api.get(entries_url(feed)).json()["cursor"]
    feed.unpublish()
    assert api.get(entries_url(feed), {"since": cursor}).status_code == 404


def test_delta_url_name_is_stable():
    assert reverse("wagtail_newsfeed_api:feed-entries", args=[7]) == (
        "/api/newsfeed/v1/feeds/7/entries/"
    )


@pytest.mark.parametrize("limit", ["²", "１２", "0", "-1", "1e3", " 5", "+5", "1_0", "9" * 5000])
def test_a_limit_that_is_not_plain_ascii_digits_is_a_400_naming_limit(api, feed, limit):
    cursor = api.get(entries_url(feed)).json()["cursor"]

    response = api.get(entries_url(feed), {"since": cursor, "limit": limit})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert list(response.json()["errors"]) == ["limit"]
