"""Send webhook deliveries that are due: retries, coalesced entry changes, and attempts whose
sender died. With a task backend that cannot defer (the immediate backend), these otherwise go out
with the next webhook activity; on a quiet site, run this every minute from cron, or keep it
running with ``--loop``, so they go out on time."""

from __future__ import annotations

import math
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wagtail_newsfeed.webhooks.deliveries import send_due_deliveries

#: The shortest and longest --loop interval, in seconds.
LOOP_MIN, LOOP_MAX = 0.1, 86400


class Command(BaseCommand):
    help = "Send webhook deliveries that are due, and prune the delivery log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            metavar="SECONDS",
            help=(
                "Keep running, looking for due deliveries every SECONDS (0.1 to 86400); "
                "SIGINT or SIGTERM stops it after the current round."
            ),
        )

    def handle(self, *args: Any, loop: str | float | None = None, **options: Any) -> None:
        interval = None if loop is None else loop_interval(loop)
        if interval is None:
            self.send_round(options["verbosity"], looping=False)
            return
        stop = threading.Event()
        signals = (signal.SIGINT, signal.SIGTERM)
        previous = {signum: signal.signal(signum, lambda *_a: stop.set()) for signum in signals}
        try:
            while not stop.is_set():
                self.send_round(options["verbosity"], looping=True)
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write(_("Stopped."))

    def send_round(self, verbosity: int, *, looping: bool) -> None:
        sent = send_due_deliveries()
        if verbosity > 1 or (sent and not looping):
            self.stdout.write(f"{sent} webhook deliveries attempted.")


def loop_interval(value: str | float) -> float:
    """``--loop`` as seconds to sleep, or a CommandError: ``time.sleep`` fails on nan and on
    numbers too large, and a loop that never wakes is no loop."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and LOOP_MIN <= seconds <= LOOP_MAX):
        raise CommandError(
            _("--loop must be a number of seconds from 0.1 to 86400, not %(value)r.")
            % {"value": str(value)}
        )
    return seconds
