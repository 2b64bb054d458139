"""Topics nest (World › Europe › France): a broader topic lists its subtopics' stories on the news
index, in its RSS/Atom feed and in the API's ``?topic=`` filter, and is public as soon as one of
its subtopics is. The admin refuses loops and trees deeper than ``MAX_TOPIC_DEPTH``; a loop put
in the database behind its back costs a bounded walk, never a hang or a 500."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed.models import NewsArticlePage, Topic
from wagtail_newsfeed.models.taxonomy import MAX_TOPIC_DEPTH, filed_under, subtree
from wagtail_newsfeed.visibility import visible_articles

pytestmark = pytest.mark.django_db
API = "/api/newsfeed/v1"


@pytest.fixture
def tree(db) -> dict[str, Topic]:
    world = factories.make_topic("World", slug="world")
    europe = factories.make_topic("Europe", slug="europe", parent=world)
    france = factories.make_topic("France", slug="france", parent=europe)
    sport = factories.make_topic("Sport", slug="sport")
    return {"world": world, "europe": europe, "france": france, "sport": sport}


def topic_edit_url(topic: Topic) -> str:
    return reverse("wagtail_newsfeed_topic_modeladmin_edit", args=[topic.pk])


def test_broader_topic_lists_its_subtopics_stories_once(news_index, tree):
    in_france = factories.make_article(news_index, "Paris vote", topics=[tree["france"]])
    in_both = factories.make_article(news_index, "Summit", topics=[tree["world"], tree["europe"]])
    factories.make_article(news_index, "Cup final", topics=[tree["sport"]])

    world = filed_under(visible_articles(), subtree(slug="world"))
    assert sorted(world.values_list("title", flat=True)) == ["Paris vote", "Summit"]
    europe = filed_under(visible_articles(), tree["europe"].subtree())
    assert set(europe.values_list("pk", flat=True)) == {in_france.pk, in_both.pk}
    france = filed_under(visible_articles(), tree["france"].subtree())
    assert list(france.values_list("pk", flat=True)) == [in_france.pk]


def test_news_index_topic_filter_includes_subtopics(client, news_index, tree):
    factories.make_article(news_index, "Paris vote", topics=[tree["france"]])
    factories.make_article(news_index, "Cup final", topics=[tree["sport"]])

    # World has no story of its own, yet it is a topic of this index through France.
    response = client.get(news_index.url, {"topic": "world"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Paris vote" in html
    assert "Cup final" not in html
    assert client.get(news_index.url, {"topic": "france"}).status_code == 200


def test_topic_feeds_include_subtopics(client, news_index, tree):
    factories.make_article(news_index, "Paris vote", topics=[tree["france"]])
    factories.make_article(news_index, "Cup final", topics=[tree["sport"]])
    rss = client.get(reverse("wagtail_newsfeed:topic_rss", args=["world"]))
    assert rss.status_code == 200
    assert b"Paris vote" in rss.content
    assert b"Cup final" not in rss.content


def test_api_topic_filter_and_parent_field(news_index, tree):
    api = APIClient()
    factories.make_article(news_index, "Paris vote", topics=[tree["france"]])
    factories.make_article(news_index, "Cup final", topics=[tree["sport"]])

    titles = [
        a["title"] for a in api.get(f"{API}/articles/", {"topic": "europe"}).json()["results"]
    ]
    assert titles == ["Paris vote"]
    assert api.get(f"{API}/articles/", {"topic": "nowhere"}).json()["results"] == []

    listed = {t["slug"]: t["parent"] for t in api.get(f"{API}/topics/").json()["results"]}
    # The chain above a used topic is public (a client can draw the tree); unused siblings not.
    assert listed == {"world": None, "europe": "world", "france": "europe", "sport": None}
    detail = api.get(f"{API}/topics/france/").json()
    assert detail["parent"] == "europe"


@pytest.mark.parametrize("kind", range(4))  # draft, private, expired, unpublished
def test_a_parent_used_by_nothing_visible_stays_hidden(news_index, tree, kind):
    api = APIClient()
    hidden = factories.make_hidden_articles(news_index)[kind]
    factories.make_article(news_index, "Cup final", topics=[tree["sport"]])
    NewsArticlePage.topics.through.objects.create(
        newsarticlepage_id=hidden.pk, topic=tree["france"]
    )
    listed = [t["slug"] for t in api.get(f"{API}/topics/").json()["results"]]
    assert listed == ["sport"]
    assert api.get(f"{API}/topics/world/").status_code == 404
    assert api.get(f"{API}/articles/", {"topic": "world"}).json()["results"] == []


def test_topic_list_costs_the_same_queries_for_few_and_many(news_index, tree):
    """One query per level of the tree, whatever the number of topics: with an empty cache,
    the API and render generations with their expiry checks, then the tree's levels and the
    page."""
    api = APIClient()

    def listed() -> tuple[int, int]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/topics/", {"limit": 100})
        return len(response.json()["results"]), len(queries)

    for topic in tree.values():
        factories.make_article(news_index, topics=[topic])
    few = listed()
    for n in range(30):
        factories.make_article(
            news_index, topics=[factories.make_topic(parent=tree["france"] if n % 2 else None)]
        )
    many = listed()
    assert few[0] == 4 and many[0] == 34
    assert few[1] == many[1] <= 7


def test_admin_sets_a_parent(admin_client, tree):
    response = admin_client.post(
        topic_edit_url(tree["sport"]),
        {"name": "Sport", "slug": "sport", "parent": tree["world"].pk},
    )
    assert response.status_code == 302
    tree["sport"].refresh_from_db()
    assert tree["sport"].parent == tree["world"]


@pytest.mark.parametrize("new_parent", ["world", "france", "europe"])
def test_admin_refuses_a_loop_and_saves_nothing(admin_client, tree, new_parent):
    # World under itself, or under one of its own subtopics.
    response = admin_client.post(
        topic_edit_url(tree["world"]),
        {"name": "World", "slug": "world", "parent": tree[new_parent].pk},
    )
    assert response.status_code == 200
    assert "cannot sit under itself" in response.content.decode()
    tree["world"].refresh_from_db()
    assert tree["world"].parent is None


def test_admin_refuses_a_tree_too_deep(admin_client, tree):
    chain = [tree["france"]]
    while len(chain) + 2 < MAX_TOPIC_DEPTH:  # World › Europe › France › ... at the limit
        chain.append(factories.make_topic(parent=chain[-1]))
    deepest = factories.make_topic("Deepest", slug="deepest", parent=chain[-1])
    assert len(Topic.ancestor_ids(deepest.pk)) == MAX_TOPIC_DEPTH

    # Sport (a leaf) under the deepest topic would make the tree one level too deep...
    response = admin_client.post(
        topic_edit_url(tree["sport"]), {"name": "Sport", "slug": "sport", "parent": deepest.pk}
    )
    assert response.status_code == 200
    assert "at most" in response.content.decode()
    # ... and so would moving Europe (with France and the chain below it) under Sport.
    response = admin_client.post(
        topic_edit_url(tree["europe"]),
        {"name": "Europe", "slug": "europe", "parent": tree["sport"].pk},
    )
    assert response.status_code == 200
    assert "at most" in response.content.decode()
    assert Topic.objects.get(slug="sport").parent is None
    assert Topic.objects.get(slug="europe").parent == tree["world"]


def test_a_stored_loop_never_hangs_a_render(client, news_index, tree):
    # Written behind the admin's back (a shell, a bad import): Europe › France › Europe.
    Topic.objects.filter(pk=tree["europe"].pk).update(parent=tree["france"])
    factories.make_article(news_index, "Paris vote", topics=[tree["france"]])
    assert Topic.ancestor_ids(tree["france"].pk) == [tree["france"].pk, tree["europe"].pk]
    assert client.get(news_index.url, {"topic": "europe"}).status_code == 200
    assert b"Paris vote" in client.get(news_index.url, {"topic": "france"}).content
    api = APIClient()
    assert api.get(f"{API}/topics/").status_code == 200
    assert api.get(f"{API}/articles/", {"topic": "europe"}).json()["results"]


def test_deleting_a_parent_keeps_its_subtopics(tree):
    tree["world"].delete()
    tree["europe"].refresh_from_db()
    assert tree["europe"].parent is None
    assert tree["france"].parent == tree["europe"]
