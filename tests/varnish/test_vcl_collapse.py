"""Concurrent misses for one URL are collapsed (issue #9): readers who ask for a cold URL while the
first reader's fetch is at the app wait for that fetch (Varnish's waiting list) instead of each
asking the app, so a story that breaks costs the app one render, not one per reader. A VCL with
``set req.hash_always_miss = true`` would send every one of them to the app: the last test runs
the same readers through such a copy of the VCL, so the count these tests trust is known to see it.

The app servers are held (SIGSTOP) while the readers arrive, as an app busy rendering would be:
every reader is then known to have arrived while the first fetch was in flight, whatever the
machine's speed. Requests reaching the app are counted in the servers' access logs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.processes.harness import Response, Server
from tests.varnish.proxy import SHIPPED_VCL, Varnish, varnish_in_front_of

pytestmark = [pytest.mark.processes, pytest.mark.varnish]

READERS = 20
#: What would turn collapsing off: each request a miss of its own, never waiting for another's.
NEVER_COLLAPSED = "set req.hash_always_miss = true;"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, servers: list[Server]) -> Iterator[Varnish]:
    """A Varnish of its own with the shipped VCL: a cold cache and counters of its own."""
    folder = tmp_path_factory.mktemp("collapse") / "varnish"
    with varnish_in_front_of(folder, [server.port for server in servers]) as varnish:
        yield varnish


@contextlib.contextmanager
def held(servers: list[Server]) -> Iterator[None]:
    """The app servers stopped (master and workers): connections are still accepted and requests
    queue in the kernel, and nothing is answered until the block ends."""
    for server in servers:
        os.killpg(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for server in servers:
            os.killpg(server.process.pid, signal.SIGCONT)


def origin_requests(servers: list[Server], path: str) -> int:
    """Requests for ``path`` (as Varnish sends it) that the app servers have answered."""
    line = f'"GET {path} HTTP/1.1"'
    return sum(server.log.read_text(errors="replace").count(line) for server in servers)


def fetches(counters: dict[str, int]) -> int:
    """Requests Varnish has sent to the app (counted when sent, not when answered)."""
    return sum(
        n for name, n in counters.items() if name.startswith("VBE.") and name.endswith(".req")
    )


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def read_at_once(
    proxy: Varnish, servers: list[Server], path: str, *, editors: int = 0
) -> tuple[list[Response], list[Response], int]:
    """``READERS`` anonymous GETs of the cold ``path`` (and ``editors`` with a session cookie),
    all made while the first reader's fetch is at the held app. Returns the readers' answers,
    the editors' and how many requests for ``path`` reached the app."""
    answered_before = origin_requests(servers, path)
    before = proxy.counters()

    def sent() -> int:
        return fetches(proxy.counters()) - fetches(before)

    def waiting() -> int:
        return proxy.counters()["MAIN.busy_sleep"] - before["MAIN.busy_sleep"]

    editor = {"Cookie": "sessionid=an-editors-session; _ga=GA1.2"}
    with ThreadPoolExecutor(READERS + editors) as pool:
        with held(servers):
            first = pool.submit(proxy.get, path)
            wait_for(lambda: sent() == 1, "the first reader's fetch is at the app")
            others = [pool.submit(proxy.get, path) for _ in range(READERS - 1)]
            signed_in = [pool.submit(proxy.get, path, headers=editor) for _ in range(editors)]
            # Each request is now either waiting for the first fetch or at the app itself.
            wait_for(
                lambda: waiting() + sent() >= READERS + editors,
                f"all {READERS + editors} requests are at Varnish",
            )
        readers = [future.result() for future in (first, *others)]
        editors_answers = [future.result() for future in signed_in]
    # The access log line is written just after the answer: wait for every fetch Varnish sent.
    wait_for(
        lambda: origin_requests(servers, path) - answered_before >= sent(),
        "the app has logged every fetch",
    )
    return readers, editors_answers, origin_requests(servers, path) - answered_before


def assert_one_answer_for_all(readers: list[Response]) -> None:
    assert len(readers) == READERS
    assert {reader.status for reader in readers} == {200}, readers[0]
    assert len({reader.body for reader in readers}) == 1
    assert "PASS" not in {reader.headers["X-Cache"] for reader in readers}


def test_readers_of_a_cold_article_page_share_one_render(proxy, servers, helper, newsroom):
    article = helper("article", index=newsroom["index"])

    readers, editors, reached_app = read_at_once(proxy, servers, article["path"], editors=1)

    assert_one_answer_for_all(readers)
    assert article["path"].encode() in readers[0].body  # the article itself (its canonical link)
    # The signed-in editor's request passes: it neither waits for nor gets the readers' copy.
    assert [(e.status, e.headers["X-Cache"]) for e in editors] == [(200, "PASS")]
    assert reached_app == 1 + 1  # the readers' one fetch, and the editor's own


def test_readers_of_a_cold_api_list_share_one_answer(proxy, servers):
    path = "/api/newsfeed/v1/articles/?limit=19"

    readers, _, reached_app = read_at_once(proxy, servers, path)

    assert_one_answer_for_all(readers)
    assert "results" in readers[0].json()
    assert reached_app == 1


def test_hash_always_miss_would_send_every_reader_to_the_app(tmp_path, servers):
    """The count above is not blind: the VCL told never to collapse is caught by it."""
    text = SHIPPED_VCL.read_text()
    end_of_recv = "    return (hash);\n}\n\nsub vcl_hash {"
    assert text.count(end_of_recv) == 1, "vcl_recv should end with return (hash)"
    never = tmp_path / "never-collapsed.vcl"
    never.write_text(text.replace(end_of_recv, f"    {NEVER_COLLAPSED}\n{end_of_recv}"))
    path = "/api/newsfeed/v1/articles/?limit=18"

    with varnish_in_front_of(tmp_path / "varnish", [s.port for s in servers], vcl=never) as proxy:
        readers, _, reached_app = read_at_once(proxy, servers, path)

    assert {reader.status for reader in readers} == {200}
    assert reached_app == READERS
