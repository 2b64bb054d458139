"""The shipped VCL in front of a scripted origin: what readers get when the app answers errors
while Varnish's health probes still pass (a broken database, a bad deploy), how often Varnish asks
the app for one failing request, and how it normalises the URLs it caches and purges."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.varnish.proxy import Varnish, free_port, varnish_in_front_of

pytestmark = [pytest.mark.processes, pytest.mark.varnish]

#: Past this many seconds after expiry a copy is no longer served while the app is healthy
#: (``req.grace`` in vcl_recv), so the request waits for the app.
HEALTHY_GRACE = 10


class Origin(ThreadingHTTPServer):
    """An app server whose answers the test scripts: ``status`` (with ``headers``) for every
    path but the health probe's, which always answers 200, as an app whose database is down
    but whose probe URL still works would. ``hits`` counts the requests per path (probes
    aside) and ``seen`` keeps the URLs as they arrived."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), OriginHandler)
        self.status = 200
        self.headers: dict[str, str] = {"Cache-Control": "public, max-age=1"}
        self.hits: Counter[str] = Counter()
        self.seen: list[str] = []
        self.version = 1

    @property
    def port(self) -> int:
        return self.server_address[1]


class OriginHandler(BaseHTTPRequestHandler):
    server: Origin

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        origin = self.server
        if self.headers.get("User-Agent") == "varnish-probe":
            self.answer(200, {}, b"ok")
            return
        path = self.path.split("?", 1)[0]
        origin.hits[path] += 1
        origin.seen.append(self.path)
        body = f"{origin.status} version {origin.version} of {self.path}".encode()
        self.answer(origin.status, origin.headers, body)

    def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[Origin]:
    server = Origin()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy(tmp_path, origin: Origin) -> Iterator[Varnish]:
    """Varnish with both backends on ``origin``, once its probes have found it healthy."""
    with varnish_in_front_of(tmp_path / "varnish", [origin.port, origin.port]) as varnish:
        yield varnish


def fail_from_now(origin: Origin, status: int = 500, **headers: str) -> None:
    origin.status = status
    origin.headers = headers  # an error page says nothing about caching, as Django's does
    origin.hits.clear()


# Errors while the probes pass ------------------------------------------------------------------


def test_a_stale_copy_is_served_when_the_app_fails_just_after_expiry(proxy, origin):
    proxy.cached("/story/")
    fail_from_now(origin)
    time.sleep(1.5)  # expired, within the healthy grace: served while a refresh fails

    answers = [proxy.get("/story/") for _ in range(3)]
    time.sleep(0.5)  # the background refreshes have failed by now

    assert [(a.status, a.body) for a in answers] == [(200, b"200 version 1 of /story/")] * 3
    assert proxy.get("/story/").body == b"200 version 1 of /story/"  # never replaced


def test_a_stale_copy_is_served_when_the_app_fails_long_after_expiry(proxy, origin):
    proxy.cached("/story/")
    fail_from_now(origin)
    time.sleep(1 + HEALTHY_GRACE + 1)  # beyond the healthy grace: the reader waits for the app

    stale = proxy.get("/story/")
    hits = origin.hits["/story/"]
    again = proxy.get("/story/")

    assert (stale.status, stale.body) == (200, b"200 version 1 of /story/")
    assert int(stale.headers["Age"]) > HEALTHY_GRACE
    assert hits == 2  # the failing fetch and its one retry; no refresh of the stale copy
    assert (again.status, again.body) == (200, b"200 version 1 of /story/")
    assert origin.hits["/story/"] == 4


def test_a_5xx_never_replaces_a_graced_copy(proxy, origin):
    proxy.cached("/story/")
    fail_from_now(origin)
    time.sleep(1.5)
    proxy.get("/story/")  # starts a refresh, which fails
    time.sleep(0.5)
    origin.status, origin.version = 200, 2
    origin.headers = {"Cache-Control": "public, max-age=60"}

    assert proxy.get("/story/").body == b"200 version 1 of /story/"  # stale: refreshing it
    time.sleep(0.5)
    assert proxy.get("/story/").body == b"200 version 2 of /story/"


# How often the app is asked ---------------------------------------------------------------------


def test_a_failing_request_reaches_the_app_twice_at_most(proxy, origin):
    fail_from_now(origin)

    answer = proxy.get("/broken/")

    assert answer.status == 500
    assert origin.hits["/broken/"] == 2  # once, and once more on the next app server


def test_a_503_with_retry_after_is_not_retried(proxy, origin):
    fail_from_now(origin, 503, **{"Retry-After": "30"})

    answer = proxy.get("/maintenance/")

    assert (answer.status, answer.headers.get("Retry-After")) == (503, "30")
    assert origin.hits["/maintenance/"] == 1


def test_an_error_is_not_cached(proxy, origin):
    fail_from_now(origin)
    assert proxy.get("/flaky/").status == 500
    origin.status = 200
    origin.headers = {"Cache-Control": "public, max-age=60"}

    assert proxy.get("/flaky/").status == 200


# The API's errors --------------------------------------------------------------------------------


def problem(answer) -> dict:
    assert answer.headers["Content-Type"] == "application/problem+json", str(answer)
    assert answer.headers.get("Retry-After"), str(answer)
    return json.loads(answer.body)


def test_varnish_answers_an_api_error_as_problem_json(proxy, origin):
    fail_from_now(origin)

    body = problem(proxy.get("/api/newsfeed/v1/articles/"))

    assert body["status"] == 500
    assert {"type", "title", "detail"} <= set(body)


def test_an_unreachable_api_is_a_problem_json_503(tmp_path):
    with varnish_in_front_of(tmp_path / "varnish", [free_port(), free_port()]) as proxy:
        answer = proxy.get("/api/newsfeed/v1/articles/")
        page = proxy.get("/news/")

    assert answer.status == 503
    assert problem(answer)["status"] == 503
    assert page.status == 503
    assert page.headers["Content-Type"].startswith("text/html")


# The URLs cached and purged ----------------------------------------------------------------------


@pytest.mark.parametrize("purged", ["/x/caf%c3%a9-story/", "/x/caf%C3%A9-story/"])
def test_a_purge_drops_every_percent_encoding_of_the_path(proxy, origin, purged):
    origin.headers = {"Cache-Control": "public, max-age=60"}
    spellings = ["/x/caf%C3%A9-story/", "/x/caf%c3%a9-story/", "/x/caf%C3%A9-story/?page=2"]
    for path in spellings:
        proxy.cached(path)

    assert proxy.request("PURGE", purged).status == 200

    assert [proxy.get(path).headers["X-Cache"] for path in spellings] == ["MISS"] * 3


@pytest.mark.parametrize(
    "query",
    [
        "?topic=x&page=2",
        "?page=2&topic=x&UTM_SOURCE=mail&Utm_Medium=email",
        "?FBCLID=a&page=2&gbraid=b&topic=x&wbraid=c&igshid=d",
        "?twclid=a&ttclid=b&page=2&li_fat_id=c&yclid=d&topic=x&Gclid=e",
    ],
)
def test_tracking_parameters_and_their_order_share_one_cached_copy(proxy, origin, query):
    origin.headers = {"Cache-Control": "public, max-age=60"}
    proxy.cached("/list/?page=2&topic=x")

    answer = proxy.get(f"/list/{query}")

    assert answer.headers["X-Cache"] == "HIT", query
    assert origin.seen == ["/list/?page=2&topic=x"]
