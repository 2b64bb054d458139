"""Page type rules and model behaviour."""

import pytest
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from tests import factories
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage


class TestPageTypeRules(WagtailPageTestCase):
    def test_article_may_only_live_under_a_news_index(self):
        self.assertAllowedParentPageTypes(NewsArticlePage, {NewsIndexPage})

    def test_news_index_takes_articles_and_live_feeds(self):
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsArticlePage, LiveFeedPage})

    def test_article_and_feed_have_no_children(self):
        self.assertAllowedSubpageTypes(NewsArticlePage, set())
        self.assertAllowedSubpageTypes(LiveFeedPage, set())


@pytest.mark.django_db
def test_published_at_defaults_to_first_publish(news_index):
    article = factories.make_article(news_index)
    assert article.published_at == article.first_published_at


@pytest.mark.django_db
def test_editor_chosen_published_at_is_kept(news_index):
    when = timezone.now() - timezone.timedelta(days=3)
    article = factories.make_article(news_index, published_at=when)
    assert article.published_at == when
