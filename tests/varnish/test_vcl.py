"""What the shipped VCL promises besides purging: one cached copy whatever the tracking parameters
and cookies, PURGE only from its ACL, no reader-visible error while one app server is down, and
stale copies served when every app server is down."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.varnish.proxy import free_port, varnish_in_front_of

pytestmark = [pytest.mark.processes, pytest.mark.varnish]

ARTICLES = "/api/newsfeed/v1/articles/"


def test_tracking_parameters_share_the_cached_copy(varnish, servers):
    varnish.cached(f"{ARTICLES}?limit=7")

    tracked = varnish.get(f"{ARTICLES}?utm_source=mail&limit=7&fbclid=abc&utm_medium=email")

    assert tracked.headers["X-Cache"] == "HIT"


def test_an_entry_permalink_is_not_taken_for_a_tracking_parameter(varnish, servers):
    """``?entry=<id>`` chooses what a live page shows (entry permalinks): a copy of its own."""
    varnish.cached(f"{ARTICLES}?limit=4")

    permalink = varnish.get(f"{ARTICLES}?limit=4&entry=5&utm_source=mail")

    assert permalink.headers["X-Cache"] == "MISS"
    assert varnish.get(f"{ARTICLES}?entry=5&limit=4").headers["X-Cache"] == "HIT"


def test_api_reads_share_one_copy_whatever_the_cookies(varnish, servers):
    varnish.cached(f"{ARTICLES}?limit=6")

    with_session = varnish.get(f"{ARTICLES}?limit=6", headers={"Cookie": "sessionid=x; a=b"})

    assert with_session.headers["X-Cache"] == "HIT"


def test_a_purge_from_outside_the_acl_is_refused(varnish, servers):
    varnish.cached(f"{ARTICLES}?limit=5")

    refused = varnish.request("PURGE", ARTICLES, source="127.0.0.2")

    assert refused.status == 405
    assert varnish.get(f"{ARTICLES}?limit=5").headers["X-Cache"] == "HIT"
    assert varnish.request("PURGE", ARTICLES).status == 200
    assert varnish.get(f"{ARTICLES}?limit=5").headers["X-Cache"] == "MISS"


def test_no_reader_sees_an_error_while_one_app_server_is_down(tmp_path, servers):
    # The dead backend starts healthy (as after a crash, before its probes fail): round robin
    # sends it every other fetch, and each must be retried on the live server.
    with varnish_in_front_of(tmp_path / "varnish", [free_port(), servers[0].port]) as proxy:
        answers = [proxy.get(f"{ARTICLES}?limit={n}") for n in range(1, 11)]

    assert [answer.status for answer in answers] == [200] * 10
    assert all(answer.headers["X-Cache"] == "MISS" for answer in answers)


class ProbeAnswerer:
    """A server answering 200 to anything (the probe's request included), from ``start()`` on,
    on a port fixed beforehand: an app server coming back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        class Ok(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Ok)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def test_probes_take_a_dead_app_server_out_of_the_rotation_and_bring_it_back(tmp_path, servers):
    """The director stops sending fetches to an app server once its probes fail (2 of the last 3
    within 2 s), and sends them again once they pass: no fetch waits on a dead server's retry."""
    returning = ProbeAnswerer()
    with varnish_in_front_of(tmp_path / "varnish", [returning.port, servers[0].port]) as proxy:
        assert proxy.wait_for_health("app2", "healthy") < 5
        took = proxy.wait_for_health("app1", "sick")
        assert took < 5, took  # two failed probes, a second apart
        sent_before = sum(v for k, v in proxy.counters().items() if k.endswith(".app1.req"))
        answers = [proxy.get(f"{ARTICLES}?limit={n}") for n in range(1, 11)]
        assert [answer.status for answer in answers] == [200] * 10
        sent_after = sum(v for k, v in proxy.counters().items() if k.endswith(".app1.req"))
        assert sent_after == sent_before, "a fetch was sent to the sick server"

        returning.start()
        try:
            assert proxy.wait_for_health("app1", "healthy") < 5
        finally:
            returning.stop()


class Dropper:
    """A server stopping gracefully, as gunicorn does on SIGTERM: it still accepts connections,
    reads each request and resets the connection ``delay`` seconds later without an answer.
    Its health probes pass (gunicorn's hang until they time out, so for seconds they still count
    healthy): every fetch Varnish sends it must be retried on another server. ``dropped`` counts
    the requests it reset (probes aside)."""

    def __init__(self, delay: float = 0.5) -> None:
        self.delay = delay
        self.dropped = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            threading.Thread(target=self.handle, args=(connection,), daemon=True).start()

    def handle(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    return
                request += chunk
            if b"User-Agent: varnish-probe" in request:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                return
            with self.lock:
                self.dropped += 1
            threading.Event().wait(self.delay)
            # SO_LINGER 0: close() sends a reset, as a worker killed mid-request does.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def dropper() -> Iterator[Dropper]:
    server = Dropper()
    try:
        yield server
    finally:
        server.close()


def test_no_reader_sees_an_error_while_one_app_server_stops_gracefully(tmp_path, servers, dropper):
    # Concurrent fetches move the round robin on between a fetch and its retry, so a retry that
    # merely took the director's next server reached the dropping one again about half the time.
    paths = [f"{ARTICLES}?limit={n}" for n in range(1, 21)]
    with (
        varnish_in_front_of(tmp_path / "varnish", [dropper.port, servers[0].port]) as proxy,
        ThreadPoolExecutor(max_workers=len(paths)) as pool,
    ):
        answers = list(pool.map(proxy.get, paths))

    assert [answer.status for answer in answers] == [200] * len(paths)
    assert all("results" in answer.json() for answer in answers)  # the app's own JSON
    assert dropper.dropped >= 5  # the round robin did send it its share


class ShortLived(BaseHTTPRequestHandler):
    """An origin whose answers are fresh for one second."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = b"the only copy"
        self.send_response(200)
        self.send_header("Cache-Control", "public, max-age=1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_expired_copy_is_served_while_every_app_server_is_down(tmp_path):
    origin = ThreadingHTTPServer(("127.0.0.1", 0), ShortLived)
    thread = threading.Thread(target=origin.serve_forever, daemon=True)
    thread.start()
    port = origin.server_address[1]
    with varnish_in_front_of(tmp_path / "varnish", [port, port]) as proxy:
        proxy.cached("/story/")
        origin.shutdown()
        origin.server_close()
        threading.Event().wait(1.5)  # past max-age: the copy is stale

        stale = proxy.get("/story/")

    assert (stale.status, stale.body) == (200, b"the only copy")
    assert int(stale.headers["Age"]) >= 1
