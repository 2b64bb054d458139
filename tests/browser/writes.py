"""Writes a browser test makes itself while a page it opened polls the live server."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError

T = TypeVar("T")


def while_polled(write: Callable[[], T], seconds: float = 5.0) -> T:
    """``write()`` from the test while a page polls the live server. The test database is
    SQLite in memory, shared between the server's threads with table locks: a write meeting a
    poll's read fails at once ("database table is locked") where a file database would wait
    its timeout. Waits for the read to end, as the file database would, up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return write()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
