"""``--shard i/n``: run shard ``i`` of ``n`` of the test files, so that one database's run can be
spread over several CI rows (each row a different Python, Django or Wagtail) and the rows
together run every file once.

A file stays whole (its servers start once) and files are dealt out by their measured cost,
heaviest first, each to the shard with the least so far: ``tests/shard_weights.json`` holds
seconds per file from a real run (``scripts/shard-weights``); a file it does not know counts as
a median one. Stale weights only unbalance the shards; every file still runs in exactly one.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable
from pathlib import Path

WEIGHTS = Path(__file__).with_name("shard_weights.json")


def parse_shard(value: str) -> tuple[int, int]:
    """``"2/3"`` → ``(1, 3)`` (a zero-based index and the count)."""
    index, sep, count = value.partition("/")
    if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ValueError(f"--shard takes i/n with 1 <= i <= n, not {value!r}")
    return int(index) - 1, int(count)


def _costs() -> Callable[[str], float]:
    """Seconds per file from the weights; a file they do not know counts as a median one."""
    weights = json.loads(WEIGHTS.read_text()) if WEIGHTS.exists() else {}
    default = statistics.median(weights.values()) if weights else 1.0
    return lambda file: weights.get(file, default)


def heaviest_first(files: Iterable[str], cost: Callable[[str], float] | None = None) -> list[str]:
    """``files`` by measured cost, heaviest first. pytest-xdist hands files out in this order, so
    the long ones start first and the run does not end with one worker busy on a long file while
    the others wait."""
    cost = cost or _costs()
    return sorted(set(files), key=lambda f: (-cost(f), f))


def assign(files: Iterable[str], count: int) -> dict[str, int]:
    """Each file's shard: the heaviest first, to the lightest shard so far."""
    cost = _costs()
    loads = [0.0] * count
    shards: dict[str, int] = {}
    for file in heaviest_first(files, cost):
        shard = min(range(count), key=lambda k: (loads[k], k))
        shards[file] = shard
        loads[shard] += cost(file)
    return shards
