"""What importing a WordPress newsroom costs: posts per second and peak memory.

Usage:
    .venv/bin/python benchmarks/wordpress_import.py                     # SQLite (a file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsfeed_bench \\
        .venv/bin/python benchmarks/wordpress_import.py                 # PostgreSQL
    .venv/bin/python benchmarks/wordpress_import.py --posts 500 --comments 2000   # quicker

It writes a generated export (by default 5,000 posts: 4,950 articles, half classic-editor HTML
and half block-editor markup with categories, tags and several authors, and 50 Liveblog posts;
20,000 comments: 10,000 liveblog entries with edits and deletions among them, 10,000 reader
comments), then runs ``manage.py import_wordpress`` on a fresh database and prints a Markdown
table. Each phase runs in a process of its own so that its peak RSS is its own:

- "read": the two streaming passes alone (parse only), for the export and for one ten times
  larger, to show that memory does not grow with the export;
- "import": the whole import, then a second run of the same export (nothing changes). Search
  indexing and reference-index updates run inline with the test settings' immediate task
  backend; ``NEWSFEED_TEST_TASKS_BACKEND=django_tasks.backends.dummy.DummyBackend`` measures
  the import with that work left to a task worker, as on a site that runs one.
"""

# XML templates read better on one line.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = (
    "The committee met for six hours on Tuesday and agreed to publish its findings next month, "
    "officials said, after a day of <em>sometimes heated</em> argument over the wording of the "
    'final report and the <a href="https://example.org/report">annex on costs</a>.'
)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def classic(n: int) -> str:
    paragraphs = [f"{PARAGRAPH} ({n}.{i})" for i in range(8)]
    paragraphs.insert(4, "<h2>What happens next</h2>")
    paragraphs.insert(
        6, "<blockquote>We have done what we were asked to do.<cite>The chair</cite></blockquote>"
    )
    return "\n\n".join(paragraphs)


def gutenberg(n: int) -> str:
    parts = [
        f"<!-- wp:paragraph -->\n<p>{PARAGRAPH} ({n}.{i})</p>\n<!-- /wp:paragraph -->"
        for i in range(8)
    ]
    parts.insert(
        3,
        '<!-- wp:heading -->\n<h2 class="wp-block-heading">What happens next</h2>\n<!-- /wp:heading -->',
    )
    parts.insert(
        5,
        "<!-- wp:list -->\n<ul><!-- wp:list-item --><li>One</li><!-- /wp:list-item --><!-- wp:list-item --><li>Two</li><!-- /wp:list-item --></ul>\n<!-- /wp:list -->",
    )
    return "\n\n".join(parts)


def comment(
    wp_id: int, content: str, date: str, kind: str, meta: dict[str, str] | None = None
) -> str:
    metas = "".join(
        f"<wp:commentmeta><wp:meta_key>{cdata(k)}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value></wp:commentmeta>"
        for k, v in (meta or {}).items()
    )
    approved = "liveblog" if kind == "liveblog" else "1"
    return (
        f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id><wp:comment_author>{cdata('Reporter')}</wp:comment_author>"
        f"<wp:comment_date>{cdata(date)}</wp:comment_date><wp:comment_date_gmt>{cdata(date)}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(content)}</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{cdata(kind)}</wp:comment_type><wp:comment_parent>0</wp:comment_parent>"
        f"<wp:comment_user_id>{1 + wp_id % 30}</wp:comment_user_id>{metas}</wp:comment>"
    )


def write_export(path: Path, posts: int, comments: int) -> None:
    """A WXR 1.2 export written as a stream (it is never held in memory)."""
    feeds = max(1, posts // 100)
    entries_per_feed = comments // 2 // feeds
    reader_comments = comments - entries_per_feed * feeds
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            "<channel><title>Bench Gazette</title><link>https://old.example.com</link>"
            "<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example.com</wp:base_site_url>"
            "<wp:base_blog_url>https://old.example.com</wp:base_blog_url>\n"
        )
        for a in range(1, 31):
            out.write(
                f"<wp:author><wp:author_id>{a}</wp:author_id><wp:author_login>{cdata(f'writer{a}')}</wp:author_login>"
                f"<wp:author_display_name>{cdata(f'Writer {a}')}</wp:author_display_name></wp:author>\n"
            )
        for c in range(20):
            parent = f"section-{c % 4}" if c >= 4 else ""
            out.write(
                f"<wp:category><wp:category_nicename>{cdata(f'section-{c}')}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(parent)}</wp:category_parent><wp:cat_name>{cdata(f'Section {c}')}</wp:cat_name></wp:category>\n"
            )
        remaining = reader_comments
        comment_id = 1
        for n in range(1, posts + 1):
            day = f"2023-{1 + n % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:00"
            is_feed = n % (posts // feeds) == 0
            meta = {"liveblog": "archive"} if is_feed else {"_yoast_wpseo_metadesc": f"Summary {n}"}
            body = "Follow along." if is_feed else (classic(n) if n % 2 else gutenberg(n))
            out.write(
                f"<item><title>Story number {n}</title><link>https://old.example.com/2023/story-{n}/</link>"
                f"<dc:creator>{cdata(f'writer{1 + n % 30}')}</dc:creator><guid>https://old.example.com/?p={n}</guid>"
                f"<content:encoded>{cdata(body)}</content:encoded><excerpt:encoded>{cdata(f'Standfirst of story {n}.')}</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{cdata(day)}</wp:post_date><wp:post_date_gmt>{cdata(day)}</wp:post_date_gmt>"
                f"<wp:post_modified_gmt>{cdata(day)}</wp:post_modified_gmt><wp:post_name>{cdata(f'story-{n}')}</wp:post_name>"
                f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="section-{n % 20}">{cdata(f"Section {n % 20}")}</category>'
                f'<category domain="post_tag" nicename="tag-{n % 200}">{cdata(f"Tag {n % 200}")}</category>'
            )
            for key, value in meta.items():
                out.write(
                    f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
                )
            if is_feed:
                first = comment_id
                for e in range(entries_per_feed):
                    when = f"2023-06-01 {8 + e // 60 % 14:02d}:{e % 60:02d}:{e % 7:02d}"
                    if e and e % 25 == 0:  # an edit of the previous entry
                        out.write(
                            comment(
                                comment_id,
                                f"Edited update {e}",
                                when,
                                "liveblog",
                                {"liveblog_replaces": str(comment_id - 1)},
                            )
                        )
                    elif e and e % 40 == 0:  # a deletion of an earlier entry
                        out.write(
                            comment(
                                comment_id,
                                "",
                                when,
                                "liveblog",
                                {"liveblog_replaces": str(first + e - 3)},
                            )
                        )
                    else:
                        out.write(comment(comment_id, f"Update {e}: {PARAGRAPH}", when, "liveblog"))
                    comment_id += 1
            elif remaining:
                share = min(remaining, 1 + reader_comments // max(1, posts - feeds))
                for _ in range(share):
                    out.write(comment(comment_id, "Great article, thanks.", day, "comment"))
                    comment_id += 1
                remaining -= share
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class RssProbe(io.StringIO):
    """The command's per-post output (verbosity 2): notes the resident memory every 500 posts,
    to show whether it grows with the number of posts written."""

    def __init__(self) -> None:
        super().__init__()
        self.posts = 0
        self.samples: list[tuple[int, float]] = []

    def write(self, text: str) -> int:
        if text.startswith(("created ", "updated ", "unchanged ")):
            self.posts += 1
            if self.posts % 500 == 0:
                self.samples.append((self.posts, round(rss_mb())))
            return len(text)
        return super().write(text)


def phase_read(path: Path) -> dict:
    sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from wagtail_newsfeed.wordpress.files import ExportFiles

    started = time.perf_counter()
    items = sum(
        1 for kind, _record in ExportFiles([path], "Read", lambda label: None) if kind == "item"
    )
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    return {
        "items": items,
        "seconds": seconds,
        "mb": size / 1e6,
        "mb_per_s": size / 1e6 / seconds,
        "peak_mb": peak_mb(),
    }


def phase_import(path: Path, database: str) -> dict:
    os.environ["DATABASE_URL"] = database
    sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        # Django's test database on SQLite is in memory unless named: the database would then
        # grow in this process's memory with every post (about 21 KB each), as a site's never does.
        connection.settings_dict["TEST"]["NAME"] = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from tests import factories
    from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

    index = factories.make_index()
    results = {}
    for run in ("first", "second"):
        out = RssProbe()
        started = time.perf_counter()
        call_command(
            "import_wordpress",
            str(path),
            index=str(index.pk),
            stdout=out,
            stderr=io.StringIO(),
            verbosity=2,
        )
        results[run] = time.perf_counter() - started
        results[f"{run}_report"] = out.getvalue()
        results[f"{run}_rss"] = out.samples
    results["articles"] = NewsArticlePage.objects.count()
    results["entries"] = LiveEntry.objects.count()
    results["peak_mb"] = peak_mb()
    from django.conf import settings

    results["database"] = connection.vendor
    results["tasks"] = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return results


def child(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--phase", choices=["read", "import"])
    parser.add_argument("--export")
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.phase == "read":
        print(json.dumps(phase_read(Path(args.export))))
        return
    if args.phase == "import":
        print(json.dumps(phase_import(Path(args.export), args.database)))
        return
    with tempfile.TemporaryDirectory() as folder:
        export, large = Path(folder) / "export.xml", Path(folder) / "large.xml"
        write_export(export, args.posts, args.comments)
        write_export(large, args.posts * 10, args.comments * 10)
        database = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        read = child("--phase", "read", "--export", str(export))
        read_large = child("--phase", "read", "--export", str(large))
        imported = child("--phase", "import", "--export", str(export), "--database", database)
    posts = args.posts
    print(
        f"Export: {posts:,} posts, {args.comments:,} comments, {read['mb']:.1f} MB; database: {imported['database']}; tasks: {imported['tasks']}\n"
    )
    print("| phase | time | posts/s | peak RSS |")
    print("|---|---|---|---|")
    print(
        f"| read only ({read['mb']:.0f} MB) | {read['seconds']:.1f} s ({read['mb_per_s']:.0f} MB/s) | {posts / read['seconds']:,.0f} | {read['peak_mb']:.0f} MB |"
    )
    print(
        f"| read only, 10x ({read_large['mb']:.0f} MB) | {read_large['seconds']:.1f} s ({read_large['mb_per_s']:.0f} MB/s) | {posts * 10 / read_large['seconds']:,.0f} | {read_large['peak_mb']:.0f} MB |"
    )
    print(
        f"| import | {imported['first']:.0f} s | {posts / imported['first']:.1f} | {imported['peak_mb']:.0f} MB |"
    )
    print(
        f"| import again (nothing changed) | {imported['second']:.0f} s | {posts / imported['second']:.1f} | (same process) |"
    )
    print(f"\n{imported['articles']:,} articles and {imported['entries']:,} live entries written.")
    print(
        "Resident memory during the first import, after N posts: "
        + ", ".join(f"{n:,}: {mb} MB" for n, mb in imported["first_rss"])
    )
    print("\nFirst run's report:\n\n" + imported["first_report"])


if __name__ == "__main__":
    main()
