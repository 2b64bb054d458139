"""An article's page and its API answers show other stories (its related articles, the
``related_article`` blocks of its body): no cache keeps them past the expiry of one of those,
which nothing purges when it passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Page

from tests import factories
from tests.checks import public_max_age as max_age
from wagtail_newsfeed.models import ArticleRelatedLink

pytestmark = pytest.mark.django_db

#: Seconds before the related story expires: far below the default max-age (60).
LEFT = 30


def assert_before_expiry(response) -> None:
    # Allow for the seconds the test itself takes on a busy machine.
    assert LEFT - 10 <= max_age(response) <= LEFT, response["Cache-Control"]


def related_story(news_index, seconds: int | None = LEFT):
    story = factories.make_article(news_index, "Embargoed related story")
    if seconds is not None:
        expire_at = timezone.now() + timedelta(seconds=seconds)
        Page.objects.filter(pk=story.pk).update(expire_at=expire_at)
    return story


def in_related_list(news_index, related):
    story = factories.make_article(news_index, "Main story")
    story.related_links.add(ArticleRelatedLink(related=related, sort_order=0))
    story.save_revision().publish()
    return story


def in_body(news_index, related):
    body = [{"type": "related_article", "value": {"page": related.pk, "label": ""}}]
    return factories.make_article(news_index, "Main story", body=body)


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("shows", [in_related_list, in_body])
def test_an_article_page_is_kept_no_longer_than_until_a_story_it_shows_expires(
    client, news_index, shows
):
    story = shows(news_index, related_story(news_index))
    first = client.get(story.url)
    assert "Embargoed related story" in first.content.decode()
    assert_before_expiry(first)
    assert_before_expiry(client.get(story.url))  # its fragments from the cache


@pytest.mark.parametrize("shows", [in_related_list, in_body])
def test_an_api_article_is_kept_no_longer_than_until_a_story_it_shows_expires(
    api, news_index, shows
):
    story = shows(news_index, related_story(news_index))
    url = f"/api/newsfeed/v1/articles/{story.pk}/"
    first = api.get(url)
    assert "Embargoed related story" in first.content.decode()
    assert_before_expiry(first)
    assert_before_expiry(api.get(url))  # from the response cache


@pytest.mark.parametrize("shows", [in_related_list, in_body])
def test_an_api_article_found_by_path_is_kept_no_longer_than_until_a_story_it_shows_expires(
    api, news_index, shows
):
    story = shows(news_index, related_story(news_index))
    response = api.get("/api/newsfeed/v1/articles/find/", {"path": story.url})
    assert "Embargoed related story" in response.content.decode()
    assert_before_expiry(response)


@pytest.mark.parametrize("shows", [in_related_list, in_body])
def test_an_article_showing_stories_that_do_not_expire_keeps_the_full_max_age(
    client, api, news_index, shows
):
    story = shows(news_index, related_story(news_index, seconds=None))
    assert max_age(client.get(story.url)) == 60
    assert max_age(api.get(f"/api/newsfeed/v1/articles/{story.pk}/")) == 60


@pytest.mark.parametrize("shows", [in_related_list, in_body])
def test_a_related_story_already_expired_is_hidden_and_costs_no_max_age(
    client, api, news_index, shows
):
    story = shows(news_index, related_story(news_index, seconds=-5))
    page = client.get(story.url)
    assert "Embargoed related story" not in page.content.decode()
    assert max_age(page) == 60
    assert max_age(api.get(f"/api/newsfeed/v1/articles/{story.pk}/")) == 60
