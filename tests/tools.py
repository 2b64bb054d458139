"""Tests that need a tool beside Python (Chromium, axe-core, Varnish, PostgreSQL's binaries, a
test dependency): skipped with a message saying how to get it where it is missing, and failed
instead where ``NEWSFEED_REQUIRE_TOOLS=1`` (CI sets it), so a CI run that lost a tool cannot pass
by skipping what needs it."""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

#: Set by ``.ci/run``: every tool a test needs must be there.
REQUIRED = os.environ.get("NEWSFEED_REQUIRE_TOOLS") == "1"


def message(reason: str) -> str:
    return f"{reason} (NEWSFEED_REQUIRE_TOOLS=1: CI needs it)" if REQUIRED else reason


def missing(reason: str) -> NoReturn:
    """Leave the current test (or module, or fixture) out, or fail it where tools are required."""
    if REQUIRED:
        pytest.fail(message(reason), pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def needs(available: bool, reason: str) -> pytest.MarkDecorator:
    """A mark for ``pytestmark``: skip where the tool is missing, or fail (``conftest.py`` reads
    the ``missing_tool`` mark) where tools are required."""
    if REQUIRED and not available:
        return pytest.mark.missing_tool(reason)
    return pytest.mark.skipif(not available, reason=reason)


def import_or_missing(name: str) -> ModuleType:
    """``pytest.importorskip`` that fails where tools are required."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"{name} is not installed (pip install -e '.[test]')")
