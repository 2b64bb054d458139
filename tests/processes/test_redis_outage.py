"""Redis going down is not an outage: a real redis-server (the test's own) is stopped under two
gunicorn servers that use it as their cache (``ResilientRedisCache``, as the example site
configures it with ``REDIS_URL``).

While it is down, pages, the API, delta polls and writes answer from the database (no 500, no
refused write). When it returns, with everything it held before (it saves on shutdown, as a
production Redis does), every server is current at once, including about a change made while it
was down by a process that has exited since, and the servers use it again on their own.
"""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests import tools
from tests.processes.harness import RUNNING, Helper, RedisServer, Response, Server, serve

pytestmark = [
    pytest.mark.processes,
    tools.needs(bool(shutil.which("redis-server")), "needs redis-server"),
]

API = "/api/newsfeed/v1"
ARTICLES = f"{API}/articles/?limit=100"
DOWN_PAUSE = 2.0  # ResilientRedisCache's default: how long a process leaves a failed Redis alone
#: ResilientRedisCache's default: a process that never saw Redis fail reads the epoch this often,
#: so it may trust Redis for up to this long after another process missed an invalidation.
EPOCH_CHECK_INTERVAL = 1.0


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def redis_up(redis_server: RedisServer) -> RedisServer:
    if redis_server.process.poll() is not None:  # a failed test may have left it stopped
        redis_server.start()
    return redis_server


@pytest.fixture(scope="module")
def servers(request: pytest.FixtureRequest, site, redis_server: RedisServer) -> list[Server]:
    return serve(
        request,
        site.with_env(REDIS_URL=redis_server.url),
        ("redis server 1", 1),
        ("redis server 2", 1),
    )


@pytest.fixture
def redis_writer(site, redis_server: RedisServer) -> Iterator[Helper]:
    """A process that makes changes with Redis as its cache, as an editor's admin process does."""
    process = Helper(site.with_env(REDIS_URL=redis_server.url), name="redis helper")
    RUNNING.append(process)
    try:
        process("ping")
        yield process
    finally:
        RUNNING.remove(process)
        process.stop()


@dataclass
class Story:
    article: dict[str, Any]
    feed: dict[str, Any]
    entry: dict[str, Any]
    cursor: str

    @property
    def detail(self) -> str:
        return f"{API}/articles/{self.article['id']}/"

    @property
    def entries(self) -> str:
        return f"{API}/feeds/{self.feed['id']}/entries/"

    @property
    def delta(self) -> str:
        return f"{self.entries}?since={self.cursor}"

    def reads(self) -> list[str]:
        return [
            self.article["path"],
            self.feed["path"],
            ARTICLES,
            self.detail,
            self.entries,
            self.delta,
        ]


def new_story(servers: list[Server], helper: Helper, newsroom: dict[str, Any]) -> Story:
    """Seeded, then read twice on each server so that whatever they cache is in Redis."""
    article = helper("article", index=newsroom["index"])
    feed = helper("feed", index=newsroom["index"])
    entry = helper("entry", feed=feed["id"])
    cursor = servers[0].get(f"{API}/feeds/{feed['id']}/entries/").json()["cursor"]
    story = Story(article=article, feed=feed, entry=entry, cursor=cursor)
    for server in servers:
        for url in story.reads():
            for _ in range(2):
                response = server.get(url)
                assert response.status == 200, f"warming up: {response}"
        assert server.get(story.delta).json()["results"] == []
    return story


def ids(response: Response) -> list[int]:
    assert response.status == 200, str(response)
    return [item["id"] for item in response.json()["results"]]


def paragraph(text: str) -> dict[str, str]:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def epochs(redis_server: RedisServer) -> set[str]:
    """The epochs of the keys Redis holds (``e<N>:...``, see ``cache_backends``)."""
    return {key.split(b":", 1)[0].decode() for key in redis_server.client().scan_iter()}


def test_while_redis_is_down_readers_pollers_and_writers_get_no_error(
    servers, helper, newsroom, redis_up
):
    story = new_story(servers, helper, newsroom)
    token = {"Authorization": f"Token {newsroom['token']}"}
    before = epochs(redis_up)
    redis_up.stop()

    statuses: dict[str, list[int]] = defaultdict(list)
    slowest: dict[str, float] = defaultdict(float)
    posted: list[int] = []
    deadline = time.monotonic() + DOWN_PAUSE + 0.5  # long enough for each to try Redis again
    n = 0
    while time.monotonic() < deadline:
        for server in servers:
            n += 1
            for kind, method, url, body in [
                ("page", "GET", story.article["path"], None),
                ("live page", "GET", story.feed["path"], None),
                ("article list", "GET", ARTICLES, None),
                ("entries", "GET", story.entries, None),
                ("delta poll", "GET", story.delta, None),
                ("write", "POST", story.entries, {"body": [paragraph(f"Down {n}")]}),
            ]:
                started = time.monotonic()
                response = server.request(method, url, body, headers=token if body else None)
                slowest[kind] = max(slowest[kind], time.monotonic() - started)
                statuses[kind].append(response.status)
                if response.status == 201:
                    posted.append(response.json()["id"])
    redis_up.start()

    figures = {
        kind: f"{len(s)} x {sorted(set(s))}, slowest {slowest[kind]:.3f} s"
        for kind, s in statuses.items()
    }
    print(f"\nWhile Redis was down: {figures}")
    errors = {
        kind: s for kind, s in statuses.items() if set(s) != {201 if kind == "write" else 200}
    }
    assert not errors, f"errors while Redis was down: {figures}"
    # Every acknowledged write is in the database and in every server's next poll.
    versions = helper("feed_versions", feed=story.feed["id"])
    assert len(versions["entries"]) == 1 + len(posted)
    for server in servers:
        assert set(posted) <= set(ids(server.get(story.delta)))

    # Back on their own: once each has left Redis alone for its pause, both use it again,
    # under a new epoch (the writes' invalidations were missed).
    time.sleep(DOWN_PAUSE)
    for server in servers:
        for url in story.reads():
            assert server.get(url).status == 200
    assert epochs(redis_up) - before, "the servers did not use Redis again"


def test_what_changed_while_redis_was_down_is_current_everywhere_once_it_returns(
    servers, helper, newsroom, redis_up, redis_writer
):
    story = new_story(servers, helper, newsroom)
    busy, idle = servers
    feed_version_key = f"feed-version:{story.feed['id']}".encode()
    redis_up.stop()  # saves what it holds: the old lists, bodies and feed version
    assert busy.get(story.detail).status == 200  # one server sees Redis down, the other not

    redis_writer("unpublish", page=story.article["id"])
    redis_writer("delete_entry", entry=story.entry["id"])
    redis_writer.stop()  # the process that made the changes is gone before Redis returns
    redis_up.start()
    assert any(feed_version_key in key for key in redis_up.client().scan_iter())

    def current(server: Server) -> list[str]:
        stale = []
        if server.get(story.detail).status != 404:
            stale.append("article detail")
        if server.get(story.article["path"]).status != 404:
            stale.append("article page")
        if story.article["id"] in ids(server.get(ARTICLES)):
            stale.append("article list")
        if story.entry["id"] in ids(server.get(story.entries)):
            stale.append("entries")
        if server.get(story.delta).json()["results"] != [
            {"id": story.entry["id"], "deleted": True}
        ]:
            stale.append("delta poll")
        return stale

    before = epochs(redis_up)
    time.sleep(EPOCH_CHECK_INTERVAL)  # the promise: current within one epoch check
    for when in ("within one epoch check", f"{DOWN_PAUSE} s later, from Redis"):
        stale = {str(server): current(server) for server in servers}
        assert not any(stale.values()), f"stale answers {when}: {stale}"
        time.sleep(DOWN_PAUSE)
    assert epochs(redis_up) - before, "the servers did not use Redis again"
