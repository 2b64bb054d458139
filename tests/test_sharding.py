"""``--shard i/n`` (tests/sharding.py): the shards of a run together hold every test file once,
whole, and weigh about the same."""

from __future__ import annotations

import json

import pytest

from tests import sharding


@pytest.mark.parametrize("value", ["", "1", "0/2", "3/2", "a/2", "1/0", "-1/2", "1/2/3"])
def test_a_bad_shard_is_refused(value):
    with pytest.raises(ValueError, match="i/n"):
        sharding.parse_shard(value)


def test_every_file_is_in_exactly_one_shard_and_the_shards_balance():
    known = list(json.loads(sharding.WEIGHTS.read_text()))
    files = [*known, "tests/test_not_weighed_yet.py"]
    for count in (1, 2, 3):
        shards = sharding.assign(files, count)
        assert set(shards) == set(files)
        assert set(shards.values()) == set(range(count))
        weights = json.loads(sharding.WEIGHTS.read_text())
        loads = [sum(weights.get(f, 0) for f, s in shards.items() if s == k) for k in range(count)]
        # Greedy dealing leaves the shards apart by at most the heaviest file.
        assert max(loads) - min(loads) <= max(weights.values())


def test_the_same_files_give_the_same_shards_in_any_order():
    files = ["tests/a.py", "tests/b.py", "tests/c.py", "tests/d.py"]
    assert sharding.assign(files, 2) == sharding.assign(list(reversed(files)), 2)
