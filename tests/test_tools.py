"""Where CI requires every tool (``NEWSFEED_REQUIRE_TOOLS=1``), a missing one fails its tests
instead of skipping them."""

import pytest

from tests import conftest, tools


@pytest.mark.parametrize("required", [False, True])
def test_a_missing_tool_skips_or_fails_as_required(monkeypatch, required):
    monkeypatch.setattr(tools, "REQUIRED", required)
    outcome = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(outcome, match="varnishd is not installed"):
        tools.missing("varnishd is not installed")
    with pytest.raises(outcome, match="no_such_package_here is not installed"):
        tools.import_or_missing("no_such_package_here")


def test_a_mark_for_a_missing_tool_fails_the_test_where_tools_are_required(monkeypatch):
    monkeypatch.setattr(tools, "REQUIRED", True)
    assert tools.needs(True, "present").name == "skipif"
    mark = tools.needs(False, "needs redis-server")
    assert mark.name == "missing_tool"

    class Item:  # what conftest.pytest_runtest_setup reads of a test before failing it
        def iter_markers(self, name):
            return iter([mark.mark] if name == "missing_tool" else [])

    with pytest.raises(pytest.fail.Exception, match="needs redis-server"):
        conftest.pytest_runtest_setup(Item())


def test_a_mark_for_a_missing_tool_skips_where_tools_are_not_required(monkeypatch):
    monkeypatch.setattr(tools, "REQUIRED", False)
    mark = tools.needs(False, "needs redis-server")
    assert (mark.name, mark.args, mark.kwargs) == (
        "skipif",
        (True,),
        {"reason": "needs redis-server"},
    )
