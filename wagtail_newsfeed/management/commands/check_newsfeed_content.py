"""``manage.py check_newsfeed_content``: list stored bodies that the write validator would refuse
or that cannot be shown.

Everything written since the validator exists passes it; rows from before it, from imports or
written straight into the database may not. Such blocks are already left out for readers (and
shown as placeholders to editors), so nothing is down; this finds them so someone can edit them.
Exits with an error when anything is found, so it can run in CI or a cron job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from wagtail import blocks

from wagtail_newsfeed import rendering, stored_bodies
from wagtail_newsfeed.conf import settings
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

logger = logging.getLogger(__name__)


def body_report(raw_body: Any, stream_block: blocks.StreamBlock, max_bytes: int) -> list[str]:
    """What is wrong with one body as stored (its column's JSON, which Wagtail may not be able to
    load at all), one line per problem (a damaged block once: that it cannot be read as well is
    no news)."""
    problems = stored_bodies.limit_problems(raw_body, max_bytes)
    problems += stored_bodies.raw_body_problems(raw_body, stream_block)
    damaged = {problem.index for problem in problems if problem.damaged}
    lines = [problem.message for problem in problems]
    if isinstance(raw_body, list) and -1 not in damaged:
        # Only the blocks Wagtail can load are rendered, under their index in the stored list.
        loadable = [
            (index, raw)
            for index, raw in enumerate(raw_body)
            if isinstance(raw, dict) and raw.get("type") in stream_block.child_blocks
        ]
        value = stream_block.to_python([raw for _index, raw in loadable])
        lines += [
            f"body[{loadable[position][0]}]: {problem}"
            for position, problem in rendering.failing_blocks(value)
            if loadable[position][0] not in damaged
        ]
    return lines


class Command(BaseCommand):
    help = (
        "List live entries and articles whose stored body the write validator would refuse or "
        "that cannot be shown. Exits with an error if any are found."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = 0
        # The stored JSON as text: Wagtail's StreamField raises on loading a body that is not a
        # list of blocks, and leaves out blocks of unknown types; both are findings here.
        raw = Cast("body", output_field=TextField())
        kinds = [
            (LiveEntry, "feed_id", "live entry {pk} (feed {other})", settings.ENTRY_BODY_MAX_BYTES),
            (NewsArticlePage, "title", "article {pk} ({other!r})", settings.ARTICLE_BODY_MAX_BYTES),
        ]
        for model, other_field, label, max_bytes in kinds:
            stream_block = model._meta.get_field("body").stream_block
            rows = model.objects.annotate(raw_body=raw).order_by("pk")
            for pk, other, text in rows.values_list("pk", other_field, "raw_body").iterator(
                chunk_size=200
            ):
                found += self.report(
                    label.format(pk=pk, other=other), text, stream_block, max_bytes
                )
        if found:
            raise CommandError(
                f"{found} problem(s) found. Open each in the admin: damaged blocks are left out "
                "of the editor, and saving removes them."
            )
        self.stdout.write(self.style.SUCCESS("No problems found."))

    def report(
        self, label: str, text: str | None, stream_block: blocks.StreamBlock, max_bytes: int
    ) -> int:
        try:
            raw_body = json.loads(text) if text is not None else None
            if isinstance(raw_body, str) and raw_body:
                # A body stored as a JSON string of its JSON, which Wagtail reads inside.
                raw_body = json.loads(raw_body)
            lines: Iterable[str] = body_report(raw_body, stream_block, max_bytes)
        except ValueError:
            lines = ["body: " + _("The stored value is not JSON.")]
        except Exception as error:  # noqa: BLE001 - one body that defeats the checks is a finding
            logger.exception("Checking the body of %s raised", label)
            lines = [f"body: could not be checked ({type(error).__name__}); see the log"]
        count = 0
        for line in lines:
            self.stdout.write(f"{label}: {line}")
            count += 1
        return count
