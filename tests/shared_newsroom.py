"""A news index, a live feed and a superuser built once for a whole test module.

For modules whose many tests only read the same small newsroom (attack matrices): import the
fixtures into the module (``from tests.shared_newsroom import feed, news_index, newsroom,
superuser``) and they replace the per-test ones of ``tests/conftest.py``. The rows are built in
``module_transaction``; each test fetches fresh instances, so no test sees another's changes
through a shared object. A module that needs more rows defines its own ``newsroom`` on top of
``build()``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests import factories
from wagtail_newsfeed.models import LiveFeedPage, NewsIndexPage


def build(*, stories: bool = False) -> dict[str, int]:
    """The rows, as ids: ``index``, ``feed`` (published, under the index) and ``user``; with
    ``stories``, also one published article in the index and one entry by the user in the feed."""
    index = factories.make_index()
    feed = factories.make_feed(index, "Election night live")
    user = factories.make_superuser()
    if stories:
        factories.make_article(index)
        factories.make_entry(feed, user)
    return {"index": index.pk, "feed": feed.pk, "user": user.pk}


@pytest.fixture(scope="module")
def newsroom(module_transaction) -> dict[str, int]:
    return build()


@pytest.fixture
def news_index(newsroom) -> NewsIndexPage:
    return NewsIndexPage.objects.get(pk=newsroom["index"])


@pytest.fixture
def feed(newsroom) -> LiveFeedPage:
    return LiveFeedPage.objects.get(pk=newsroom["feed"])


@pytest.fixture
def superuser(newsroom):
    return get_user_model().objects.get(pk=newsroom["user"])
