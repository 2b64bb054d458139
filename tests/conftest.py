"""Shared fixtures: a site with a news index, and users with different powers over it."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from pytest_django.plugin import blocking_manager_key
from wagtail.models import Site

from tests import factories, indexing, sharding, tools, worker_databases
from tests.processes import harness


def pytest_configure(config: pytest.Config) -> None:
    """The main process makes the run's shared folder before pytest-xdist starts its workers
    (they inherit the environment): the process tests' migrated template goes there."""
    if not hasattr(config, "workerinput") and not os.environ.get(harness.RUN_DIR):
        os.environ[harness.RUN_DIR] = tempfile.mkdtemp(prefix="newsfeed-run-")
        config.add_cleanup(_remove_run_dir)


def _remove_run_dir() -> None:
    try:
        harness.drop_template()
    finally:
        shutil.rmtree(os.environ.pop(harness.RUN_DIR), ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shard",
        default="",
        help="i/n: run only shard i of n of the test files (tests/sharding.py), e.g. 1/2.",
    )


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected theirs, and after randomly
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--shard``'s selection; then the files heaviest first (each file's tests keep their
    shuffled order), so pytest-xdist starts the long files first."""
    value = config.getoption("--shard")
    if value:
        try:
            index, count = sharding.parse_shard(value)
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
        shards = sharding.assign({_file(item) for item in items}, count)
        config.hook.pytest_deselected(items=[i for i in items if shards[_file(i)] != index])
        items[:] = [item for item in items if shards[_file(item)] == index]
    rank = {file: n for n, file in enumerate(sharding.heaviest_first(map(_file, items)))}
    items.sort(key=lambda item: rank[_file(item)])  # stable: a file's tests keep their order


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test: is its test data indexed? Rows a module builds once
    (``module_transaction``) are indexed when any test of the module searches. And the
    migrations' rows are back if a transactional test flushed them. A test whose tool is missing
    where CI requires every tool fails here (``tests/tools.py``)."""
    for mark in item.iter_markers("missing_tool"):
        pytest.fail(tools.message(mark.args[0]), pytrace=False)
    shared = "module_transaction" in getattr(item, "fixturenames", ())
    indexing.index_test_data(
        item.get_closest_marker("indexed") is not None or (shared and _module_searches(item))
    )
    _restore_after_a_flush(item.config)


#: Whether a transactional test has run since the migrations' rows were last restored: it ends
#: by flushing the database (``_migration_data``).
_flushed = False


def _restore_after_a_flush(config: pytest.Config) -> None:
    """The migrations' rows, committed, before the first test after a flush. Inside a test's own
    transaction they would roll back with it, and every later test of the worker would load them
    again (measured: 18 % of a single process's time on ``tests/test_a*.py``)."""
    global _flushed
    if _flushed:
        _flushed = False
        with config.stash[blocking_manager_key].unblock():
            _restore_migration_data()


def _module_searches(item: pytest.Item) -> bool:
    return any(
        other.get_closest_marker("indexed") is not None
        for other in item.session.items
        if other.module is item.module
    )


@pytest.fixture(autouse=True)
def _searches_are_declared():
    """A test that searched without ``@pytest.mark.indexed`` fails, even where the code under
    test caught the error (``tests/indexing.py``)."""
    yield
    searched = indexing.unmarked_searches()
    assert not searched, f"searched {searched} without @pytest.mark.indexed (tests/indexing.py)"


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings, django_db_blocker):
    """pytest-django's "re-use the test database", true for a worker whose database was copied
    from the run's migrated template (``tests/worker_databases.py``); its copy is dropped at the
    end, as pytest-django drops a database it made."""
    if not worker_databases.applies(request.config):
        yield bool(request.config.getvalue("reuse_db"))  # pytest-django's own answer
        return
    with django_db_blocker.unblock():
        worker_databases.copy_template()
    yield True
    with django_db_blocker.unblock():
        worker_databases.drop_copy()


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from django.core.cache import cache

    from wagtail_newsfeed import caching, fragments

    cache.clear()
    caching.forget_process_state()  # each test's rolled-back database gives the same tokens
    fragments.forget_process_state()


def _restore_migration_data() -> None:
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents and not Site.objects.exists():
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="module")
def module_transaction(request, django_db_setup, django_db_blocker):
    """One transaction around a whole module, for rows its module-scoped fixtures build once.

    An attack matrix runs a hundred requests against the same small site; building that site
    per test cost most of the matrix's time. Each test still runs in its own savepoint inside this
    transaction (pytest-django's ``db``), so it sees the shared rows and its own changes roll
    back; the shared rows roll back after the module's last test. Only for modules whose tests
    are all marked ``django_db`` (their own savepoints) and none transactional (a flush inside
    the open transaction would fail).
    """
    from django.db import transaction

    for item in request.session.items:
        if item.module is request.module:
            marker = item.get_closest_marker("django_db")
            if marker is None or marker.kwargs.get("transaction"):
                raise pytest.UsageError(
                    f"{item.nodeid}: module_transaction needs every test of its module marked "
                    "django_db, none transactional"
                )
    with django_db_blocker.unblock():
        _restore_migration_data()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _migration_data(request):
    """The Wagtail root page and default site (made by migrations) for every database test.

    A transactional test ends by flushing the database; Django reloads the migrations' data only
    at the start of the next ``serialized_rollback`` test, and pytest-django runs transactional
    tests last for that reason. pytest-xdist hands each worker whole files, so there they can run
    mid-way: the next test's setup puts that data back, committed (``_restore_after_a_flush``),
    and a test that still finds it missing gets it back in its own transaction.
    """
    global _flushed
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    transactional = (
        (marker is not None and marker.kwargs.get("transaction", False))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
    if not uses_db or transactional:
        yield
        _flushed = _flushed or transactional
        return
    request.getfixturevalue("db")
    _restore_migration_data()
    yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block left for after commit, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def news_index(db):
    return factories.make_index()


@pytest.fixture
def feed(news_index):
    return factories.make_feed(news_index, "Election night live")


@pytest.fixture
def superuser(db):
    return factories.make_superuser()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def contributor(feed):
    """May save drafts in ``feed`` (Wagtail edit permission) but not publish."""
    return factories.make_user("contrib", groups=[factories.feed_group(feed, publish=False)])


@pytest.fixture
def editor(feed):
    """May edit and publish ``feed``."""
    return factories.make_user("editor", groups=[factories.feed_group(feed, publish=True)])


@pytest.fixture
def public_site(db):
    """The default site served at https://news.example.org (absolute URLs use its root URL)."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "news.example.org", 443
    site.save()
    return site


@pytest.fixture
def purged():
    """The URLs purged while the test runs, through a recording frontend-cache backend."""
    from django.test import override_settings

    from tests.purge_backend import RecordingBackend

    RecordingBackend.reset()
    with override_settings(
        WAGTAILFRONTENDCACHE={"test": {"BACKEND": "tests.purge_backend.RecordingBackend"}}
    ):
        yield RecordingBackend.purged
    RecordingBackend.reset()


@pytest.fixture
def public():
    """A collection named "Public", which the permission tests' writers may choose from."""
    return factories.make_collection("Public")


@pytest.fixture
def secret_document():
    """A document in a collection of its own, which no test writer may choose from."""
    return factories.make_secret_document()
