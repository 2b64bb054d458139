"""SQLite serialises writers: concurrent entry posts served by several gunicorn worker processes
all succeed, and the feed's versions are issued once each, 1..N.

On SQLite a transaction that reads before it writes cannot wait for the write lock: when another
writer holds it, SQLite fails it at once ("database is locked"). The example site therefore begins
every transaction with the write lock (``transaction_mode`` IMMEDIATE) and waits up to 20 s for
it, so writers queue. On PostgreSQL, row locks do this (``tests/test_live_concurrency.py``).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.processes.harness import Response, Server, database_is_sqlite, serve

WRITERS = 16
WORKERS = 4

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(
        not database_is_sqlite(),
        reason="SQLite only: on PostgreSQL, test_live_concurrency covers writers (row locks)",
    ),
]


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, site) -> Server:
    (started,) = serve(request, site, ("writers", WORKERS))
    return started


def post_at_once(server: Server, path: str, token: str, count: int) -> list[Response]:
    """``count`` entry posts, each from its own thread and connection, released together."""
    start = threading.Barrier(count)
    responses: list[Any] = [None] * count

    def post(n: int) -> None:
        connection = server.connect(timeout=60)
        connection.connect()  # queued in the listen backlog until a worker accepts it
        start.wait(timeout=30)
        try:
            responses[n] = server.request(
                "POST",
                path,
                {"body": [{"type": "paragraph", "value": f"<p>{n}</p>"}]},
                headers={"Authorization": f"Token {token}"},
                connection=connection,
            )
        except BaseException as error:  # reported by the test thread
            responses[n] = error

    threads = [threading.Thread(target=post, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a post never returned"
    for response in responses:
        if isinstance(response, BaseException):
            raise response
    return responses


def test_concurrent_posts_from_several_workers_all_succeed_with_versions_1_to_n(
    server, helper, newsroom
):
    feed = helper("feed", index=newsroom["index"])
    entries = f"/api/newsfeed/v1/feeds/{feed['id']}/entries/"
    before = server.get(entries).json()
    assert before["results"] == []

    responses = post_at_once(server, entries, newsroom["token"], WRITERS)

    failed = [str(response) for response in responses if response.status != 201]
    assert not failed, f"{len(failed)} of {WRITERS} posts failed:\n" + "\n".join(failed)
    created = {response.json()["id"]: response.json()["version"] for response in responses}
    assert sorted(created.values()) == list(range(1, WRITERS + 1))
    # The posts were served by several processes at once, not queued behind one worker.
    assert len(server.worker_pids(f'"POST {entries} ')) > 1

    # Read back: the delta from the empty feed's cursor, and the database itself.
    delta = server.get(f"{entries}?since={before['cursor']}&limit=100").json()
    assert {row["id"]: row["version"] for row in delta["results"]} == created
    assert [row["version"] for row in delta["results"]] == list(range(1, WRITERS + 1))
    assert delta["has_more"] is False
    listed = server.get(f"{entries}?limit=100").json()["results"]
    assert sorted(row["id"] for row in listed) == sorted(created)
    assert helper("feed_versions", feed=feed["id"]) == {
        "counter": WRITERS,
        "entries": list(range(1, WRITERS + 1)),
    }
