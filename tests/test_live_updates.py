"""What the live page's auto-update relies on: the script tag with its settings, and the entry
fragments rendered exactly like the page renders them, for visible entries only."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page, Site

from tests import factories
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage

pytestmark = pytest.mark.django_db


def fragments(client, feed, ids):
    url = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    return client.get(url, {"ids": ",".join(str(i) for i in ids)})


def entry_html_on_page(html: str, entry: LiveEntry) -> str:
    start = html.index(f'<article id="{entry.anchor}"')
    return html[start : html.index("</article>", start) + len("</article>")]


def test_page_carries_the_script_with_urls_and_poll_settings(client, feed):
    with override_settings(WAGTAIL_NEWSFEED={"POLL_INTERVAL": 3, "POLL_MAX_INTERVAL": 45}):
        html = client.get(feed.url).content.decode()

    assert "wagtail_newsfeed/live.js" in html
    changes = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    parts = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    assert f'data-delta-url="{changes}"' in html and f'data-fragments-url="{parts}"' in html
    assert 'data-poll-interval="3.0"' in html and 'data-poll-max-interval="45.0"' in html
    assert f'data-live-cursor="{delta.encode_cursor(feed, delta.current_version(feed))}"' in html


def test_an_ended_feed_ships_no_script(client, news_index):
    feed = factories.make_feed(news_index, coverage_status=LiveFeedPage.Status.ENDED)
    html = client.get(feed.url).content.decode()
    assert "live.js" not in html and "newsfeed-badge--ended" in html


@override_settings(ROOT_URLCONF="tests.urls_without_api")
def test_without_the_api_mounted_the_page_stays_static(client, feed):
    response = client.get(feed.url)
    assert response.status_code == 200
    assert "live.js" not in response.content.decode()


def test_fragments_render_entries_exactly_like_the_page(client, feed):
    author = factories.make_author("Ana Reporter")
    entry = factories.make_entry(feed, text="Same markup", headline="Results", is_key_event=True)
    entry.authors.add(author)
    pinned = factories.make_entry(feed, text="Pinned markup", is_pinned=True)

    page = client.get(feed.url).content.decode()
    data = fragments(client, feed, [entry.pk, pinned.pk]).json()

    assert data["entries"][str(entry.pk)].strip() == entry_html_on_page(page, entry)
    assert data["entries"][str(pinned.pk)].strip() == entry_html_on_page(page, pinned)
    assert "data-pinned" in data["entries"][str(pinned.pk)]
    assert data["status"] == "live"
    # The same list, but not knowing the reader's page the fragments link to permalinks; the
    # page links to the entries it shows by their anchors (live.js does the same, tests/js).
    permalink = f"{feed.url}?entry={entry.pk}#entry-{entry.pk}"
    anchored = data["key_events"].replace(f'href="{permalink}"', f'href="#entry-{entry.pk}"', 1)
    assert f'href="{permalink}" data-newsfeed-permalink="{permalink}"' in data["key_events"]
    assert anchored in page and "Results" in data["key_events"]


def test_fragments_leave_out_drafts_deleted_and_other_feeds_entries(client, feed, news_index):
    draft = factories.make_entry(feed, status=LiveEntry.Status.DRAFT, text="Secret draft")
    gone = factories.make_entry(feed, text="Gone")
    entry_rules.delete_entry(gone, gone.created_by)
    other = factories.make_entry(factories.make_feed(news_index), text="Elsewhere")

    data = fragments(client, feed, [draft.pk, gone.pk, other.pk]).json()

    assert data["entries"] == {}
    assert data["key_events"] == ""


def test_fragments_of_an_unpublished_feed_are_a_404(client, news_index):
    feed = factories.make_feed(news_index, publish=False)
    assert fragments(client, feed, []).status_code == 404


def test_fragments_of_another_sites_feed_are_a_404_as_its_page_and_feeds_are(client, feed):
    """On site B's hostname, site A's feed is not found: its page, RSS and Atom are 404 there,
    and its fragments are too (one rule: ``sites.in_request_site``)."""
    entry = factories.make_entry(feed)
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="Other home", slug="other-home")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    url = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    assert client.get(url, {"ids": entry.pk}).status_code == 200
    for feed_url in (
        reverse("wagtail_newsfeed:live_rss", args=[feed.pk]),
        reverse("wagtail_newsfeed:live_atom", args=[feed.pk]),
    ):
        assert client.get(feed_url, HTTP_HOST="other.example").status_code == 404
    response = client.get(url, {"ids": entry.pk}, HTTP_HOST="other.example")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("ids", ["abc", "1,,2", "-1", "9" * 30, ",".join(["1"] * 101)])
def test_bad_ids_are_a_400_naming_the_parameter(client, feed, ids):
    response = client.get(reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]), {"ids": ids})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "ids" in response.json()["errors"]


def test_fragments_cost_a_fixed_number_of_queries(client, feed, django_assert_max_num_queries):
    # Entries rendered for the first time (none comes from the fragment cache).
    warm_up = [factories.make_entry(feed).pk]
    few = [factories.make_entry(feed, is_key_event=True).pk for _ in range(2)]
    many = [factories.make_entry(feed, is_key_event=True).pk for _ in range(20)]
    fragments(client, feed, warm_up)
    with django_assert_max_num_queries(12) as captured:
        fragments(client, feed, few)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        fragments(client, feed, many)


def test_oldest_first_feed_tells_the_script_its_order(client, news_index):
    feed = factories.make_feed(news_index, entry_order=LiveFeedPage.Order.OLDEST_FIRST)
    first = factories.make_entry(feed, text="First")
    second = factories.make_entry(feed, text="Second")

    html = client.get(feed.url).content.decode()

    assert 'data-entry-order="oldest_first"' in html
    assert html.index(f'id="{first.anchor}"') < html.index(f'id="{second.anchor}"')
