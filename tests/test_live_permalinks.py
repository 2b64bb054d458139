"""Entry permalinks: ``<feed>?entry=<id>#entry-<id>`` shows the page of entries holding the entry,
wherever it is in the feed, and every surface (page, key events, API, RSS, JSON-LD) links to it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.checks import entries_url
from wagtail_newsfeed import entry_rules

pytestmark = pytest.mark.django_db


def ago(**kwargs) -> datetime:
    return timezone.now() - timedelta(**kwargs)


def entry_ids(html: str) -> list[int]:
    list_html = html.split("data-newsfeed-entries", 1)[1]
    return [int(i) for i in re.findall(r'<article id="entry-(\d+)"', list_html)]


def pinned_ids(html: str) -> list[int]:
    if "data-newsfeed-pinned" not in html:
        return []
    section = html.split("data-newsfeed-pinned", 1)[1].split("data-newsfeed-entries", 1)[0]
    return [int(i) for i in re.findall(r'<article id="entry-(\d+)"', section)]


def key_event_links(html: str) -> dict[int, str]:
    section = html.split("data-newsfeed-key-events", 1)[1].split("</ol>", 1)[0]
    return {
        int(pk): href
        for pk, href in re.findall(r'data-entry-id="(\d+)"><a href="([^"]+)"', section)
    }


@pytest.fixture
def seven(feed, settings):
    """Seven entries a minute apart (newest first: 0..6), three a page."""
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 3}
    return [factories.make_entry(feed, display_time=ago(minutes=m)) for m in range(1, 8)]


def test_a_permalink_to_an_entry_off_the_first_page_shows_the_entries_from_it_on(
    client, feed, seven
):
    response = client.get(feed.url, {"entry": seven[4].pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert entry_ids(html) == [e.pk for e in seven[4:7]]
    assert re.search(r"data-newsfeed-entries[^>]*data-paginated", html)
    assert "?before=" not in html  # the last page


def test_a_permalink_page_links_on_to_the_rest_of_the_feed(client, feed, seven):
    html = client.get(feed.url, {"entry": seven[3].pk}).content.decode()
    assert entry_ids(html) == [e.pk for e in seven[3:6]]
    assert f'href="?before={seven[5].pk}"' in html


def test_a_permalink_follows_an_oldest_first_feed_s_order(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 3}
    feed = factories.make_feed(news_index, entry_order="oldest_first")
    oldest_first = [
        factories.make_entry(feed, display_time=ago(minutes=m)) for m in range(7, 0, -1)
    ]

    html = client.get(feed.url, {"entry": oldest_first[4].pk}).content.decode()

    assert entry_ids(html) == [e.pk for e in oldest_first[4:7]]


def test_a_permalink_to_an_entry_on_the_first_page_shows_the_first_page(client, feed, seven):
    pinned = factories.make_entry(feed, is_pinned=True, display_time=ago(hours=3))
    first = client.get(feed.url).content.decode()

    html = client.get(feed.url, {"entry": seven[1].pk}).content.decode()

    assert entry_ids(html) == entry_ids(first) == [e.pk for e in seven[:3]]
    assert pinned_ids(html) == [pinned.pk]
    assert not re.search(r"data-newsfeed-entries[^>]*data-paginated", html)


def test_a_permalink_to_the_pinned_entry_shows_the_first_page_with_it(client, feed, seven):
    pinned = factories.make_entry(feed, is_pinned=True, display_time=ago(hours=3))

    html = client.get(feed.url, {"entry": pinned.pk}).content.decode()

    assert pinned_ids(html) == [pinned.pk]
    assert entry_ids(html) == [e.pk for e in seven[:3]]


def test_a_permalink_page_off_the_first_page_shows_the_pinned_entry_in_its_place(
    client, feed, seven
):
    """As the pages after ``?before=``: no pinned section, the pinned entry at its time."""
    pinned = factories.make_entry(feed, is_pinned=True, display_time=ago(hours=3))
    html = client.get(feed.url, {"entry": seven[5].pk}).content.decode()
    assert pinned_ids(html) == []
    assert entry_ids(html) == [seven[5].pk, seven[6].pk, pinned.pk]


@pytest.mark.parametrize(
    "value",
    ["abc", "", "0", "-3", "999999", "9" * 19, "9" * 5000, "{pk}\x00", " {pk}", "{pk}.0", "+{pk}"],
)
def test_a_permalink_with_a_bad_id_shows_the_first_page(client, feed, seven, value):
    response = client.get(feed.url, {"entry": value.format(pk=seven[5].pk)})
    assert response.status_code == 200
    assert entry_ids(response.content.decode()) == [e.pk for e in seven[:3]]


def test_a_permalink_to_an_entry_readers_cannot_see_shows_the_first_page(
    client, feed, news_index, seven
):
    user = factories.make_superuser("editor")
    draft = factories.make_entry(feed, status="draft", display_time=ago(hours=2))
    deleted = factories.make_entry(feed, display_time=ago(hours=2))
    entry_rules.delete_entry(deleted, user)
    other_feed = factories.make_feed(news_index, "Other live")
    elsewhere = factories.make_entry(other_feed, display_time=ago(hours=2))

    for hidden in (draft, deleted, elsewhere):
        response = client.get(feed.url, {"entry": hidden.pk})
        assert response.status_code == 200
        assert entry_ids(response.content.decode()) == [e.pk for e in seven[:3]]


def test_before_wins_over_entry(client, feed, seven):
    html = client.get(feed.url, {"before": seven[2].pk, "entry": seven[6].pk}).content.decode()
    assert entry_ids(html) == [e.pk for e in seven[3:6]]


def test_a_permalink_page_is_cached_like_the_feed_and_canonical_to_it(client, feed, seven):
    first = client.get(feed.url)
    permalink = client.get(feed.url, {"entry": seven[5].pk})
    assert permalink["Cache-Control"] == first["Cache-Control"]
    assert "public" in permalink["Cache-Control"]
    assert f'<link rel="canonical" href="{feed.get_full_url()}">' in permalink.content.decode()


def test_a_permalink_page_costs_a_fixed_number_of_queries(
    client, feed, settings, django_assert_max_num_queries
):
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 3}
    entries = [factories.make_entry(feed, display_time=ago(minutes=m)) for m in range(1, 8)]
    factories.make_entry(feed, is_pinned=True, is_key_event=True, display_time=ago(hours=3))
    client.get(feed.url, {"entry": entries[5].pk})
    factories.make_entry(feed, display_time=ago(seconds=5))  # a change: rendered afresh
    with django_assert_max_num_queries(100) as few:
        client.get(feed.url, {"entry": entries[5].pk})
    for m in range(8, 40):
        factories.make_entry(feed, display_time=ago(minutes=m), is_key_event=m % 3 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(feed.url, {"entry": entries[5].pk})
    assert entry_ids(response.content.decode())[0] == entries[5].pk


def test_entry_permalinks_on_the_page_open_the_page_holding_the_entry(client, feed, seven):
    html = client.get(feed.url).content.decode()
    entry = seven[0]
    assert (
        f'<a class="newsfeed-entry__time" href="{feed.url}?entry={entry.pk}#entry-{entry.pk}"'
        in html
    )


def test_key_events_link_to_the_anchor_on_this_page_and_to_the_permalink_otherwise(
    client, feed, seven
):
    entry_rules.set_key_event(seven[1], factories._system_user())
    entry_rules.set_key_event(seven[5], factories._system_user())

    first = key_event_links(client.get(feed.url).content.decode())
    later = key_event_links(client.get(feed.url, {"entry": seven[5].pk}).content.decode())

    assert first == {
        seven[1].pk: f"#entry-{seven[1].pk}",
        seven[5].pk: f"{feed.url}?entry={seven[5].pk}#entry-{seven[5].pk}",
    }
    assert later == {
        seven[1].pk: f"{feed.url}?entry={seven[1].pk}#entry-{seven[1].pk}",
        seven[5].pk: f"#entry-{seven[5].pk}",
    }


def test_key_events_sent_to_live_js_link_to_permalinks(client, feed, seven):
    """The fragments endpoint does not know which page the reader has: live.js turns the links
    to entries it shows into anchors (tests/js)."""
    entry_rules.set_key_event(seven[0], factories._system_user())
    url = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    html = client.get(url, {"ids": seven[0].pk}).json()["key_events"]
    permalink = f"{feed.url}?entry={seven[0].pk}#entry-{seven[0].pk}"
    assert f'href="{permalink}" data-newsfeed-permalink="{permalink}"' in html


def test_the_api_rss_and_json_ld_give_the_permalink(client, feed, seven):
    entry = seven[0]
    entry_rules.set_key_event(entry, factories._system_user())
    permalink = f"{feed.get_full_url()}?entry={entry.pk}#entry-{entry.pk}"

    api = client.get(entries_url(feed)).json()["results"]
    assert next(item["url"] for item in api if item["id"] == entry.pk) == permalink
    feed_json = client.get(reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])).json()
    assert feed_json["key_events"][0]["url"] == permalink
    assert entry.get_url() == f"{feed.url}?entry={entry.pk}#entry-{entry.pk}"

    rss = client.get(reverse("wagtail_newsfeed:live_rss", args=[feed.pk])).content.decode()
    assert f"<link>{permalink.replace('&', '&amp;')}</link>" in rss
    # The guid stays what it was, so feed readers do not show every entry again as new.
    assert f"<guid>{feed.get_full_url()}#entry-{entry.pk}</guid>" in rss

    html = client.get(feed.url).content.decode()
    assert f'"url": "{permalink}"' in html or f'"url":"{permalink}"' in html
