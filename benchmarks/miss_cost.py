"""What one origin render costs, request by request, in one process: wall and CPU time and queries.

A cache miss (the first request after a purge) is one render at the origin. This drives each URL
through Django's test client in this process (no HTTP server, no load generator competing for the
cores, so figures hold on a busy machine) and reports the best of several batches, beside a plain
``JsonResponse`` view as the ceiling. Run it on a database seeded by ``benchmarks/seed.py``, in the
checkout to measure (e.g. a ``git worktree`` of an older commit for "before"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsfeed_bench \\
    REDIS_URL=redis://127.0.0.1:6379/15 DJANGO_SETTINGS_MODULE=benchmarks.settings \\
    PYTHONPATH=.:example_site python benchmarks/miss_cost.py

Rendered pieces stay in the cache between requests, as they do at the origin after a purge:
what is measured is rendering a page again when nothing it shows has changed, except for the
delta poll, whose cursor is one version behind.
"""

from __future__ import annotations

import os
import sys
import time

import django

BATCHES = int(os.environ.get("BATCHES", "6"))
PER_BATCH = int(os.environ.get("PER_BATCH", "8"))


def count_queries(connection, client, url: str) -> int:
    """The queries one request makes (Django resets its own query log at each request)."""
    seen: list[str] = []

    def record(run, sql, *args):
        seen.append(sql)
        return run(sql, *args)

    with connection.execute_wrapper(record):
        client.get(url)
    return len(seen)


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test import Client

    from wagtail_newsfeed import delta
    from wagtail_newsfeed.models import LiveFeedPage

    small = LiveFeedPage.objects.get(slug="feed-100")
    urls = {
        "plain JsonResponse (ceiling)": "/bench/ceiling/",
        "live page HTML, 100 entries": "/bench-news/feed-100/",
        "live page HTML, 10,000 entries": "/bench-news/feed-10000/",
        "news index HTML": "/bench-news/",
        "article page HTML": "/bench-news/bench-50/",
        "RSS, latest": "/newsfeed/feeds/latest.rss",
        "article list, response cache off": "/bench/articles-uncached/?limit=20",
        "Wagtail pages API, 20 articles": "/api/v2/pages/?type=wagtail_newsfeed.NewsArticlePage"
        "&limit=20&fields=standfirst,published_at",
        "delta poll carrying one change": f"/api/newsfeed/v1/feeds/{small.pk}/entries/"
        f"?since={delta.encode_cursor(small, delta.current_version(small) - 1)}",
    }
    client = Client(HTTP_HOST="localhost")
    print("| request | ms wall | ms CPU | queries | req/s (1 process) | × ceiling |")
    print("|---|---|---|---|---|---|")
    ceiling = None
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        queries = count_queries(connection, client, url)
        walls, cpus = [], []
        for _ in range(BATCHES):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(PER_BATCH):
                client.get(url)
            walls.append((time.perf_counter() - wall) / PER_BATCH)
            cpus.append((time.process_time() - cpu) / PER_BATCH)
        wall, cpu = min(walls), min(cpus)
        ceiling = ceiling or wall
        print(
            f"| {name} | {wall * 1000:.1f} | {cpu * 1000:.1f} | {queries} | "
            f"{1 / wall:.0f} | {ceiling / wall:.3f}× |"
        )


if __name__ == "__main__":
    sys.path[:0] = [os.getcwd(), os.path.join(os.getcwd(), "example_site")]
    main()
