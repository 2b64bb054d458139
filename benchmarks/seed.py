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


def article_body(n: int, index_id: int) -> list[dict]:
    """A body like a real story's: paragraphs with links, a heading, a quote, a fact box."""
    link = f'<a linktype="page" id="{index_id}">the news index</a>'
    para = (
        "<p>Officials said on {d} that crews had worked through the night, and that "
        "<b>roads would reopen</b> once inspections finished; see {link} for earlier reports.</p>"
    )
    blocks = [
        {"type": "paragraph", "value": para.format(d=f"day {n}", link=link)} for _ in range(4)
    ]
    blocks += [
        {"type": "heading", "value": {"text": "What happens next", "level": "h2"}},
        {
            "type": "quote",
            "value": {"text": "We are not done yet.", "attribution": "A spokesperson"},
        },
        {
            "type": "fact_box",
            "value": {
                "title": "Key facts",
                "body": "<p>Two roads closed.</p><ul><li>One</li></ul>",
            },
        },
    ]
    blocks += [
        {"type": "paragraph", "value": para.format(d="Tuesday", link=link)} for _ in range(4)
    ]
    return blocks


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
                standfirst="A standfirst of one sentence, as stories have.",
                body=article_body(n, index.pk),
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
                body=[
                    {"type": "paragraph", "value": f"<p>Entry {n}: the <i>latest</i> update.</p>"},
                    {"type": "paragraph", "value": "<p>A second paragraph with more detail.</p>"},
                ],
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
