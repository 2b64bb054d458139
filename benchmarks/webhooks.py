"""Webhook delivery latency after commit, with the immediate task backend.

Usage: .venv/bin/python benchmarks/webhooks.py   (SQLite in memory; prints a Markdown table)

An endpoint on loopback (a threaded ``http.server`` in this process) subscribes to
``article.published`` and ``article.updated``; an article is published 20 times. Latency is from
the moment the publishing transaction commits (an ``on_commit`` callback registered before the
webhook's own) to the moment the receiver has read the request. Every request is checked with
the ``standardwebhooks`` library.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PUBLISHES = 20
arrivals: list[tuple[float, bytes, dict[str, str]]] = []


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        arrivals.append(
            (time.perf_counter(), body, {k.lower(): v for k, v in self.headers.items()})
        )
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    setup_test_environment()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    call_command("migrate", verbosity=0)
    settings.WAGTAIL_NEWSFEED = {
        **settings.WAGTAIL_NEWSFEED,
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": ["127.0.0.0/8"],
    }
    from standardwebhooks.webhooks import Webhook

    from tests import factories
    from wagtail_newsfeed.models import WebhookEndpoint

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = WebhookEndpoint.objects.create(
        name="bench",
        url=f"http://127.0.0.1:{server.server_port}/",
        events=["article.published", "article.updated"],
    )
    index = factories.make_index()
    article = factories.make_article(index, publish=False)
    commits: list[float] = []
    publish_times: list[float] = []
    for n in range(PUBLISHES):
        article.title = f"Revision {n}"
        revision = article.save_revision()
        started = time.perf_counter()
        with transaction.atomic():
            transaction.on_commit(lambda: commits.append(time.perf_counter()))
            revision.publish()
        publish_times.append(time.perf_counter() - started)
    deadline = time.monotonic() + 10
    while len(arrivals) < PUBLISHES and time.monotonic() < deadline:
        time.sleep(0.01)
    server.shutdown()
    verifier = Webhook(endpoint.secret)
    for _at, body, headers in arrivals:
        verifier.verify(body, headers)
    latencies = [
        (at - commit) * 1000 for (at, _b, _h), commit in zip(arrivals, commits, strict=False)
    ]
    print(f"{len(arrivals)} of {PUBLISHES} deliveries received and verified\n")
    print("| measure | p50 | p95 | max |")
    print("|---|---|---|---|")
    for label, values in (
        ("commit → receiver has the request (ms)", latencies),
        ("whole publish call, webhook included (ms)", [t * 1000 for t in publish_times]),
    ):
        print(
            f"| {label} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} "
            f"| {max(values):.1f} |"
        )


if __name__ == "__main__":
    main()
