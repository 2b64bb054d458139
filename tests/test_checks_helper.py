"""``tests.checks.nothing_saved`` sees every kind of write a refused request could leave behind,
an edit in place as well as a new or deleted row: otherwise the bad-input tests that rely on it
would pass over a refusal that renamed a topic or rewrote a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from wagtail.models import Page, Revision

from tests import checks, factories
from wagtail_newsfeed.models import (
    Author,
    LiveEntry,
    LiveFeedCounter,
    NewsArticlePage,
    Source,
    Topic,
    WebhookEndpoint,
)


@dataclass
class Newsroom:
    topic: Topic
    author: Author
    source: Source
    endpoint: WebhookEndpoint
    article: NewsArticlePage
    entry: LiveEntry


@pytest.fixture
def newsroom(feed) -> Newsroom:
    topic, author = factories.make_topic(), factories.make_author()
    article = factories.make_article(feed.get_parent().specific, topics=[topic], authors=[author])
    endpoint = WebhookEndpoint.objects.create(
        name="Frontend", url="https://front.example.com/hook", events=["article.published"]
    )
    entry = factories.make_entry(feed)
    return Newsroom(topic, author, factories.make_source(), endpoint, article, entry)


def changed_rows(before: dict[str, Any]) -> dict[str, set[Any]]:
    """Table -> the primary keys of its rows that differ from ``before``."""
    changed = checks.changes(before, checks.database_state())
    return {table: set(old) | set(new) for table, (old, new) in changed.items()}


def _new_revision(room: Newsroom) -> dict[str, set[Any]]:
    revision = room.article.save_revision()
    # Saving a revision also points the page row at it.
    return {"wagtailcore_revision": {revision.pk}, "wagtailcore_page": {room.article.pk}}


def _revision_rewritten(room: Newsroom) -> dict[str, set[Any]]:
    revision = room.article.latest_revision
    content = {**revision.content, "standfirst": "Rewritten in the revision."}
    Revision.objects.filter(pk=revision.pk).update(content=content)
    return {"wagtailcore_revision": {revision.pk}}


def _feed_version_bumped(room: Newsroom) -> dict[str, set[Any]]:
    counter = LiveFeedCounter.objects.get(feed_id=room.entry.feed_id)
    LiveFeedCounter.objects.filter(pk=counter.pk).update(version=counter.version + 1)
    return {"wagtail_newsfeed_livefeedcounter": {counter.pk}}


def _update(attribute: str, model: type, **values: Any):
    """An edit that UPDATEs ``values`` on the row of ``room.<attribute>`` in ``model``'s table."""

    def edit(room: Newsroom) -> dict[str, set[Any]]:
        pk = getattr(room, attribute).pk
        assert model.objects.filter(pk=pk).update(**values) == 1
        return {model._meta.db_table: {pk}}

    return edit


#: A write as a buggy refusal could leave it, mostly an UPDATE of one row in place; each gives
#: the rows it changed, table -> primary keys.
EDITS = {
    "topic renamed": _update("topic", Topic, name="Renamed"),
    "author renamed": _update("author", Author, name="Renamed"),
    "source renamed": _update("source", Source, name="Renamed"),
    "webhook endpoint's URL": _update("endpoint", WebhookEndpoint, url="https://evil.example/"),
    "webhook endpoint switched off": _update("endpoint", WebhookEndpoint, is_active=False),
    "webhook endpoint's events": _update("endpoint", WebhookEndpoint, events=["entry.deleted"]),
    "article's title on the page row": _update("article", Page, title="Rewritten"),
    "article's slug on the page row": _update("article", Page, slug="rewritten"),
    "article's search description": _update("article", Page, search_description="Changed"),
    "article's standfirst on its own row": _update(
        "article", NewsArticlePage, standfirst="Rewritten."
    ),
    "article's publication time": _update("article", NewsArticlePage, published_at=timezone.now()),
    "a new revision of the article": _new_revision,
    "the latest revision rewritten": _revision_rewritten,
    "live entry's body": _update("entry", LiveEntry, body=factories.paragraph("Changed")),
    "feed's version counter": _feed_version_bumped,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_in_place_is_reported_with_its_table_and_row(newsroom, edit):
    before = checks.database_state()
    edited = edit(newsroom)
    assert changed_rows(before) == edited


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_nothing_saved_fails_on_an_edit_in_place(newsroom, edit):
    with pytest.raises(AssertionError, match="wagtail"), checks.nothing_saved():
        edit(newsroom)


def test_an_unchanged_database_gives_no_changes(newsroom, client):
    before = checks.database_state()
    # Reads and a save of what is already stored change no value.
    client.get(newsroom.article.url)
    Topic.objects.filter(pk=newsroom.topic.pk).update(name=newsroom.topic.name)
    with checks.nothing_saved():
        client.get(newsroom.article.url)
    assert checks.changes(before, checks.database_state()) == {}


def test_a_row_added_or_deleted_is_reported(newsroom):
    before = checks.database_state()
    added = factories.make_topic()
    Source.objects.filter(pk=newsroom.source.pk).delete()
    changed = changed_rows(before)
    assert changed["wagtail_newsfeed_topic"] == {added.pk}
    assert changed["wagtail_newsfeed_source"] == {newsroom.source.pk}
