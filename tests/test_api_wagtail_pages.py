"""Wagtail's own pages API (v2, mounted by the example site at /api/v2/ through
``VisiblePagesAPIViewSet``): the page models' ``api_fields`` show articles, indexes and feeds in
this app's JSON shapes, and the API hides what the site hides, expired pages included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import resolve
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Page, PageViewRestriction

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed.api.wagtail_pages import VisiblePagesAPIViewSet

PAGES = "/api/v2/pages/"


def test_article_fields_in_wagtail_pages_api(news_index):
    topic = factories.make_topic("Science", slug="science")
    author = factories.make_author("Cy", slug="cy")
    article = factories.make_article(
        news_index,
        "Comet seen",
        topics=[topic],
        authors=[author],
        lead_image=factories.make_image("Comet"),
        dateline="OSLO",
    )
    response = APIClient().get(f"/api/v2/pages/{article.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["standfirst"] == article.standfirst
    assert data["dateline"] == "OSLO"
    assert data["topics"] == [{"name": "Science", "slug": "science"}]
    assert data["authors"][0]["slug"] == "cy"
    assert set(data["lead_image"]["renditions"]) == {"thumbnail", "medium", "large"}
    assert data["body"][0]["type"] == "paragraph"
    assert data["body"][0]["value"].startswith("<p>Body text")

    listed = APIClient().get(
        "/api/v2/pages/", {"type": "wagtail_newsfeed.NewsArticlePage", "fields": "dateline"}
    )
    assert [p["dateline"] for p in listed.json()["items"]] == ["OSLO"]


def test_feed_and_index_fields_in_wagtail_pages_api(feed, news_index):
    data = APIClient().get(f"/api/v2/pages/{feed.pk}/").json()
    assert data["coverage_status"] == "live"
    assert data["entry_order"] == "newest_first"
    assert "summary" in data
    assert "intro" in APIClient().get(f"/api/v2/pages/{news_index.pk}/").json()


def test_article_times_in_wagtail_pages_api_are_utc_like_the_v1_api(news_index):
    updated = datetime(2026, 12, 3, 11, 26, 4, 656482, tzinfo=UTC)
    article = factories.make_article(news_index, updated_at=updated)
    # Year 1 in New York has an offset with seconds (-04:56:02), which RFC 3339 cannot write:
    # stored before times had a range (the editor refuses it now).
    published = datetime(1, 1, 2, 12, 0, tzinfo=UTC)
    type(article).objects.filter(pk=article.pk).update(published_at=published)
    data = APIClient().get(f"{PAGES}{article.pk}/").json()
    assert data["published_at"] == "0001-01-02T12:00:00.000000Z"
    assert data["updated_at"] == "2026-12-03T11:26:04.656482Z"
    assert (
        data["published_at"]
        == APIClient().get(f"/api/newsfeed/v1/articles/{article.pk}/").json()["published_at"]
    )


def test_feed_times_in_wagtail_pages_api_are_utc(news_index):
    start = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    feed = factories.make_feed(
        news_index, coverage_start=start, coverage_end=start + timedelta(hours=2)
    )
    data = APIClient().get(f"{PAGES}{feed.pk}/").json()
    assert data["coverage_start"] == "2026-06-01T09:30:00.000000Z"
    assert data["coverage_end"] == "2026-06-01T11:30:00.000000Z"


def expire(page) -> None:
    """Expired a minute ago, still marked live: publish_scheduled has not run yet."""
    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(minutes=1))


def listed_ids(**params: str) -> set[int]:
    response = APIClient().get(PAGES, params)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def expired_article(news_index):
    article = factories.make_article(news_index, "Expired story")
    expire(article)
    return article


@pytest.fixture
def expired_feed(news_index):
    feed = factories.make_feed(news_index, "Expired live feed")
    expire(feed)
    return feed


def test_example_site_registers_the_visible_pages_viewset(db):
    match = resolve(PAGES)
    assert match.func.cls is VisiblePagesAPIViewSet


def test_expired_pages_are_not_listed(news_index, expired_article, expired_feed):
    article = factories.make_article(news_index, "Fresh story")
    ids = listed_ids()
    assert article.pk in ids
    assert not {expired_article.pk, expired_feed.pk} & ids


def test_expired_article_is_not_listed_by_type(news_index, expired_article):
    article = factories.make_article(news_index, "Fresh story")
    assert listed_ids(type="wagtail_newsfeed.NewsArticlePage") == {article.pk}


def test_expired_feed_is_not_listed_by_type(news_index, feed, expired_feed):
    assert listed_ids(type="wagtail_newsfeed.LiveFeedPage") == {feed.pk}


def test_expired_pages_are_not_listed_as_children(news_index, expired_article, expired_feed):
    article = factories.make_article(news_index, "Fresh story")
    assert listed_ids(child_of=str(news_index.pk)) == {article.pk}


def test_expired_pages_have_no_detail(expired_article, expired_feed):
    for page in (expired_article, expired_feed):
        assert APIClient().get(f"{PAGES}{page.pk}/").status_code == 404


def test_find_does_not_find_expired_pages(expired_article, expired_feed):
    for page in (expired_article, expired_feed):
        response = APIClient().get(f"{PAGES}find/", {"html_path": page.url})
        assert response.status_code == 404


def test_find_still_finds_a_visible_article(news_index):
    article = factories.make_article(news_index, "Fresh story")
    response = APIClient().get(f"{PAGES}find/", {"html_path": article.url})
    assert response.status_code == 302
    assert f"{PAGES}{article.pk}/" in response["Location"]


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_draft_and_private_articles_stay_hidden(news_index, kind):
    draft, private, _expired, _unpublished = factories.make_hidden_articles(news_index)
    page = {"draft": draft, "private": private}[kind]
    assert page.pk not in listed_ids()
    assert page.pk not in listed_ids(type="wagtail_newsfeed.NewsArticlePage")
    assert APIClient().get(f"{PAGES}{page.pk}/").status_code == 404


@pytest.fixture
def hidden_named(news_index) -> dict[str, Page]:
    """A hidden article of each kind, titled with a word only it has (drafts are indexed too)."""
    draft = factories.make_article(news_index, "Quokka draft", publish=False)
    private = factories.make_article(news_index, "Narwhal private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    expired = factories.make_article(news_index, "Axolotl expired")
    expire(expired)
    unpublished = factories.make_article(news_index, "Pangolin unpublished")
    unpublished.unpublish()
    return {"draft": draft, "private": private, "expired": expired, "unpublished": unpublished}


@pytest.mark.indexed
@pytest.mark.parametrize("kind", ["draft", "private", "expired", "unpublished"])
def test_search_finds_only_visible_pages(news_index, hidden_named, kind):
    article = factories.make_article(news_index, "Zebra crossing opens")
    assert listed_ids(search="Zebra") == {article.pk}
    assert listed_ids(search=hidden_named[kind].title.split()[0]) == set()
    assert listed_ids(search="Zebra", type="wagtail_newsfeed.NewsArticlePage") == {article.pk}


@pytest.mark.parametrize("query", [" ", "\t \n"])
def test_search_of_spaces_finds_nothing(news_index, query):
    factories.make_article(news_index, "Zebra crossing opens")
    assert listed_ids(search=query) == set()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("offset", "1" * 26),
        ("offset", "1.5"),
        ("limit", "9" * 30),
        ("offset", "1" * 5000),  # past 4,300 digits int() raises
        ("limit", "9" * 5000),
        ("child_of", "abc"),
        ("child_of", "1" * 30),
        ("descendant_of", "1.5"),
        ("ancestor_of", "\x00"),
        ("translation_of", "é"),
        ("search", "a\x00b"),
    ],
)
def test_listing_refuses_parameters_no_database_could_take(db, name, value):
    with nothing_saved():
        response = APIClient().get(PAGES, {name: value})
    assert response.status_code == 400
    assert name in response.json()["message"]


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00", "é", "1" * 30, "-1"])
def test_find_refuses_an_id_that_is_not_an_id(db, value):
    with nothing_saved():
        response = APIClient().get(f"{PAGES}find/", {"id": value})
    assert response.status_code == 400
    assert "id" in response.json()["message"]


def test_find_by_id_finds_a_visible_page_only(news_index):
    article = factories.make_article(news_index, "Fresh story")
    draft = factories.make_article(news_index, "Draft story", publish=False)
    assert APIClient().get(f"{PAGES}find/", {"id": str(article.pk)}).status_code == 302
    assert APIClient().get(f"{PAGES}find/", {"id": str(draft.pk)}).status_code == 404
