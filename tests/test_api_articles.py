"""Articles over HTTP: summary and detail fields, every filter, paging links and the limit maximum,
find-by-path, and a query count that does not grow with the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Site

from tests import factories
from wagtail_newsfeed.models import ArticleCorrection, ArticleRelatedLink

LIST = "/api/newsfeed/v1/articles/"


@pytest.fixture
def api():
    return APIClient()


def when(days_ago: float) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def test_list_is_newest_first_with_summary_fields(api, news_index):
    topic = factories.make_topic("Politics", slug="politics")
    author = factories.make_author("Ann Reporter", slug="ann", role="Political editor")
    source = factories.make_source("Reuters", slug="reuters", url="https://reuters.example")
    image = factories.make_image("Ballot box")
    factories.make_article(news_index, "Older", published_at=when(3))
    factories.make_article(
        news_index,
        "Newer",
        published_at=when(1),
        topics=[topic],
        authors=[author],
        source=source,
        lead_image=image,
        dateline="ANCHORAGE",
        is_breaking=True,
    )

    response = api.get(LIST)
    assert titles(response) == ["Newer", "Older"]
    assert response["Content-Type"] == "application/json"
    item = response.json()["results"][0]
    assert item["url"].startswith("http://")
    assert item["url"].endswith(item["path"])
    assert item["path"].startswith("/news-")
    assert item["topics"] == [{"name": "Politics", "slug": "politics"}]
    assert item["authors"][0]["name"] == "Ann Reporter"
    assert item["authors"][0]["role"] == "Political editor"
    assert item["source"] == {
        "name": "Reuters",
        "slug": "reuters",
        "url": "https://reuters.example",
    }
    assert item["is_breaking"] is True
    assert item["dateline"] == "ANCHORAGE"
    lead = item["lead_image"]
    assert (lead["id"], lead["title"], lead["alt"]) == (image.pk, "Ballot box", "Ballot box")
    assert (lead["width"], lead["height"]) == (640, 360)
    assert set(lead["renditions"]) == {"thumbnail", "medium", "large"}
    thumb = lead["renditions"]["thumbnail"]
    assert (thumb["width"], thumb["height"]) == (400, 225)
    # The default Site's root URL, not the request's host (testserver).
    assert thumb["url"] == "http://localhost" + image.get_rendition("fill-400x225").url
    assert "body" not in item
    # ISO 8601 with a time zone
    assert datetime.fromisoformat(item["published_at"]).tzinfo is not None


def test_detail_has_body_corrections_related_dateline_and_seo(api, news_index):
    other = factories.make_article(news_index, "Background piece")
    body = [
        {"type": "heading", "value": {"text": "What happened", "level": "h2"}},
        {
            "type": "paragraph",
            "value": f'<p>See <a linktype="page" id="{other.pk}">this</a>.</p>',
        },
        {"type": "key_points", "value": {"title": "Key points", "points": ["One", "Two"]}},
    ]
    article = factories.make_article(
        news_index, "Main story", body=body, dateline="PARIS", seo_title="SEO!"
    )
    ArticleCorrection.objects.create(page=article, text="An earlier version misspelt a name.")
    ArticleRelatedLink.objects.create(page=article, related=other)

    response = api.get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["dateline"] == "PARIS"
    assert data["seo"]["title"] == "SEO!"
    assert [b["type"] for b in data["body"]] == ["heading", "paragraph", "key_points"]
    assert all(b["id"] for b in data["body"])
    assert data["body"][0]["value"] == {"text": "What happened", "level": "h2"}
    assert f'href="{other.url}"' in data["body"][1]["value"]  # internal link resolved
    assert "linktype" not in data["body"][1]["value"]
    assert data["body"][2]["value"]["points"] == ["One", "Two"]
    assert data["corrections"][0]["text"] == "An earlier version misspelt a name."
    assert data["corrections"][0]["kind"] == "correction"
    assert data["related"] == [
        {"id": other.pk, "title": "Background piece", "url": other.get_full_url()}
    ]


def test_unknown_article_is_a_problem_404(api, db):
    response = api.get(reverse("wagtail_newsfeed_api:article-detail", args=[999999]))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found"


def test_filters_by_topic_tag_author_and_source(api, news_index):
    politics = factories.make_topic(slug="politics")
    ann = factories.make_author(slug="ann")
    reuters = factories.make_source(slug="reuters")
    a = factories.make_article(news_index, "A", topics=[politics], published_at=when(1))
    factories.make_article(news_index, "B", authors=[ann], published_at=when(2))
    factories.make_article(news_index, "C", source=reuters, published_at=when(3))
    factories.make_article(news_index, "D", published_at=when(4))
    a.tags.add("Elections")
    a.save_revision().publish()

    assert titles(api.get(LIST, {"topic": "politics"})) == ["A"]
    assert titles(api.get(LIST, {"author": "ann"})) == ["B"]
    assert titles(api.get(LIST, {"source": "reuters"})) == ["C"]
    assert titles(api.get(LIST, {"tag": "elections"})) == ["A"]
    assert titles(api.get(LIST, {"topic": "nonexistent"})) == []


def test_date_filters_take_dates_and_datetimes(api, news_index):
    factories.make_article(news_index, "June 1", published_at=datetime(2026, 6, 1, 12, tzinfo=UTC))
    factories.make_article(news_index, "June 3", published_at=datetime(2026, 6, 3, 12, tzinfo=UTC))

    assert titles(api.get(LIST, {"published_after": "2026-06-02"})) == ["June 3"]
    assert titles(api.get(LIST, {"published_before": "2026-06-02"})) == ["June 1"]
    assert titles(api.get(LIST, {"published_after": "2026-06-03T11:00:00Z"})) == ["June 3"]
    assert titles(
        api.get(LIST, {"published_after": "2026-06-01", "published_before": "2026-06-04"})
    ) == ["June 3", "June 1"]


@pytest.mark.parametrize(
    "params,name",
    [
        ({"published_after": "yesterday"}, "published_after"),
        ({"published_before": "2026-13-45"}, "published_before"),
        ({"ordering": "title"}, "ordering"),
        ({"limit": "101"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api, news_index, params, name):
    factories.make_article(news_index)
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400
    assert set(problem["errors"]) == {name}
    assert name in problem["detail"]


def test_ordering_oldest_first(api, news_index):
    factories.make_article(news_index, "Old", published_at=when(5))
    factories.make_article(news_index, "New", published_at=when(1))
    assert titles(api.get(LIST, {"ordering": "published_at"})) == ["Old", "New"]
    assert titles(api.get(LIST, {"ordering": "-published_at"})) == ["New", "Old"]


@pytest.mark.indexed
def test_search_uses_the_site_index(api, news_index):
    factories.make_article(news_index, "Volcano erupts in Iceland")
    factories.make_article(news_index, "Budget passes")
    assert titles(api.get(LIST, {"q": "volcano"})) == ["Volcano erupts in Iceland"]


def test_pagination_links_are_absolute_and_stable_while_new_articles_arrive(api, news_index):
    for i in range(5):
        factories.make_article(news_index, f"A{i}", published_at=when(10 - i))
    first = api.get(LIST, {"limit": 2}).json()
    assert [i["title"] for i in first["results"]] == ["A4", "A3"]
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/newsfeed/v1/articles/?")
    assert "limit=2" in first["next"]

    factories.make_article(news_index, "Breaking", published_at=when(0))  # arrives on top

    second = api.get(first["next"]).json()
    assert [i["title"] for i in second["results"]] == ["A2", "A1"]
    third = api.get(second["next"]).json()
    assert [i["title"] for i in third["results"]] == ["A0"]
    assert third["next"] is None
    back = api.get(third["previous"]).json()
    assert [i["title"] for i in back["results"]] == ["A2", "A1"]


def test_limit_default_and_maximum(api, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"API_PAGE_SIZE": 3, "API_MAX_PAGE_SIZE": 4}
    for _ in range(5):
        factories.make_article(news_index)
    assert len(api.get(LIST).json()["results"]) == 3
    assert len(api.get(LIST, {"limit": 4}).json()["results"]) == 4
    assert api.get(LIST, {"limit": 5}).status_code == 400


def test_find_by_path(api, news_index):
    article = factories.make_article(news_index, "Found me", slug="found-me")
    path = f"/{news_index.slug}/found-me/"
    find = reverse("wagtail_newsfeed_api:article-find")

    response = api.get(find, {"path": path})
    assert response.status_code == 200
    assert response.json()["id"] == article.pk
    assert "body" in response.json()
    assert api.get(find, {"path": path.rstrip("/")}).json()["id"] == article.pk
    site = Site.objects.get(is_default_site=True)
    assert api.get(find, {"path": path, "site": site.hostname}).json()["id"] == article.pk
    assert api.get(find, {"path": "/nothing/here/"}).status_code == 404
    assert "path" in api.get(find).json()["errors"]
    assert "site" in api.get(find, {"path": path, "site": "nowhere.example"}).json()["errors"]


def test_unmatched_api_path_is_a_problem_404(api, db):
    response = api.get("/api/newsfeed/v1/nope/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def _make_rich_articles(index, count):
    topic, source = factories.make_topic(), factories.make_source()
    for i in range(count):
        author = factories.make_author(photo=factories.make_image(f"Author {i}"))
        article = factories.make_article(
            index,
            topics=[topic, factories.make_topic()],
            authors=[author],
            source=source,
            lead_image=factories.make_image(f"Lead {i}"),
        )
        article.tags.add(f"tag{i}", "common")
        article.save_revision().publish()


def _count_queries(api, limit: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = api.get(LIST, {"limit": limit})
    assert len(response.json()["results"]) == limit
    return len(captured)


def test_article_list_costs_the_same_queries_for_5_and_12_items(api, news_index, settings):
    # Room for every rendition in the cache, so no cached item is culled between the two runs.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "article-list-budget",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    # Count the queries of building the list, not of replaying it from the response cache.
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": 0}
    _make_rich_articles(news_index, 12)
    api.get(LIST, {"limit": 12})  # renditions are made on the first view of each image
    api.get(LIST, {"limit": 5})
    big = _count_queries(api, 12)
    small = _count_queries(api, 5)
    assert big == small
    assert 0 < small <= 10


def test_a_list_whose_pieces_are_all_cold_costs_the_same_queries_for_5_and_12_items(
    api, news_index, settings
):
    """The list pages through its rows' keys alone and reads the articles whose pieces missed
    in one set of queries, however many there are."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": 0}
    _make_rich_articles(news_index, 12)
    api.get(LIST, {"limit": 12})  # renditions are made on the first view of each image
    cache.clear()
    small = _count_queries(api, 5)
    cache.clear()
    big = _count_queries(api, 12)
    assert big == small


def test_kept_summaries_follow_every_change_they_show(
    api, news_index, settings, django_assert_max_num_queries
):
    """Each summary's JSON is kept by the article's version and the render generation: the
    next request reads only the list's rows, and a republish or an author's new name is never
    answered from a kept piece. (Whole responses are not kept here: max-age 0.)"""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": 0}
    author = factories.make_author("Ann Reporter", slug="ann")
    articles = [
        factories.make_article(news_index, f"Story {n}", authors=[author], published_at=when(n))
        for n in range(3)
    ]
    assert titles(api.get(LIST)) == ["Story 0", "Story 1", "Story 2"]
    with django_assert_max_num_queries(2):  # the rows, and the render generation
        assert titles(api.get(LIST)) == ["Story 0", "Story 1", "Story 2"]

    articles[1].title = "Story 1, updated"
    articles[1].save_revision().publish()
    author.name = "Ann Editor"
    author.save()

    response = api.get(LIST)
    assert titles(response) == ["Story 0", "Story 1, updated", "Story 2"]
    assert {item["authors"][0]["name"] for item in response.json()["results"]} == {"Ann Editor"}
