"""Fixtures for the process tests: one fresh, migrated database and one seeding helper for the
session (migrating costs most of the time; every test makes content of its own), and servers
that each test module starts and stops itself. The helper and the first servers start while
``migrate`` runs and wait for it before they touch the database.

Every process is stopped by a finalizer, whatever the tests do, and a failing test's report
carries the tail of every running process's log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.processes.harness import RUNNING, Database, Helper, Site, tail


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("processes")
    (folder / "media").mkdir()
    (folder / "logs").mkdir()
    database = Database.create(folder)
    site = Site(database=database, media_root=folder / "media", log_dir=folder / "logs")
    try:
        site.start_migrating()  # the helper and servers start meanwhile, then wait for it
        yield site
    finally:
        site.stop_migrating()
        database.drop()


@pytest.fixture(scope="session")
def helper(site: Site) -> Iterator[Helper]:
    process = Helper(site)
    RUNNING.append(process)
    try:
        process("ping")  # Django is up; commands that need the database wait for migrate
        yield process
    finally:
        RUNNING.remove(process)
        process.stop()


@pytest.fixture(scope="module")
def newsroom(helper: Helper) -> dict[str, Any]:
    """``{"index": <news index id>, "token": <DRF token of a superuser>}``, made once a session.
    (Module scope, so that a module's servers, requested first, start while migrate runs.)"""
    return helper.newsroom()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.failed:
        for process in RUNNING:
            report.sections.append((f"{process}: last lines of its log", tail(process.log)))
    return report
