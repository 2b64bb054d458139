"""``--shard i/n`` (tests/sharding.py): the shards of a run together hold every test file once,
whole, and weigh about the same."""

from __future__ import annotations

import json
from types import SimpleNamespace

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


def test_files_are_run_heaviest_first_and_an_unknown_one_counts_as_a_median_one():
    weights = json.loads(sharding.WEIGHTS.read_text())
    ranked = sorted(weights, key=weights.get)
    light, median, heavy = ranked[0], ranked[len(ranked) // 2], ranked[-1]
    unknown = "tests/test_not_weighed_yet.py"
    order = sharding.heaviest_first([light, unknown, heavy, median, light])
    assert order[0] == heavy and order[-1] == light and len(order) == 4
    assert abs(order.index(unknown) - order.index(median)) == 1


def test_a_run_hands_the_heaviest_files_out_first_keeping_each_files_order():
    """The collection hook (tests/conftest.py) on the items of two files, without ``--shard``."""
    from tests.conftest import pytest_collection_modifyitems

    weights = json.loads(sharding.WEIGHTS.read_text())
    heavy, light = max(weights, key=weights.get), min(weights, key=weights.get)
    names = [f"{light}::test_c", f"{heavy}::test_b", f"{light}::test_a", f"{heavy}::test_d"]
    items = [SimpleNamespace(nodeid=name) for name in names]
    pytest_collection_modifyitems(SimpleNamespace(getoption=lambda name: ""), items)
    assert [item.nodeid for item in items] == [names[1], names[3], names[0], names[2]]
