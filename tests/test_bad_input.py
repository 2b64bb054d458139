"""Bad input on reader pages, syndication feeds, live fragments and admin screens: a 4xx or the
page itself, never a 500 (huge ids overflow SQLite's integers; NUL breaks its full-text search)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


@pytest.fixture
def site(news_index, feed, superuser):
    factories.make_article(news_index)
    factories.make_entry(feed, superuser)
    return {"index": news_index.url, "feed": feed.url, "feed_id": feed.pk}


@pytest.mark.parametrize(
    "url",
    [
        "{feed}?before=abc",
        "{feed}?before=" + HUGE,
        "{feed}?before=-1",
        "{index}?page=-1",
        "{index}?page=" + HUGE,
        "{index}?q=%00",
        "{index}?topic=%00",
        "/newsfeed/feeds/index/" + HUGE + ".rss",
        "/newsfeed/feeds/live/" + HUGE + ".atom",
        "/newsfeed/feeds/topics/" + "x" * 300 + ".rss",
        "/newsfeed/live/" + HUGE + "/fragments/?ids=1",
        "/newsfeed/live/{feed_id}/fragments/?ids=" + HUGE,
        "/api/newsfeed/v1/articles/" + HUGE + "/",
        "/api/newsfeed/v1/feeds/" + HUGE + "/entries/",
        "/api/newsfeed/v1/feeds/{feed_id}/entries/?before=" + HUGE,
        "/api/newsfeed/v1/articles/?q=%00",
        "/api/newsfeed/v1/articles/find/?path=%00",
        "/api/newsfeed/v1/topics/%00/",
        "/api/newsfeed/v1/authors/%00/",
        "/newsfeed/feeds/topics/%00.rss",
    ],
)
def test_reader_urls_never_fail_on_bad_input(client, site, url):
    assert client.get(url.format(**site)).status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/admin/newsfeed/feeds/" + HUGE + "/console/",
        "/admin/newsfeed/feeds/{feed_id}/console/entries/" + HUGE + "/edit/",
        "/admin/wagtail_newsfeed/liveentry/edit/" + HUGE + "/",
        "/admin/wagtail_newsfeed/liveentry/?feed__id__exact=abc",
        "/admin/wagtail_newsfeed/liveentry/create/?feed=" + HUGE,
        "/admin/wagtail_newsfeed/liveentry/create/?feed=abc",
        "/admin/wagtail_newsfeed/liveentry/?p=abc",
        "/admin/wagtail_newsfeed/topic/?o=zzz",
        "/admin/wagtail_newsfeed/topic/?q=%00",
        "/admin/wagtail_newsfeed/liveentry/?q=%00",
        "/admin/wagtail_newsfeed/liveentry/?status=%00",
        "/admin/wagtail_newsfeed/liveentry/create/?feed=%00",
    ],
)
def test_admin_urls_never_fail_on_bad_input(admin_client, site, url):
    assert admin_client.get(url.format(**site)).status_code < 500
