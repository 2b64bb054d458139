"""Seed the benchmark database: a news index with 100 articles, and feeds of 100 and 10,000 entries.

Entries are bulk-inserted with consecutive versions (the write path is measured by the tests, not
here); the per-feed counter is set to match.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from wagtail_newsfeed.models import (  # noqa: E402
    LiveEntry,
    LiveFeedCounter,
    LiveFeedPage,
    NewsArticlePage,
    NewsIndexPage,
    Topic,
)


def publish(parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def main() -> None:
    if NewsIndexPage.objects.filter(slug="bench-news").exists():
        print("already seeded")
        return
    root = Site.objects.get(is_default_site=True).root_page
    index = publish(root, NewsIndexPage(title="Bench news", slug="bench-news"))
    topic = Topic.objects.create(name="Bench", slug="bench")
    for n in range(100):
        article = publish(
            index,
            NewsArticlePage(
                title=f"Benchmark article {n}",
                slug=f"bench-{n}",
                standfirst="A standfirst.",
                body=[{"type": "paragraph", "value": f"<p>Body {n}.</p>"}],
            ),
        )
        article.topics.set([topic])
        article.save_revision().publish()
    user = get_user_model().objects.filter(is_superuser=True).first()
    now = timezone.now()
    for size in (100, 10_000):
        feed = publish(index, LiveFeedPage(title=f"Feed {size}", slug=f"feed-{size}"))
        LiveEntry.objects.bulk_create(
            LiveEntry(
                feed=feed,
                headline=f"Entry {n}",
                body=[{"type": "paragraph", "value": f"<p>Entry {n}</p>"}],
                display_time=now - timedelta(seconds=size - n),
                version=n + 1,
                created_by=user,
            )
            for n in range(size)
        )
        LiveFeedCounter.objects.update_or_create(feed=feed, defaults={"version": size})
        print(f"feed {size}: id {feed.pk}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    print("seeded")


if __name__ == "__main__":
    main()
