"""Cache generations move inside the change's transaction, and a committed write answers as one.

An entry change moves the API generation through its feed's counter, which it locks anyway
(``caching.entry_data_stale``): no row that writers of every feed would queue on is written, and
nothing is left for after the commit that could hang the answer or turn it into a 503.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed import caching
from wagtail_newsfeed.entry_rules import entries_changed
from wagtail_newsfeed.models import CacheGeneration, LiveEntry

AUTHORS = "/api/newsfeed/v1/authors/"
BODY = [{"type": "paragraph", "value": "<p>Breaking</p>"}]


def entries_url(feed):
    return f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"


def generation_row() -> int | None:
    return (
        CacheGeneration.objects.filter(name=caching.API_GENERATION)
        .values_list("value", flat=True)
        .first()
    )


@pytest.mark.django_db
def test_an_entry_change_moves_the_api_generation_without_writing_its_row(feed, superuser):
    caching.bump_generation()  # the row exists
    row, token = generation_row(), caching.generation()
    factories.make_entry(feed, superuser)
    assert caching.generation() != token
    assert generation_row() == row


@pytest.mark.django_db
def test_an_author_first_on_a_published_entry_is_listed_at_once(feed, superuser):
    api = APIClient()
    author = factories.make_author("Jane Smith")
    for _ in range(2):  # cached, without her
        assert author.slug not in [item["slug"] for item in api.get(AUTHORS).json()["results"]]
    factories.make_entry(feed, superuser, authors=[author])
    assert author.slug in [item["slug"] for item in api.get(AUTHORS).json()["results"]]


@pytest.mark.django_db
def test_a_deleted_feed_moves_the_api_generation(feed, superuser):
    factories.make_entry(feed, superuser)
    token = caching.generation()
    feed.delete()
    assert caching.generation() != token


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failure_after_the_commit_is_logged_and_the_write_answers_201(feed, superuser, caplog):
    def broken(**kwargs):
        raise DatabaseError("the database went away after the commit")

    entries_changed.connect(broken, dispatch_uid="test_broken_after_commit")
    api = APIClient()
    api.force_authenticate(superuser)
    try:
        with caplog.at_level(logging.ERROR):
            response = api.post(entries_url(feed), {"body": BODY}, format="json")
    finally:
        entries_changed.disconnect(dispatch_uid="test_broken_after_commit")
    assert response.status_code == 201, response.content
    assert LiveEntry.objects.filter(pk=response.json()["id"]).exists()
    assert "the database went away after the commit" in caplog.text


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: SQLite locks the whole database"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_entry_write_does_not_wait_for_a_lock_on_the_generation_row(feed, superuser):
    """Another transaction holds the API generation's row (a page being published, say): an
    entry write neither waits for it nor fails."""
    caching.bump_generation()  # the row exists
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                CacheGeneration.objects.select_for_update().get(name=caching.API_GENERATION)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        api = APIClient()
        api.force_authenticate(superuser)
        started = time.monotonic()
        response = api.post(entries_url(feed), {"body": BODY}, format="json")
        took = time.monotonic() - started
        assert response.status_code == 201, response.content
        assert took < 5
        poll = APIClient().get(entries_url(feed)).json()["results"]
        assert response.json()["id"] in [item["id"] for item in poll]
    finally:
        release.set()
        holder.join()
