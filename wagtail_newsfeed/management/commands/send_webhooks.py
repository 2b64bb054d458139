"""Send webhook deliveries that are due: retries, coalesced entry changes, and attempts whose
sender died. With a task backend that cannot defer (the immediate backend), these otherwise go out
with the next webhook activity; on a quiet site, run this every minute from cron, or keep it
running with ``--loop``, so they go out on time."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wagtail_newsfeed.webhooks.deliveries import send_due_deliveries


class Command(BaseCommand):
    help = "Send webhook deliveries that are due, and prune the delivery log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, looking for due deliveries every SECONDS.",
        )

    def handle(self, *args: Any, loop: float | None = None, **options: Any) -> None:
        while True:
            sent = send_due_deliveries()
            if options["verbosity"] > 1 or (sent and loop is None):
                self.stdout.write(f"{sent} webhook deliveries attempted.")
            if loop is None:
                return
            time.sleep(max(loop, 0.1))
