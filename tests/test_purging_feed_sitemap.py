"""A live feed page's events purge the page sitemap, which lists the live feed pages readers may
see: after an unpublish or a view restriction, a cached sitemap went on listing a hidden page."""

import contextlib

import pytest
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page, PageViewRestriction, Site

from tests import factories
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.invalidation.pages import live_feed_change

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
API = f"{ROOT}/api/newsfeed/v1"
SITEMAP = f"{ROOT}/sitemap.xml"


def feed_page_urls(feed, index) -> set[str]:
    """What a page event of ``feed`` purges: its page, feeds, fragments and API endpoints, the
    index that lists it and the page sitemap (not the news sitemap: it lists articles only)."""
    urls = {
        feed.get_full_url(),
        index.get_full_url(),
        SITEMAP,
        f"{ROOT}/newsfeed/feeds/live/{feed.pk}.rss",
        f"{ROOT}/newsfeed/feeds/live/{feed.pk}.atom",
        f"{API}/feeds/",
        f"{API}/feeds/{feed.pk}/",
        f"{API}/feeds/{feed.pk}/entries/",
    }
    with contextlib.suppress(NoReverseMatch):
        urls.add(ROOT + reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]))
    return urls


def test_unpublishing_a_live_feed_purges_the_page_sitemap(news_index, feed, purged, committed):
    RecordingBackend.reset()
    with committed():
        feed.unpublish()
    assert set(purged) == feed_page_urls(feed, news_index)


def test_publishing_a_live_feed_purges_the_page_sitemap(news_index, purged, committed):
    feed = factories.make_feed(news_index, publish=False)
    RecordingBackend.reset()
    with committed():
        feed.save_revision().publish()
    assert set(purged) == feed_page_urls(feed, news_index)


@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_view_restriction_on_a_live_feed_purges_the_page_sitemap(
    news_index, feed, purged, committed, change
):
    restriction = PageViewRestriction.objects.create(
        page=feed, restriction_type=PageViewRestriction.LOGIN
    )
    if change == "add":
        restriction.delete()
    RecordingBackend.reset()
    with committed():
        if change == "add":
            PageViewRestriction.objects.create(
                page=feed, restriction_type=PageViewRestriction.LOGIN
            )
        else:
            restriction.delete()
    assert set(purged) == feed_page_urls(feed, news_index)


def test_deleting_a_live_feed_purges_the_page_sitemap(news_index, feed, purged, committed):
    expected = feed_page_urls(feed, news_index)
    RecordingBackend.reset()
    with committed():
        feed.delete()
    assert set(purged) >= expected


def test_moving_a_live_feed_to_another_site_purges_both_sites_page_sitemaps(
    news_index, feed, purged, committed
):
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="Other home", slug="other-home")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    other_index = factories.make_index(other_root, title="Elsewhere")
    RecordingBackend.reset()
    with committed():
        feed.move(other_index, pos="last-child")
    assert {SITEMAP, "http://other.example/sitemap.xml"} <= set(purged)


def test_restricting_a_plain_page_purges_the_page_sitemap(purged, committed):
    about = factories.root_page().add_child(instance=Page(title="About", slug="about"))
    RecordingBackend.reset()
    with committed():
        PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    assert set(purged) == {about.get_full_url(), SITEMAP}


def test_an_entry_change_leaves_the_sitemaps_alone(feed, superuser, purged, committed):
    """The sitemap's ``lastmod`` of a feed page is its last page publish, not its entries'."""
    with committed():
        entry = factories.make_entry(feed, superuser)
    RecordingBackend.reset()
    with committed():
        entry_rules.update_entry(entry, superuser, headline="Edited")
    assert purged and not [url for url in purged if "sitemap" in url]


def test_a_live_feed_page_event_costs_no_query_for_the_sitemap(
    news_index, feed, django_assert_max_num_queries
):
    live_feed_change(feed, with_index=True)  # the Site root paths, now cached
    with django_assert_max_num_queries(3):
        stale = live_feed_change(feed, with_index=True)
    assert "/sitemap.xml" in stale.paths and "/news-sitemap.xml" not in stale.paths
