"""Reader URLs besides the pages (feeds, sitemaps, live fragments) are read-only, and every object
has one address: other methods are 405, an id with a leading zero matches no route."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(news_index, feed):
    factories.make_article(news_index, "Story")
    entry = factories.make_entry(feed)
    return [
        reverse("wagtail_newsfeed:latest_rss"),
        reverse("wagtail_newsfeed:latest_atom"),
        reverse("wagtail_newsfeed:index_rss", args=[news_index.pk]),
        reverse("wagtail_newsfeed:live_atom", args=[feed.pk]),
        reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]) + f"?ids={entry.pk}",
        "/sitemap.xml",
        "/news-sitemap.xml",
    ]


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "DELETE", "OPTIONS"])
def test_reader_urls_answer_only_get_and_head(client, urls, method):
    for url in urls:
        response = client.generic(method, url)
        assert response.status_code == 405, (url, response.status_code)
        assert set(response["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
        assert client.head(url).status_code == 200, url
        assert client.get(url).status_code == 200, url


def test_an_id_with_a_leading_zero_is_not_a_second_address(client, news_index, feed):
    article = factories.make_article(news_index, "Story")

    assert client.get(f"/api/newsfeed/v1/articles/{article.pk}/").status_code == 200
    assert client.get(f"/api/newsfeed/v1/articles/0{article.pk}/").status_code == 404
    assert client.get(f"/api/newsfeed/v1/feeds/0{feed.pk}/").status_code == 404
    assert client.get(f"/newsfeed/feeds/live/0{feed.pk}.rss").status_code == 404


@pytest.fixture
def pages(news_index, feed):
    """One page of each of the app's page types, published."""
    return [news_index, factories.make_article(news_index, "Story"), feed]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_reader_pages_refuse_writes_with_405(client, pages, method):
    """A page is read: a write (even with a valid CSRF token) is no second way to get it."""
    for page in pages:
        response = client.generic(method, page.url, "a=1", "application/x-www-form-urlencoded")
        assert response.status_code == 405, (page, response.status_code)
        assert response["Allow"] == "GET, HEAD, OPTIONS", page
        assert b"<html" not in response.content


def test_reader_pages_list_only_read_methods_for_options(client, pages):
    for page in pages:
        response = client.options(page.url)
        assert response.status_code == 200, page
        assert response["Allow"] == "GET, HEAD, OPTIONS", page
        assert client.get(page.url).status_code == 200, page
        assert client.head(page.url).status_code == 200, page
