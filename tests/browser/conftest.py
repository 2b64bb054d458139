"""Headless Chromium for the browser tests (Debian's package, driven by Playwright's sync API).

Every test here is marked ``browser`` and skipped cleanly when Chromium or Playwright is missing.
Playwright's sync API runs an event loop in the test thread, which trips Django's async-safety
check on ORM calls made from the test itself; the check is switched off for this folder only.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from tests import tools

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


class _Requests:
    """How many requests the live server is answering now (its threads are in this process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0

    def started(self, **kwargs) -> None:
        with self.lock:
            self.active += 1

    def finished(self, **kwargs) -> None:
        with self.lock:
            self.active = max(self.active - 1, 0)


_requests = _Requests()
request_started.connect(_requests.started, weak=False, dispatch_uid="browser_tests_started")
request_finished.connect(_requests.finished, weak=False, dispatch_uid="browser_tests_finished")


@pytest.fixture(autouse=True)
def _server_idle_before_the_flush(request):
    """After a test, close what it left open (a test that failed, or forgot to) and wait (up to
    10 s) for the live server to finish the requests its pages sent: the test database is SQLite
    in memory, whose table locks make the flush that ends a transactional test, or the next
    test's first writes, fail at once ("database table is locked") where a poll is still
    reading."""
    yield
    browser = request.node.funcargs.get("chromium")
    if browser is not None:
        for context in browser.contexts:
            context.close()
    deadline = time.monotonic() + 10
    while _requests.active and time.monotonic() < deadline:
        time.sleep(0.02)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


# Per module, not per session: while Playwright's sync API runs, Django hands out other
# connection objects, so a worker that goes on to other test files after the browser tests
# (pytest-xdist) must be back on its own connections by then.
@pytest.fixture(scope="module")
def chromium(django_db_setup):
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        tools.missing("Chromium is not installed (apt-get install chromium)")
    sync_api = tools.import_or_missing("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_api.sync_playwright() as playwright:
        # Under Playwright's sync API Django hands the test fresh connection objects, which
        # lack the test database's serialized contents that ``serialized_rollback`` restores
        # (the Wagtail root page and site) before each test: give them the same contents.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def docs_img(tmp_path) -> Path:
    """Where screenshots go: ``docs/img/`` with ``NEWSFEED_SCREENSHOTS=1`` (to refresh the docs'
    pictures), else a temporary folder so a test run leaves the work tree clean."""
    if os.environ.get("NEWSFEED_SCREENSHOTS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        return DOCS_IMG
    return tmp_path
