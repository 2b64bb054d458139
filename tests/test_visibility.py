"""The one visibility rule: what readers may see."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed import entry_rules, visibility

pytestmark = pytest.mark.django_db


def test_live_public_article_is_visible(news_index):
    article = factories.make_article(news_index)
    assert visibility.is_page_visible(article)
    assert article in visibility.visible_articles()


def test_draft_article_is_hidden(news_index):
    article = factories.make_article(news_index, publish=False)
    assert not visibility.is_page_visible(article)


def test_unpublished_article_is_hidden(news_index):
    article = factories.make_article(news_index)
    article.unpublish()
    assert article not in visibility.visible_articles()


def test_scheduled_article_is_hidden(news_index):
    article = factories.make_article(news_index, publish=False)
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    assert not visibility.is_page_visible(article)


def test_expired_article_is_hidden_before_the_scheduler_runs(news_index):
    article = factories.make_article(news_index)
    type(article).objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    assert not visibility.is_page_visible(article)


def test_article_under_a_private_index_is_hidden(news_index):
    article = factories.make_article(news_index)
    PageViewRestriction.objects.create(
        page=news_index, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert not visibility.is_page_visible(article)
    assert not visibility.visible_articles().exists()


def test_entries_of_a_hidden_feed_are_hidden(feed, superuser):
    factories.make_entry(feed, superuser)
    assert visibility.visible_entries(feed).exists()
    feed.unpublish()
    assert not visibility.visible_entries().exists()
    assert not visibility.visible_entries(feed).exists()


def test_draft_and_deleted_entries_are_hidden(feed, superuser):
    draft = factories.make_entry(feed, superuser, status="draft")
    deleted = factories.make_entry(feed, superuser)
    entry_rules.delete_entry(deleted, superuser)
    shown = factories.make_entry(feed, superuser)
    assert list(visibility.visible_entries(feed)) == [shown]
    assert not visibility.visible_entries().filter(pk__in=[draft.pk, deleted.pk]).exists()
