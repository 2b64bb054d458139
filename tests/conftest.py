"""Shared fixtures: a site with a news index, and users with different powers over it."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def news_index(db):
    return factories.make_index()


@pytest.fixture
def feed(news_index):
    return factories.make_feed(news_index, "Election night live")


@pytest.fixture
def superuser(db):
    return factories.make_superuser()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def contributor(feed):
    """May save drafts in ``feed`` (Wagtail edit permission) but not publish."""
    return factories.make_user("contrib", groups=[factories.feed_group(feed, publish=False)])


@pytest.fixture
def editor(feed):
    """May edit and publish ``feed``."""
    return factories.make_user("editor", groups=[factories.feed_group(feed, publish=True)])
