"""Fixtures: a fresh database, the seeding helper, two gunicorn servers and Varnish with the shipped
VCL in front of them, once a session. Every process is told where Varnish listens
(``FRONTEND_CACHE_URL``), so the changes they make purge it, as the example site configures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests import tools
from tests.processes.harness import RUNNING, Database, Helper, Server, Site, serve, tail
from tests.varnish.proxy import Varnish, free_port, varnishd

SETTINGS_MODULE = "tests.varnish.settings"

if varnishd() is None:
    tools.missing(
        "varnishd is not installed (bash scripts/ensure-varnish, or apt-get install varnish)"
    )


@dataclass
class CachedSite(Site):
    """The process tests' site, with Varnish as the frontend cache of every process."""

    varnish_port: int = 0

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            FRONTEND_CACHE_URL=f"http://127.0.0.1:{self.varnish_port}",
        )
        return env


@pytest.fixture(scope="session")
def cached_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CachedSite]:
    folder = tmp_path_factory.mktemp("varnish")
    (folder / "media").mkdir()
    (folder / "logs").mkdir()
    database = Database.create(folder)
    site = CachedSite(
        database=database,
        media_root=folder / "media",
        log_dir=folder / "logs",
        varnish_port=free_port(),
    )
    try:
        site.start_migrating()
        yield site
    finally:
        site.stop_migrating()
        database.drop()


@pytest.fixture(scope="session")
def servers(request: pytest.FixtureRequest, cached_site: CachedSite) -> list[Server]:
    return serve(request, cached_site, ("app 1", 1), ("app 2", 1))


@pytest.fixture(scope="session")
def varnish(cached_site: CachedSite, servers: list[Server]) -> Iterator[Varnish]:
    proxy = Varnish(cached_site.log_dir, cached_site.varnish_port, [s.port for s in servers])
    RUNNING.append(proxy)
    try:
        proxy.wait_until_serving()
        yield proxy
    finally:
        RUNNING.remove(proxy)
        proxy.stop()


@pytest.fixture(scope="session")
def helper(cached_site: CachedSite) -> Iterator[Helper]:
    process = Helper(cached_site)
    RUNNING.append(process)
    try:
        process("ping")
        yield process
    finally:
        RUNNING.remove(process)
        process.stop()


@pytest.fixture(scope="session")
def newsroom(helper: Helper, servers: list[Server]) -> dict[str, Any]:
    """``{"index": id, "token": DRF token}``; requests the servers first, so that they start
    while ``migrate`` runs."""
    return helper.newsroom()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.failed:
        for process in RUNNING:
            report.sections.append((f"{process}: last lines of its log", tail(process.log)))
    return report
