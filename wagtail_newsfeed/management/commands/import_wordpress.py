"""``manage.py import_wordpress EXPORT.xml --index /news/``: move a WordPress newsroom in.

A thin shell over ``wagtail_newsfeed.wordpress``: it checks the arguments, runs the import (with
a progress bar on a terminal), prints the report, and exits non-zero when any post failed. See
docs/migrating-from-wordpress.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wagtail_newsfeed.webhooks import events as webhook_events
from wagtail_newsfeed.wordpress.importer import Importer, Options, find_index
from wagtail_newsfeed.wordpress.people import AuthorsMapError, read_authors_map
from wagtail_newsfeed.wordpress.progress import TerminalProgress
from wagtail_newsfeed.wordpress.report import Report
from wagtail_newsfeed.wordpress.wxr import ExportError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): posts become news articles, Liveblog posts live feeds, "
        "attachments images and documents, and every old URL a redirect. Safe to run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "export",
            type=Path,
            nargs="+",
            help="The WXR file from Tools > Export (or every part of a split export).",
        )
        parser.add_argument(
            "--index", required=True, help="URL path (e.g. /news/) or id of the news index page."
        )
        parser.add_argument(
            "--uploads", type=Path, help="A local copy of the site's wp-content/uploads folder."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and print the plan; write nothing."
        )
        parser.add_argument(
            "--authors-map",
            type=Path,
            help="CSV with columns login,author,username to merge authors or link them to users.",
        )
        parser.add_argument(
            "--post-types",
            default="post",
            help="Comma-separated post types to import as articles (default: post).",
        )
        parser.add_argument(
            "--sticky-breaking",
            action="store_true",
            help="Flag sticky posts as breaking news.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        exports = [Path(path) for path in options["export"]]
        verbosity = options["verbosity"]
        for export in exports:
            if problem := _not_a_file(export):
                raise CommandError(f"{export}: {problem}")
        post_types = {name.strip() for name in options["post_types"].split(",") if name.strip()}
        if not post_types or not all(re.fullmatch(r"[\w-]{1,40}", name) for name in post_types):
            raise CommandError("--post-types: give post type names separated by commas")
        uploads = Path(options["uploads"]) if options["uploads"] else None
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder")
        try:
            index = find_index(options["index"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        mapping = {}
        if options["authors_map"]:
            try:
                mapping = read_authors_map(Path(options["authors_map"]))
            except AuthorsMapError as error:
                raise CommandError(str(error)) from None
        dry_run = options["dry_run"]
        report = Report(emit=(lambda line: self.stderr.write(line)) if verbosity >= 2 else None)
        show = dry_run or verbosity >= 2
        terminal = verbosity >= 1 and self.stderr.isatty()
        importer = Importer(
            exports,
            index,
            Options(uploads, dry_run, mapping, options["sticky_breaking"], post_types),
            report,
            progress=TerminalProgress(self.stderr) if terminal else None,
            say=(lambda line: self.stdout.write(line)) if show and verbosity >= 1 else None,
        )
        try:
            with webhook_events.suppressed():  # an archive is not news: see docs/webhooks.md
                importer.run()
        except ExportError as error:
            raise CommandError(str(error)) from None
        if verbosity >= 1:
            title = "Dry run: nothing was written." if dry_run else "Import finished."
            self.stdout.write(self.style.SUCCESS(title) if not report.failed else title)
            for line in report.summary():
                self.stdout.write(line)
        if report.failed:
            raise CommandError(
                f"{report.failed:,} posts could not be imported (see 'failed' above)."
            )


def _not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as an export ("" if it can), in the operator's terms."""
    if path.is_file():
        return ""
    if path.is_dir():
        return "is a folder, not an export file"
    if path.exists():  # a link to /dev/zero never ends; a FIFO would block the import
        return "is not a regular file (a device, a pipe or a socket)"
    return "no such file"
