"""A frontend cache that accepts connections and never answers (a hung Varnish, a firewall that
drops packets) must not hold up the editors' writes: each purge gives up after the backend's
``TIMEOUT`` (2 s in the example site), the failure is logged, and the write answers as usual."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.processes.harness import Helper, Server, serve

pytestmark = [pytest.mark.processes, pytest.mark.varnish]


@pytest.fixture
def hung_cache() -> Iterator[int]:
    """The port of a listener that accepts every connection (the kernel's backlog does) and
    never reads or answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.fixture
def server_purging_a_hung_cache(
    request: pytest.FixtureRequest, cached_site: Any, hung_cache: int
) -> Server:
    site = dataclasses.replace(cached_site, varnish_port=hung_cache)
    (server,) = serve(request, site, ("hung purge", 1))
    return server


def test_a_write_answers_quickly_when_the_cache_never_answers_purges(
    server_purging_a_hung_cache: Server, helper: Helper, newsroom: dict[str, Any]
):
    server = server_purging_a_hung_cache
    feed = helper("feed", index=newsroom["index"])
    headers = {"Authorization": f"Token {newsroom['token']}"}
    body = {"headline": "Purge hangs", "body": [{"type": "paragraph", "value": "<p>x</p>"}]}

    started = time.monotonic()
    posted = server.request(
        "POST", f"/api/newsfeed/v1/feeds/{feed['id']}/entries/", body, headers=headers
    )
    took = time.monotonic() - started

    assert posted.status == 201, str(posted)
    assert took < 10, f"the write took {took:.1f} s"
    listed = server.get(f"/api/newsfeed/v1/feeds/{feed['id']}/entries/").json()["results"]
    assert [row["headline"] for row in listed] == ["Purge hangs"]
    log = server.log.read_text(errors="replace")
    assert "Couldn't purge" in log and "timed out" in log
