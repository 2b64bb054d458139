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


# Newsroom listings: every malformed value of a declared filter takes Django's "incorrect lookup"
# path (a message and the whole list), on SQLite too, where an id over 18 digits overflows ------

MALFORMED_FILTERS = [
    "feed__page_ptr__exact=" + "9" * 22,
    "feed__page_ptr__exact=" + "9" * 19,
    "feed__page_ptr__exact=-1",
    "feed__page_ptr__exact=0",
    "feed__page_ptr__exact=%00",
    "feed__page_ptr__exact=%D9%A1",  # an Arabic-Indic digit one
    "feed__page_ptr__exact=1&feed__page_ptr__exact=" + "9" * 22,
    "status__exact=%00",
    "status__exact=nonsense",
    "is_key_event__exact=x",
    "is_key_event__exact=%00",
    "is_pinned__exact=" + "9" * 22,
]

IGNORED_FILTERS = [
    "feed__id__exact=" + "9" * 22,  # not the feed filter's key: dropped, like any unknown key
    "id__exact=" + "9" * 22,
    "name__exact=%00",
    "slug=%00",
]


def listing_url(model_name: str) -> str:
    return f"/admin/wagtail_newsfeed/{model_name}/"


@pytest.mark.parametrize("query", MALFORMED_FILTERS)
def test_a_malformed_entry_filter_redirects_to_the_whole_list_with_a_message(
    admin_client, site, query
):
    response = admin_client.get(f"{listing_url('liveentry')}?{query}")
    assert response.status_code == 302
    assert response["Location"] == listing_url("liveentry")
    shown = admin_client.get(response["Location"])
    assert shown.status_code == 200
    assert "That filter is not valid" in shown.content.decode()


@pytest.mark.parametrize("query", IGNORED_FILTERS)
def test_the_entry_listing_ignores_keys_that_are_not_its_filters(admin_client, site, query):
    response = admin_client.get(f"{listing_url('liveentry')}?{query}")
    assert response.status_code == 200
    assert "That filter is not valid" not in response.content.decode()


@pytest.mark.parametrize("query", MALFORMED_FILTERS + IGNORED_FILTERS)
@pytest.mark.parametrize("model_name", ["topic", "author", "source"])
def test_a_taxonomy_listing_ignores_filters_it_does_not_declare(
    admin_client, site, model_name, query
):
    response = admin_client.get(f"{listing_url(model_name)}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["feed__page_ptr__exact={feed_id}", "status__exact=published", "is_key_event__exact=0"]
)
def test_a_well_formed_entry_filter_is_accepted(admin_client, site, query):
    response = admin_client.get(f"{listing_url('liveentry')}?{query.format(**site)}")
    assert response.status_code == 200
    assert "That filter is not valid" not in response.content.decode()
