"""The page models' ``api_fields``: Wagtail's own pages API (v2, mounted by the example site at
/api/v2/) shows articles, indexes and feeds with their fields, in this app's JSON shapes."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests import factories


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
