"""A live feed's ``updated_at`` in the API moves with what readers see or saw (delta sync's rule,
``delta.seen_by_readers``), never with drafts they never saw."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db


def updated_at(client, feed) -> str:
    return client.get(f"/api/newsfeed/v1/feeds/{feed.pk}/").json()["updated_at"]


def _in_the_past(feed):
    """Every time the feed's ``updated_at`` reads an hour back, so a change now would show."""
    hour_ago = timezone.now() - timedelta(hours=1)
    LiveEntry.objects.filter(feed=feed).update(updated_at=hour_ago)
    Page.objects.filter(pk=feed.pk).update(last_published_at=hour_ago)


def test_deleting_a_never_published_draft_leaves_updated_at(client, news_index, superuser):
    feed = factories.make_feed(news_index, "Feed")
    factories.make_entry(feed, superuser, text="public")
    draft = factories.make_entry(feed, superuser, text="secret draft", status="draft")
    _in_the_past(feed)
    before = updated_at(client, feed)
    entry_rules.delete_entry(draft, superuser)
    assert updated_at(client, feed) == before


def test_deleting_a_published_entry_moves_updated_at(client, news_index, superuser):
    feed = factories.make_feed(news_index, "Feed")
    factories.make_entry(feed, superuser, text="first")
    entry = factories.make_entry(feed, superuser, text="second")
    _in_the_past(feed)
    before = updated_at(client, feed)
    entry_rules.delete_entry(LiveEntry.objects.get(pk=entry.pk), superuser)
    assert updated_at(client, feed) > before
