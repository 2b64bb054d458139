"""A page of older entries (`?before=<entry id>`, the API's `next` and the live page's "Load
older entries") follows its anchor entry's place in the reading order even after an editor
deleted or unpublished that entry, showing nothing of it; an id readers never saw stays a bad
`before`."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.checks import assert_problem, entries_url
from wagtail_newsfeed import entry_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def entries(feed, user, count: int, **kwargs) -> list:
    """``count`` entries a minute apart, oldest first, headed E0, E1, …"""
    start = timezone.now() - timedelta(hours=1)
    return [
        factories.make_entry(
            feed, user, headline=f"E{i}", display_time=start + timedelta(minutes=i), **kwargs
        )
        for i in range(count)
    ]


def headlines(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [entry["headline"] for entry in response.json()["results"]]


REMOVALS = {
    "deleted": entry_rules.delete_entry,
    "unpublished": entry_rules.unpublish_entry,
}


@pytest.mark.parametrize("removal", REMOVALS)
def test_a_next_link_still_pages_after_its_anchor_is_removed(api, feed, superuser, removal):
    made = entries(feed, superuser, 5)
    first = api.get(entries_url(feed), {"limit": 2}).json()
    assert headlines_of(first) == ["E4", "E3"]
    as_visible = api.get(first["next"]).json()

    REMOVALS[removal](made[3], superuser)  # the last entry the reader was shown

    response = api.get(first["next"])
    assert headlines(response) == ["E2", "E1"]
    page = response.json()
    assert page["results"] == as_visible["results"]
    assert page["next"] == as_visible["next"]
    # Nothing of the anchor itself (quoted: a base64 cursor may hold the letters E3).
    assert '"E3"' not in response.content.decode()
    assert headlines(api.get(page["next"])) == ["E0"]
    assert page["previous"] == as_visible["previous"]  # the first page, now E4 and E2
    assert headlines(api.get(page["previous"])) == ["E4", "E2"]


@pytest.mark.parametrize("removal", REMOVALS)
def test_a_key_events_next_link_still_pages_after_its_anchor_is_removed(
    api, feed, superuser, removal
):
    made = entries(feed, superuser, 4, is_key_event=True)
    first = api.get(entries_url(feed), {"limit": 2, "key_events": "true"}).json()
    REMOVALS[removal](made[2], superuser)
    assert headlines(api.get(first["next"])) == ["E1", "E0"]


def test_an_oldest_first_feed_pages_on_from_a_deleted_anchor(api, news_index, superuser):
    feed = factories.make_feed(news_index, entry_order="oldest_first")
    made = entries(feed, superuser, 4)
    first = api.get(entries_url(feed), {"limit": 2}).json()
    entry_rules.delete_entry(made[1], superuser)
    assert headlines(api.get(first["next"])) == ["E2", "E3"]


def test_a_before_naming_an_entry_readers_never_saw_is_still_a_400(
    api, feed, news_index, superuser
):
    entries(feed, superuser, 3)
    draft = factories.make_entry(feed, superuser, status="draft")
    deleted_draft = factories.make_entry(feed, superuser, status="draft")
    entry_rules.delete_entry(deleted_draft, superuser)
    other_feed = factories.make_feed(news_index)
    elsewhere = factories.make_entry(other_feed, superuser)
    entry_rules.delete_entry(elsewhere_deleted := factories.make_entry(other_feed), superuser)
    for before in (draft.pk, deleted_draft.pk, elsewhere.pk, elsewhere_deleted.pk, 10**9):
        response = api.get(entries_url(feed), {"before": before})
        body = assert_problem(response, 400, "before")
        assert body["errors"] == {"before": ["No such entry in this feed."]}


# The live page's "Load older entries" ------------------------------------------------------


def entry_ids(html: str) -> list[int]:
    list_html = html.split("data-newsfeed-entries", 1)[1]
    return [int(i) for i in re.findall(r'<article id="entry-(\d+)"', list_html)]


@pytest.mark.parametrize("removal", REMOVALS)
def test_the_live_pages_older_entries_link_still_pages_after_its_anchor_is_removed(
    client, feed, superuser, settings, removal
):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "ENTRIES_PER_PAGE": 2}
    made = entries(feed, superuser, 5)
    html = client.get(feed.url).content.decode()
    assert f'href="?before={made[3].pk}"' in html

    REMOVALS[removal](made[3], superuser)

    older = client.get(feed.url, {"before": made[3].pk}).content.decode()
    assert entry_ids(older) == [made[2].pk, made[1].pk]  # not the first page again
    assert ">E3<" not in older  # its headline (a cursor attribute may hold the letters E3)
    assert f"entry-{made[3].pk}" not in older
    assert f'href="?before={made[1].pk}"' in older


def test_the_live_page_shows_its_first_page_for_an_entry_readers_never_saw(
    client, feed, superuser, settings
):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "ENTRIES_PER_PAGE": 2}
    made = entries(feed, superuser, 3)
    draft = factories.make_entry(feed, superuser, status="draft")
    html = client.get(feed.url, {"before": draft.pk}).content.decode()
    assert entry_ids(html) == [made[2].pk, made[1].pk]


def headlines_of(page: dict) -> list[str]:
    return [entry["headline"] for entry in page["results"]]
