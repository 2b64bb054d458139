"""``manage.py check_newsfeed_content``: list stored bodies that the write validator would refuse
or that cannot be shown.

Everything written since the validator exists passes it; rows from before it, from imports or
written straight into the database may not. Such blocks are already left out for readers (and
shown as placeholders to editors), so nothing is down; this finds them so someone can edit them.
Exits with an error when anything is found, so it can run in CI or a cron job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wagtail_newsfeed import rendering, stored_bodies
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

logger = logging.getLogger(__name__)


def body_report(body: Any) -> list[str]:
    """What is wrong with one stored body, one line per problem (a damaged block once: that it
    cannot be read as well is no news)."""
    problems = stored_bodies.body_problems(body)
    damaged = {problem.index for problem in problems if problem.damaged}
    lines = [problem.message for problem in problems]
    lines += [
        f"body[{index}]: {problem}"
        for index, problem in rendering.failing_blocks(body)
        if index not in damaged
    ]
    return lines


class Command(BaseCommand):
    help = (
        "List live entries and articles whose stored body the write validator would refuse or "
        "that cannot be shown. Exits with an error if any are found."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = 0
        entries = LiveEntry.objects.only("pk", "feed_id", "body").order_by("pk")
        for entry in entries.iterator(chunk_size=200):
            found += self.report(f"live entry {entry.pk} (feed {entry.feed_id})", entry.body)
        articles = NewsArticlePage.objects.only("pk", "title", "body").order_by("pk")
        for article in articles.iterator(chunk_size=200):
            found += self.report(f"article {article.pk} ({article.title!r})", article.body)
        if found:
            raise CommandError(
                f"{found} problem(s) found. Open each in the admin: damaged blocks are left out "
                "of the editor, and saving removes them."
            )
        self.stdout.write(self.style.SUCCESS("No problems found."))

    def report(self, label: str, body: Any) -> int:
        try:
            lines: Iterable[str] = body_report(body)
        except Exception as error:  # noqa: BLE001 - one body that defeats the checks is a finding
            logger.exception("Checking the body of %s raised", label)
            lines = [f"body: could not be checked ({type(error).__name__}); see the log"]
        count = 0
        for line in lines:
            self.stdout.write(f"{label}: {line}")
            count += 1
        return count
