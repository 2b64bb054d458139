"""Topics, authors and sources are public only while visible content uses them: one named only by
a draft, private, expired or unpublished story is absent from the API lists, 404 on detail (like
an unknown slug) and 404 as a news index's ``?topic=`` filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import ArticleAuthor, Author, NewsArticlePage, Topic

API = "/api/newsfeed/v1"
#: The order in which ``factories.make_hidden_articles`` returns its articles.
HIDDEN_KINDS = ("draft", "private", "expired", "unpublished")
MAKERS: dict[str, Callable[..., Any]] = {
    "topics": factories.make_topic,
    "authors": factories.make_author,
    "sources": factories.make_source,
}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture(params=HIDDEN_KINDS)
def hidden_article(request, news_index) -> NewsArticlePage:
    """One article readers must not see, of each kind in turn."""
    articles = factories.make_hidden_articles(news_index)
    return dict(zip(HIDDEN_KINDS, articles, strict=True))[request.param]


def credit(article: NewsArticlePage, item: Any) -> None:
    """Make ``article``'s own row name ``item``, as saving a story in the admin does (drafts
    included: factories only keep a draft's taxonomy in its revision)."""
    if isinstance(item, Topic):
        NewsArticlePage.topics.through.objects.create(newsarticlepage_id=article.pk, topic=item)
    elif isinstance(item, Author):
        ArticleAuthor.objects.create(page_id=article.pk, author=item, sort_order=0)
    else:
        NewsArticlePage.objects.filter(pk=article.pk).update(source=item)


def listed_slugs(api: APIClient, kind: str) -> list[str]:
    response = api.get(f"{API}/{kind}/")
    assert response.status_code == 200
    return [item["slug"] for item in response.json()["results"]]


@pytest.mark.parametrize("kind", MAKERS)
def test_taxonomy_used_only_by_a_hidden_article_is_not_listed(api, hidden_article, kind):
    credit(hidden_article, MAKERS[kind]())
    assert listed_slugs(api, kind) == []


@pytest.mark.parametrize("kind", MAKERS)
def test_taxonomy_used_only_by_a_hidden_article_is_a_404_like_an_unknown_slug(
    api, hidden_article, kind
):
    item = MAKERS[kind]()
    credit(hidden_article, item)
    response = api.get(f"{API}/{kind}/{item.slug}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json() == api.get(f"{API}/{kind}/no-such-slug/").json()


@pytest.mark.parametrize("kind", MAKERS)
def test_taxonomy_used_by_a_visible_article_is_listed_and_has_a_detail(api, news_index, kind):
    item = MAKERS[kind]()
    credit(factories.make_article(news_index), item)
    assert listed_slugs(api, kind) == [item.slug]
    assert api.get(f"{API}/{kind}/{item.slug}/").json()["slug"] == item.slug


@pytest.mark.parametrize("kind", MAKERS)
def test_taxonomy_list_leaves_out_items_used_only_by_hidden_articles(api, news_index, kind):
    shown, hidden = MAKERS[kind](), MAKERS[kind]()
    credit(factories.make_article(news_index), shown)
    for article in factories.make_hidden_articles(news_index):
        credit(article, hidden)
    assert listed_slugs(api, kind) == [shown.slug]


@pytest.mark.parametrize("kind", MAKERS)
def test_unused_taxonomy_is_not_public(api, db, kind):
    item = MAKERS[kind]()
    assert listed_slugs(api, kind) == []
    assert api.get(f"{API}/{kind}/{item.slug}/").status_code == 404


def test_author_of_a_published_live_entry_is_listed(api, feed, superuser):
    author = factories.make_author()
    factories.make_entry(feed, superuser, authors=[author])
    assert listed_slugs(api, "authors") == [author.slug]
    assert api.get(f"{API}/authors/{author.slug}/").status_code == 200


def test_author_of_a_live_entry_is_hidden_once_the_entry_is_a_draft(api, feed, superuser):
    author = factories.make_author()
    entry = factories.make_entry(feed, superuser, authors=[author])
    assert listed_slugs(api, "authors") == [author.slug]

    entry_rules.unpublish_entry(entry, superuser)
    # Entry changes do not move the response cache's content generation yet (that is being
    # added separately), so forget the cached bodies to read the database afresh.
    cache.clear()
    assert listed_slugs(api, "authors") == []
    assert api.get(f"{API}/authors/{author.slug}/").status_code == 404


def test_author_of_a_draft_live_entry_is_not_public(api, feed, superuser):
    author = factories.make_author()
    factories.make_entry(feed, superuser, authors=[author], status="draft")
    assert listed_slugs(api, "authors") == []
    assert api.get(f"{API}/authors/{author.slug}/").status_code == 404


def test_index_topic_used_only_by_a_hidden_article_is_404(client, news_index, hidden_article):
    topic = factories.make_topic()
    credit(hidden_article, topic)
    assert client.get(news_index.url, {"topic": topic.slug}).status_code == 404


def test_index_topic_of_a_visible_article_lists_it(client, news_index):
    topic = factories.make_topic()
    factories.make_article(news_index, "Heatwave", topics=[topic])
    response = client.get(news_index.url, {"topic": topic.slug})
    assert response.status_code == 200
    assert "Heatwave" in response.content.decode()


def test_index_topic_used_only_in_another_index_is_404(client, news_index):
    topic = factories.make_topic()
    factories.make_article(factories.make_index(title="Sport"), topics=[topic])
    assert client.get(news_index.url, {"topic": topic.slug}).status_code == 404


def test_index_topics_list_leaves_out_topics_of_hidden_articles(client, news_index):
    shown, hidden = factories.make_topic("Shown topic"), factories.make_topic("Hidden topic")
    factories.make_article(news_index, topics=[shown])
    for article in factories.make_hidden_articles(news_index):
        credit(article, hidden)
    topics = client.get(news_index.url).context["topics"]
    assert list(topics) == [shown]


def make_used(kind: str, index, count: int) -> None:
    """``count`` items of ``kind``, each on its own visible article (authors with photos, so the
    count covers their renditions too)."""
    for _ in range(count):
        extra = {"photo": factories.make_image()} if kind == "authors" else {}
        credit(factories.make_article(index), MAKERS[kind](**extra))


def warm_up(api: APIClient, kind: str) -> None:
    """Read the list once, so the photos' renditions exist, then forget the cached body so the
    next read is answered from the database."""
    listed_slugs(api, kind)
    cache.clear()


@pytest.mark.parametrize("kind", MAKERS)
def test_taxonomy_list_costs_the_same_queries_for_2_and_10_items(
    api, news_index, kind, django_assert_max_num_queries
):
    make_used(kind, news_index, 2)
    warm_up(api, kind)
    with CaptureQueriesContext(connection) as two:
        assert len(listed_slugs(api, kind)) == 2
    # Counted now: the captured log is reset by the next request.
    queries_for_two = len(two)
    make_used(kind, news_index, 8)
    warm_up(api, kind)
    with django_assert_max_num_queries(queries_for_two):
        assert len(listed_slugs(api, kind)) == 10
