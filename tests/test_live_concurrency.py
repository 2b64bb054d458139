"""Several editors writing to one feed at the same moment on PostgreSQL, while a reader follows the
delta cursor: nothing is lost, versions are issued once each and without gaps, and the reader's
rebuilt state equals the database."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import close_old_connections, connection

from tests import factories
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and threads"
    ),
]

WRITERS = 4
OPERATIONS = 25


def snapshot(entry: LiveEntry) -> tuple:
    return (
        entry.version,
        entry.headline,
        entry.status,
        entry.deleted_at is not None,
        entry.is_pinned,
        entry.is_key_event,
    )


def in_own_connection(target):
    """Run ``target`` in a thread with its own database connection, closed at the end."""
    errors: list[BaseException] = []

    def run(*args):
        try:
            target(*args)
        except BaseException as error:  # reported in the test thread
            errors.append(error)
        finally:
            connection.close()

    return run, errors


def test_concurrent_writers_and_a_delta_poller_agree_with_the_database(news_index):
    feed = factories.make_feed(news_index, "Busy night")
    editor = factories.make_superuser("busy-editor")
    stamped: list[tuple[int, int]] = []  # (version, entry id) of every change, from the signal
    stamped_lock = threading.Lock()

    def record(sender, feed, entries, action, **kwargs):
        with stamped_lock:
            stamped.extend((entry.version, entry.pk) for entry in entries)

    entry_rules.entries_changed.connect(record, weak=False)
    created: list[str] = []
    conflicts = [0]
    start = threading.Barrier(WRITERS + 1)
    writers_done = threading.Event()
    poller_state: dict[int, tuple] = {}
    seen_versions: list[int] = []

    def write(worker: int) -> None:
        rng = random.Random(worker)
        mine: list[LiveEntry] = []
        start.wait()
        for n in range(OPERATIONS):
            roll = rng.random()
            if not mine or roll < 0.45:
                headline = f"w{worker}-e{n}"
                status = rng.choice([LiveEntry.Status.PUBLISHED, LiveEntry.Status.DRAFT])
                entry = entry_rules.create_entry(
                    feed,
                    editor,
                    headline=headline,
                    body=factories.paragraph(f"Text {worker}/{n}"),
                    status=status,
                    is_pinned=rng.random() < 0.2,
                )
                mine.append(entry)
                with stamped_lock:
                    created.append(headline)
            elif roll < 0.7:
                entry = rng.choice(mine)
                stale = entry.version
                try:
                    entry_rules.update_entry(
                        entry, editor, expected_version=stale, headline=f"{entry.headline}+"
                    )
                except entry_rules.EntryConflict:
                    # Another writer's pin change touched it: reload and apply on top.
                    conflicts[0] += 1
                    entry.refresh_from_db()
                    entry_rules.update_entry(entry, editor, headline=f"{entry.headline}+")
            elif roll < 0.8:
                entry_rules.set_pinned(rng.choice(mine), editor, True)
            elif roll < 0.9:
                entry = rng.choice(mine)
                entry_rules.update_entry(
                    entry,
                    editor,
                    status=LiveEntry.Status.DRAFT
                    if entry.status == LiveEntry.Status.PUBLISHED
                    else LiveEntry.Status.PUBLISHED,
                )
            else:
                entry_rules.delete_entry(mine.pop(rng.randrange(len(mine))), editor)

    def poll() -> None:
        cursor = delta.decode_cursor(feed, delta.encode_cursor(feed, 0))
        start.wait()
        while True:
            finished = writers_done.is_set()
            rows, has_more = delta.changes_since(feed, cursor, 7)
            for row in rows:
                assert row.version > cursor, "a change arrived out of commit order"
                poller_state[row.pk] = snapshot(row)
                seen_versions.append(row.version)
                cursor = row.version
            if finished and not rows and not has_more:
                return
            if not rows:
                time.sleep(0.005)
            close_old_connections()

    try:
        threads = []
        errors_by_thread = []
        for worker in range(WRITERS):
            run, errors = in_own_connection(write)
            threads.append(threading.Thread(target=run, args=(worker,)))
            errors_by_thread.append(errors)
        run, poll_errors = in_own_connection(poll)
        poller = threading.Thread(target=run)
        for thread in [*threads, poller]:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        writers_done.set()
        poller.join(timeout=120)
    finally:
        entry_rules.entries_changed.disconnect(record)

    for errors in [*errors_by_thread, poll_errors]:
        if errors:
            raise errors[0]
    assert not any(thread.is_alive() for thread in [*threads, poller])

    rows = list(LiveEntry.objects.filter(feed=feed))
    # Every created entry exists exactly once.
    headlines = sorted(row.headline.rstrip("+") for row in rows)
    assert headlines == sorted(created)
    assert len(rows) == len(created) >= WRITERS
    # Versions: each issued exactly once, 1..N without gaps, and N is the feed's counter.
    total = delta.current_version(feed)
    assert sorted(version for version, _pk in stamped) == list(range(1, total + 1))
    assert len({row.version for row in rows}) == len(rows)
    assert max(row.version for row in rows) == total
    # The poller saw versions strictly increasing and rebuilt exactly the database's state of
    # every entry readers ever saw (drafts never published are not announced, not even by id).
    assert seen_versions == sorted(set(seen_versions))
    seen_by_readers = [row for row in rows if row.first_published_at is not None]
    assert poller_state == {row.pk: snapshot(row) for row in seen_by_readers}
    # The write path kept its invariant under contention: at most one pinned entry.
    assert sum(1 for row in rows if row.is_pinned and row.deleted_at is None) <= 1
