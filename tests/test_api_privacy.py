"""The privacy matrix: every kind of hidden content is absent from lists and 404 on detail, for
anonymous readers and for token holders (even a superuser's token) alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed import entry_rules

ARTICLES = "/api/newsfeed/v1/articles/"


@pytest.fixture(params=["anonymous", "token"])
def reader(request, superuser):
    client = APIClient()
    if request.param == "token":
        token = Token.objects.create(user=superuser)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def draft(index):
    return factories.make_article(index, "Hidden draft", publish=False)


def scheduled(index):
    article = factories.make_article(index, "Hidden scheduled", publish=False)
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    return article


def expired(index):
    article = factories.make_article(index, "Hidden expired")
    # Still marked live: publish_scheduled has not run yet since it expired.
    Page.objects.filter(pk=article.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    return article


def restricted(index):
    article = factories.make_article(index, "Hidden private")
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    return article


def restricted_section(index):
    section = factories.make_index(index.get_parent(), "Members only")
    PageViewRestriction.objects.create(page=section, restriction_type="password", password="x")
    return factories.make_article(section, "Hidden in a private section")


@pytest.mark.indexed
@pytest.mark.parametrize("make_hidden", [draft, scheduled, expired, restricted, restricted_section])
def test_hidden_articles_are_absent_and_404(reader, news_index, make_hidden):
    public = factories.make_article(news_index, "Public")
    hidden = make_hidden(news_index)

    listed = [a["title"] for a in reader.get(ARTICLES).json()["results"]]
    assert listed == ["Public"]
    assert reader.get(ARTICLES, {"q": "Hidden"}).json()["results"] == []
    detail = reverse("wagtail_newsfeed_api:article-detail", args=[hidden.pk])
    assert reader.get(detail).status_code == 404
    find = reverse("wagtail_newsfeed_api:article-find")
    assert reader.get(find, {"path": public.url}).status_code == 200  # the control
    assert reader.get(find, {"path": hidden.url}).status_code == 404


def test_hidden_related_articles_are_left_out(reader, news_index):
    hidden = restricted(news_index)
    body = [{"type": "related_article", "value": {"page": hidden.pk, "label": ""}}]
    article = factories.make_article(news_index, "Public", body=body)
    data = reader.get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk])).json()
    assert data["body"][0]["value"]["page"] is None


def hide_by_unpublishing(feed):
    feed.unpublish()


def hide_by_restriction(feed):
    PageViewRestriction.objects.create(page=feed, restriction_type="login")


def hide_by_expiry(feed):
    Page.objects.filter(pk=feed.pk).update(expire_at=timezone.now() - timedelta(minutes=1))


@pytest.mark.parametrize("hide", [hide_by_unpublishing, hide_by_restriction, hide_by_expiry])
def test_entries_of_hidden_feeds_are_absent_and_404(reader, feed, superuser, hide):
    entry = factories.make_entry(feed, superuser)
    hide(feed)

    assert reader.get(reverse("wagtail_newsfeed_api:feed-list")).json()["results"] == []
    for url in (
        reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk]),
        reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk]),
        reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk]),
    ):
        assert reader.get(url).status_code == 404, url


@pytest.mark.parametrize("state", ["draft", "deleted"])
def test_draft_and_deleted_entries_are_absent_and_404(reader, feed, superuser, state):
    factories.make_entry(feed, superuser, headline="Public")
    entry = factories.make_entry(
        feed, superuser, headline="Hidden", is_pinned=True, is_key_event=True
    )
    if state == "draft":
        entry_rules.unpublish_entry(entry, superuser)
    else:
        entry_rules.delete_entry(entry, superuser)

    listing = reader.get(reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])).json()
    assert [e["headline"] for e in listing["results"]] == ["Public"]
    feed_data = reader.get(reverse("wagtail_newsfeed_api:feed-detail", args=[feed.pk])).json()
    assert feed_data["pinned"] is None
    assert feed_data["key_events"] == []
    detail = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    assert reader.get(detail).status_code == 404
