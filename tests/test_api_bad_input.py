"""Hostile and malformed input gets a problem-details 4xx, never a 500 (run on PostgreSQL too,
where out-of-range integers and odd search syntax are real database errors)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

HUGE = "9" * 30


@pytest.fixture
def api():
    return APIClient(raise_request_exception=True)


@pytest.mark.parametrize(
    "path,params",
    [
        (f"/api/newsfeed/v1/articles/{HUGE}/", {}),
        (f"/api/newsfeed/v1/feeds/{HUGE}/", {}),
        (f"/api/newsfeed/v1/feeds/{HUGE}/entries/", {}),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"before": HUGE}),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"limit": HUGE}),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"since": "x" * 5000}),
        ("/api/newsfeed/v1/feeds/{feed}/entries/", {"since": "YS5i"}),
        ("/api/newsfeed/v1/articles/find/", {"path": "/x/", "site": HUGE}),
        ("/api/newsfeed/v1/articles/find/", {"path": "/" + "x" * 3000}),
        ("/api/newsfeed/v1/articles/", {"q": "&|!():*'\"\\ <->"}),
        ("/api/newsfeed/v1/articles/", {"q": " "}),
        ("/api/newsfeed/v1/articles/", {"published_after": "2026-06-01T25:00:00"}),
        ("/api/newsfeed/v1/articles/", {"published_after": "2026-02-30"}),
        ("/api/newsfeed/v1/articles/", {"cursor": "cD1ub3QtYS1kYXRl"}),  # p=not-a-date
        ("/api/newsfeed/v1/articles/", {"topic": "\x00"}),
        ("/api/newsfeed/v1/topics/", {"cursor": "%%%"}),
    ],
)
def test_bad_reads_are_4xx_or_empty(api, feed, news_index, path, params):
    factories.make_article(news_index)
    response = api.get(path.format(feed=feed.pk), params)
    assert response.status_code in (200, 400, 404), response.content[:300]
    if response.status_code != 200:
        assert response["Content-Type"].startswith("application/problem+json")


def test_bad_writes_are_4xx(feed, superuser):
    client = APIClient(raise_request_exception=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}")
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    entry = factories.make_entry(feed, superuser)
    detail = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])

    assert client.post(url, "{not json", content_type="application/json").status_code == 400
    assert client.post(url, [1, 2], format="json").status_code == 400
    assert client.post(url, {"body": None}, format="json").status_code == 400
    for value in (5, None, ["x"], {"a": 1}):
        response = client.post(url, {"body": [{"type": "paragraph", "value": value}]}, "json")
        assert response.status_code in (201, 400), (value, response.content)
    for value in ("x", 5, None, {"text": 5, "level": "h9"}):
        response = client.post(url, {"body": [{"type": "heading", "value": value}]}, "json")
        assert response.status_code == 400, (value, response.content)
    response = client.patch(detail, {"headline": "x" * 300}, "json")
    assert response.status_code == 400
    assert "headline" in response.json()["errors"]
    assert client.patch(detail, {"headline": "y"}, "json", HTTP_IF_MATCH=HUGE).status_code in (
        400,
        409,
    )
    assert client.patch(detail, {"headline": "y"}, "json", HTTP_IF_MATCH="abc").status_code == 400
    assert client.delete(f"{url}{HUGE}/").status_code == 404
