"""Bad input on reader pages, syndication feeds, live fragments and admin screens: its exact
4xx or the page itself, never a 500 (huge ids overflow SQLite's integers; NUL breaks its full-text
search)."""

import pytest

from tests import shared_newsroom
from tests.checks import assert_problem, nothing_saved
from tests.shared_newsroom import feed, news_index, superuser  # noqa: F401

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


@pytest.fixture(scope="module")
def newsroom(module_transaction) -> dict[str, int]:
    """Built once for the module (with one article and one entry): every test here only reads it,
    signed in as its superuser."""
    return shared_newsroom.build(stories=True)


@pytest.fixture
def site(news_index, feed):
    return {"index": news_index.url, "feed": feed.url, "feed_id": feed.pk}


@pytest.mark.parametrize(
    "url,status,problem",
    [
        ("{feed}?before=abc", 200, None),  # the page itself, from the newest entry
        ("{feed}?before=" + HUGE, 200, None),
        ("{feed}?before=-1", 200, None),
        ("{index}?page=-1", 404, None),  # no such page (never the last one under this number)
        ("{index}?page=" + HUGE, 404, None),
        ("{index}?page=%EF%BC%92", 404, None),  # a full-width "2" is no page number
        ("{index}?page=02", 404, None),  # page 2 has one URL
        ("{index}?page=0", 404, None),
        ("{index}?page=", 200, None),  # the first page
        ("{index}?page=2", 404, None),  # past the end
        ("{index}?q=%00", 200, None),
        ("{index}?topic=%00", 404, None),  # no such topic
        ("/newsfeed/feeds/index/" + HUGE + ".rss", 404, None),
        ("/newsfeed/feeds/live/" + HUGE + ".atom", 404, None),
        ("/newsfeed/feeds/topics/" + "x" * 300 + ".rss", 404, None),
        ("/newsfeed/feeds/topics/%00.rss", 404, None),
        ("/newsfeed/live/" + HUGE + "/fragments/?ids=1", 404, None),
        ("/newsfeed/live/{feed_id}/fragments/?ids=" + HUGE, 400, "ids"),
        ("/api/newsfeed/v1/articles/" + HUGE + "/", 404, "endpoint"),
        ("/api/newsfeed/v1/feeds/" + HUGE + "/entries/", 404, "endpoint"),
        ("/api/newsfeed/v1/feeds/{feed_id}/entries/?before=" + HUGE, 400, "before"),
        ("/api/newsfeed/v1/articles/?q=%00", 400, "q"),
        ("/api/newsfeed/v1/articles/find/?path=%00", 400, "path"),
        ("/api/newsfeed/v1/topics/%00/", 404, "endpoint"),
        ("/api/newsfeed/v1/authors/%00/", 404, "endpoint"),
    ],
)
def test_a_bad_reader_url_gets_its_exact_status(client, site, url, status, problem):
    response = client.get(url.format(**site))
    if problem is None:
        assert response.status_code == status, response.content[:300]
        assert response["Content-Type"].startswith("text/html")
    else:
        assert_problem(response, status, problem)


@pytest.mark.parametrize(
    "url,status",
    [
        ("/admin/newsfeed/feeds/" + HUGE + "/console/", 404),
        ("/admin/newsfeed/feeds/{feed_id}/console/entries/" + HUGE + "/edit/", 404),
        ("/admin/wagtail_newsfeed/liveentry/edit/" + HUGE + "/", 404),
        ("/admin/wagtail_newsfeed/liveentry/?feed__id__exact=abc", 200),  # not a filter key
        ("/admin/wagtail_newsfeed/liveentry/?p=abc", 200),  # the first page
        ("/admin/wagtail_newsfeed/topic/?o=zzz", 200),
        ("/admin/wagtail_newsfeed/topic/?q=%00", 200),
        ("/admin/wagtail_newsfeed/liveentry/?q=%00", 200),
        ("/admin/wagtail_newsfeed/liveentry/?status=%00", 200),
    ],
)
def test_a_bad_admin_url_gets_its_exact_status(admin_client, site, url, status):
    with nothing_saved():
        response = admin_client.get(url.format(**site))
    assert response.status_code == status, response.content[:300]


ACTIONS = ["pin", "unpin", "key-event", "not-key-event", "publish", "unpublish"]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "url",
    [
        "/admin/newsfeed/feeds/" + HUGE + "/console/entries/1/{action}/",
        "/admin/newsfeed/feeds/{feed_id}/console/entries/" + HUGE + "/{action}/",
        "/admin/newsfeed/feeds/" + "9" * 19 + "/console/entries/" + "9" * 19 + "/{action}/",
    ],
)
def test_a_console_action_on_an_id_too_long_for_the_database_is_a_404(
    admin_client, site, url, action
):
    with nothing_saved():
        response = admin_client.post(url.format(action=action, **site))
    assert response.status_code == 404, response.content[:300]


@pytest.mark.parametrize("feed_param", [HUGE, "abc", "%00"])
def test_creating_an_entry_for_a_feed_that_is_no_feed_redirects_to_the_list(
    admin_client, site, feed_param
):
    with nothing_saved():
        response = admin_client.get(f"/admin/wagtail_newsfeed/liveentry/create/?feed={feed_param}")
    assert response.status_code == 302
    assert response["Location"] == listing_url("liveentry")


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
