"""A progress bar for terminals: the share of the export read so far, redrawn in place.

Only drawn when the stream is a terminal, so logs and CI output stay clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any, TextIO

from django.core.management.base import OutputWrapper

WIDTH = 30


class TerminalProgress:
    """Draws on ``stream``: a text stream, or a command's ``self.stderr`` (Django's
    ``OutputWrapper``, told not to end each redraw with a newline)."""

    def __init__(self, stream: TextIO | OutputWrapper) -> None:
        self.stream = stream
        self.write: Callable[[str], Any] = (
            partial(stream.write, ending="") if isinstance(stream, OutputWrapper) else stream.write
        )
        self.drawn = 0.0

    def __call__(self, label: str) -> Callable[[int, int], None]:
        started = time.monotonic()

        def update(done: int, total: int) -> None:
            now = time.monotonic()
            finished = done >= total
            if not finished and now - self.drawn < 0.2:
                return
            self.drawn = now
            share = done / total if total else 1.0
            filled = int(WIDTH * share)
            elapsed = now - started
            bar = "#" * filled + "-" * (WIDTH - filled)
            size = f"{done >> 20:,}/{total >> 20:,} MB"
            self.write(f"\r{label:<7}[{bar}] {share:4.0%} {size} {elapsed:4.0f}s")
            if finished:
                self.write("\n")
            self.stream.flush()

        return update
