"""A progress bar for terminals: the share of the export read so far, redrawn in place.

Only drawn when the stream is a terminal, so logs and CI output stay clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30


class TerminalProgress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
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
            self.stream.write(f"\r{label:<7}[{bar}] {share:4.0%} {size} {elapsed:4.0f}s")
            if finished:
                self.stream.write("\n")
            self.stream.flush()

        return update
