"""Webhook fixtures: a real HTTP receiver on loopback, loopback allowed as a target, endpoints."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wagtail_newsfeed.models import WebhookEndpoint, WebhookEvent

LOOPBACK = ["127.0.0.0/8", "::1/128"]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float


@dataclass
class Receiver:
    """Answers each POST with the next status of ``statuses`` (200 once they run out).

    ``framing`` is how the answer ends: ``eof`` (HTTP/1.0, no length, the connection closes),
    ``close`` (HTTP/1.1, ``Content-Length`` and ``Connection: close``, as gunicorn's sync workers
    and ``http.server`` answer) or ``keep-alive`` (HTTP/1.1, ``Content-Length``, kept open)."""

    url: str
    requests: list[Request] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    framing: str = "eof"
    arrived: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, count: int, timeout: float = 5) -> list[Request]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.requests


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        @property
        def protocol_version(self) -> str:  # type: ignore[override]
            return "HTTP/1.0" if state["receiver"].framing == "eof" else "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            rec = state["receiver"]
            rec.requests.append(
                Request(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.perf_counter(),
                )
            )
            status = rec.statuses.pop(0) if rec.statuses else 200
            answer = b"ok" if status < 300 else b"receiver broke"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            if rec.framing != "eof":
                self.send_header("Content-Length", str(len(answer)))
            if rec.framing == "close":
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as port:
        state["receiver"] = Receiver(url=f"http://127.0.0.1:{port}/hooks/newsfeed")
        yield state["receiver"]


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """``handler`` served on a free loopback port (yielded) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    settings.WAGTAIL_NEWSFEED = {
        **getattr(settings, "WAGTAIL_NEWSFEED", {}),
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": LOOPBACK,
        "WEBHOOK_COALESCE_SECONDS": 0,
        "WEBHOOK_TIMEOUT": 2,
    }


@pytest.fixture
def webhook_settings(settings):
    """Change ``WAGTAIL_NEWSFEED`` keys for one test: ``webhook_settings(WEBHOOK_…=…)``."""

    def change(**values) -> None:
        settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, **values}

    return change


@pytest.fixture
def make_endpoint(db):
    def make(url: str, events: list[str] | None = None, **kwargs) -> WebhookEndpoint:
        return WebhookEndpoint.objects.create(
            name=kwargs.pop("name", "Frontend"),
            url=url,
            events=events if events is not None else list(WebhookEvent.values),
            **kwargs,
        )

    return make
