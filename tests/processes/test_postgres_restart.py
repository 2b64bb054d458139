"""A PostgreSQL restart is not an outage: a throwaway PostgreSQL cluster of the test's own
(never the shared server) is restarted for real under gunicorn workers that hold persistent
connections (the example site's ``CONN_MAX_AGE``).

With ``CONN_HEALTH_CHECKS`` (the example site sets it) the first request on each connection the
restart broke reconnects instead of answering 500. While the database is down, the API answers
a 503 problem with ``Retry-After`` (reads and writes; the live page's fragments and Wagtail's
pages API too), and nothing of a refused write is committed.
Reader pages answer a plain 503 with ``Retry-After`` (``middleware``): a proxy in front
retries them on another server or serves them from its grace period.

Needs root (the cluster runs as ``postgres``) and Debian's PostgreSQL binaries; skipped otherwise.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import tools
from tests.processes.harness import (
    RUNNING,
    Database,
    Helper,
    ProcessFailure,
    Server,
    Site,
    free_port,
    serve,
    tail,
)

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))

pytestmark = [
    pytest.mark.processes,
    pytest.mark.own_postgres,
    tools.needs(bool(BINARIES), "needs PostgreSQL's binaries (initdb, pg_ctl)"),
    tools.needs(os.geteuid() == 0, "needs root to run a cluster as postgres"),
]

API = "/api/newsfeed/v1"
NAME = "newsfeed_helper_faults"


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port, run as ``postgres``
    with durability off (it is thrown away)."""

    def __init__(self) -> None:
        self.bin = Path(BINARIES[-1])
        self.folder = Path(tempfile.mkdtemp(prefix=f"{NAME}_"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{NAME}"

    def run(self, *command: str) -> None:
        done = subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode:
            raise ProcessFailure(f"{command}: {done.stderr}\n{tail(self.log)}")

    def pg_ctl(self, *args: str) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("-o", options, "start")

    def create(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "--no-sync")  # fmt: skip
        self.start()
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", NAME)  # fmt: skip

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    made = Cluster()
    try:
        made.create()
        yield made
    finally:
        made.destroy()


@pytest.fixture(scope="module")
def pg_site(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site like the session's, on the cluster's database (migrated here)."""
    folder = tmp_path_factory.mktemp("postgres_restart")
    (folder / "media").mkdir()
    (folder / "logs").mkdir()
    made = Site(
        database=Database(url=cluster.url), media_root=folder / "media", log_dir=folder / "logs"
    )
    made.start_migrating()
    try:
        yield made
    finally:
        made.stop_migrating()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, pg_site: Site) -> Server:
    (started,) = serve(request, pg_site, ("pg server", 2))
    return started


@pytest.fixture(scope="module")
def content(pg_site: Site, server: Server) -> Iterator[dict[str, Any]]:
    helper = Helper(pg_site, name="pg helper")
    RUNNING.append(helper)
    try:
        room = helper("newsroom")
        article = helper("article", index=room["index"])
        feed = helper("feed", index=room["index"])
        helper("entry", feed=feed["id"])
        yield {"token": room["token"], "article": article, "feed": feed, "helper": helper}
    finally:
        RUNNING.remove(helper)
        helper.stop()


def reads(content: dict[str, Any]) -> list[str]:
    feed = content["feed"]
    return [
        content["article"]["path"],
        feed["path"],
        f"{API}/articles/",
        f"{API}/articles/{content['article']['id']}/",
        f"{API}/feeds/{feed['id']}/entries/",
    ]


def post(server: Server, content: dict[str, Any], text: str) -> Any:
    return server.request(
        "POST",
        f"{API}/feeds/{content['feed']['id']}/entries/",
        {"body": [{"type": "paragraph", "value": f"<p>{text}</p>"}]},
        headers={"Authorization": f"Token {content['token']}"},
    )


def warm_every_worker(server: Server, content: dict[str, Any]) -> None:
    """Until each worker has answered (and so holds a persistent connection)."""
    deadline = time.monotonic() + 20
    while len(server.worker_pids('"GET /api/newsfeed/v1/articles/ ')) < server.workers:
        assert time.monotonic() < deadline, "one worker never answered"
        for url in reads(content):
            assert server.get(url).status == 200


def test_after_a_restart_the_first_request_on_each_old_connection_answers(cluster, server, content):
    warm_every_worker(server, content)
    cluster.pg_ctl("-m", "fast", "restart")

    # Each worker's connection was closed by the restart; the kernel spreads these over both.
    statuses = [server.get(url).status for _ in range(3) for url in reads(content)]
    assert set(statuses) == {200}, f"after a restart: {statuses}"
    assert post(server, content, "After the restart").status == 201


def test_while_the_database_is_down_the_api_answers_503_problems_and_saves_nothing(
    cluster, server, content
):
    warm_every_worker(server, content)
    before = content["helper"]("feed_versions", feed=content["feed"]["id"])["entries"]
    cluster.pg_ctl("-m", "fast", "stop")
    try:
        refused = post(server, content, "Refused")
        reads_refused = [server.get(url) for url in reads(content) if url.startswith(API)]
        reads_refused.append(server.get(f"/newsfeed/live/{content['feed']['id']}/fragments/?ids=1"))
        reads_refused.append(server.get("/api/v2/pages/?limit=1"))
        pages_refused = [server.get(url) for url in reads(content) if not url.startswith(API)]
    finally:
        cluster.start()
    for response in [refused, *reads_refused]:
        assert response.status == 503, str(response)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.headers.get("Retry-After"), str(response)
    assert pages_refused
    for response in pages_refused:
        assert response.status == 503, str(response)
        assert response.headers.get("Retry-After"), str(response)
        assert "no-store" in response.headers.get("Cache-Control", ""), str(response)
    after = content["helper"]("feed_versions", feed=content["feed"]["id"])["entries"]
    assert after == before
    assert post(server, content, "Accepted").status == 201
