"""``tests/indexing.py``: test data skips the search and reference indexes unless the test
searches, what the code under test saves is always indexed, and an undeclared search fails."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ReferenceIndex
from wagtail.search.models import IndexEntry

from tests import factories, indexing
from wagtail_newsfeed.models import NewsArticlePage

pytestmark = pytest.mark.django_db


def in_search_index(page) -> bool:
    """Indexed as the page it is (the database backend keeps one entry per model and object)."""
    return IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(page), object_id=str(page.pk)
    ).exists()


def image_article(news_index) -> NewsArticlePage:
    return factories.make_article(
        news_index, "Harbour bridge reopens", lead_image=factories.make_image()
    )


def test_test_data_is_not_indexed_in_a_test_that_does_not_search(news_index):
    article = image_article(news_index)
    assert not in_search_index(article)
    assert not ReferenceIndex.get_references_for_object(article).exists()


@pytest.mark.indexed
def test_test_data_is_indexed_in_a_test_that_searches(news_index):
    article = image_article(news_index)
    assert in_search_index(article)
    assert ReferenceIndex.get_references_for_object(article).exists()
    assert list(NewsArticlePage.objects.live().search("harbour")) == [article]


def test_what_the_code_under_test_saves_is_indexed(news_index):
    image = factories.make_image()
    article = NewsArticlePage(title="Ferry strike ends", slug="ferry", lead_image=image)
    news_index.add_child(instance=article)
    article.save_revision().publish()
    assert in_search_index(article)
    assert ReferenceIndex.get_references_for_object(article).exists()


def test_a_search_in_a_test_that_did_not_declare_it_fails_even_if_caught(news_index):
    image_article(news_index)
    with pytest.raises(AssertionError, match="mark it @pytest.mark.indexed"):
        list(NewsArticlePage.objects.search("harbour"))
    assert indexing.unmarked_searches()  # the teardown check fails the test with these
    indexing.index_test_data(False)  # forget them: this test expected the refusal
    assert indexing.unmarked_searches() == []


def test_nested_factories_restore_the_indexes_once_the_outermost_returns(news_index):
    factories.make_hidden_articles(news_index)  # calls make_article inside
    article = NewsArticlePage(title="Outside any factory", slug="outside")
    news_index.add_child(instance=article)
    article.save_revision().publish()
    assert in_search_index(article)
