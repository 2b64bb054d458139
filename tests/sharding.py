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
from collections.abc import Iterable
from pathlib import Path

WEIGHTS = Path(__file__).with_name("shard_weights.json")


def parse_shard(value: str) -> tuple[int, int]:
    """``"2/3"`` → ``(1, 3)`` (a zero-based index and the count)."""
    index, sep, count = value.partition("/")
    if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ValueError(f"--shard takes i/n with 1 <= i <= n, not {value!r}")
    return int(index) - 1, int(count)


def _weights() -> dict[str, float]:
    return json.loads(WEIGHTS.read_text()) if WEIGHTS.exists() else {}


def heaviest_first(files: Iterable[str]) -> list[str]:
    """``files`` by measured cost, heaviest first (a file it does not know counts as a median
    one). pytest-xdist hands files out in this order, so the long ones start first and the run
    does not end with one worker busy on a long file while the others wait."""
    weights = _weights()
    default = statistics.median(weights.values()) if weights else 1.0
    return sorted(set(files), key=lambda f: (-weights.get(f, default), f))


def assign(files: Iterable[str], count: int) -> dict[str, int]:
    """Each file's shard: the heaviest first, to the lightest shard so far."""
    weights = _weights()
    default = statistics.median(weights.values()) if weights else 1.0
    loads = [0.0] * count
    shards: dict[str, int] = {}
    for file in heaviest_first(files):
        shard = min(range(count), key=lambda k: (loads[k], k))
        shards[file] = shard
        loads[shard] += weights.get(file, default)
    return shards
