"""One migration a test run, not one a pytest-xdist worker.

Each worker made its test database by running every migration (Wagtail's and ours: 12 to 14 s a
worker on a 2-core machine). Here the run's migrated template is made once, every worker gets a
copy of it, and pytest-django then "re-uses" that copy (``django_db_keepdb``, its documented
override point): ``migrate`` finds nothing to apply, and the migrations' data, the
``post_migrate`` rows and the serialized contents for ``serialized_rollback`` are what a full
migration leaves. Django's own parallel test runner does the same (``clone_test_db``) for workers
that share a parent's database.

PostgreSQL copies with ``CREATE DATABASE … TEMPLATE``; SQLite's in-memory test database gets
the migrated file through SQLite's backup API. The template is the one the process tests copy
for their servers (``tests/processes/harness.py``): whichever needs it first migrates it, and
the main process drops it at the end. Anything else (a run without pytest-xdist, ``--reuse-db``,
``--create-db``, ``--no-migrations``, another database) makes its databases as pytest-django
does.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import django

from tests.processes import harness

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"

# The in-memory database lives while a connection to it is open: this one, for the whole worker.
_memory_keeper: sqlite3.Connection | None = None
_worker_database: str | None = None


def applies(config: Any) -> bool:
    """Whether this process copies its test database: a pytest-xdist worker, migrations on, no
    explicit database option, and a database this module knows how to copy."""
    from django.db import connections

    if not hasattr(config, "workerinput"):
        return False
    if any(config.getvalue(name) for name in ("reuse_db", "create_db", "nomigrations")):
        return False
    creation = connections["default"].creation
    engine = creation.connection.settings_dict["ENGINE"]
    if engine == SQLITE:
        return creation.is_in_memory_db(creation._get_test_db_name())
    return engine == POSTGRESQL


def copy_template() -> None:
    """This worker's test database, copied from the run's template (migrated here if no process
    has done it yet). pytest-django then opens it as an existing database."""
    global _memory_keeper, _worker_database
    from django.db import connections

    creation = connections["default"].creation
    with harness.template_lock():
        template = _template(creation)
        if creation.connection.settings_dict["ENGINE"] == SQLITE:
            _memory_keeper = sqlite3.connect(creation._get_test_db_name(), uri=True)
            source = sqlite3.connect(template)
            try:
                source.backup(_memory_keeper)
            finally:
                source.close()
            return
        _worker_database = creation._get_test_db_name()
        quote = creation.connection.ops.quote_name
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(_worker_database)}")
            cursor.execute(f"CREATE DATABASE {quote(_worker_database)} TEMPLATE {quote(template)}")


def drop_copy() -> None:
    """Drop this worker's PostgreSQL copy at the end (pytest-django keeps a "re-used" one)."""
    if _worker_database is None:
        return
    from django.db import connections

    connections.close_all()
    creation = connections["default"].creation
    quote = creation.connection.ops.quote_name
    with creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(_worker_database)} WITH (FORCE)")


def _template(creation: Any) -> str:
    """The run's migrated template, a SQLite file or a PostgreSQL database name: made here with
    Django's own test database creation if no process has made it yet."""
    made = harness.run_dir() / "template.url"
    if made.exists():
        return harness.database_name(made.read_text())
    connection = creation.connection
    if connection.settings_dict["ENGINE"] == SQLITE:
        (harness.run_dir() / "template").mkdir(exist_ok=True)
        template = str(harness.run_dir() / "template" / "db.sqlite3")
        url = f"sqlite:///{template}"
    else:
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "run")[:8]
        template = f"{creation._get_test_db_name().rsplit('_gw', 1)[0]}_template_{run}"[:63]
        url = harness._postgres_server()._replace(path=f"/{template}").geturl()
    name, test_name = connection.settings_dict["NAME"], connection.settings_dict["TEST"]["NAME"]
    connection.settings_dict["TEST"]["NAME"] = template
    # Django 6.1 deprecates ``serialize`` (and serializes only when asked); before, it defaults
    # to serializing, which a template does not need.
    no_serializing = {} if django.VERSION >= (6, 1) else {"serialize": False}
    try:
        creation.create_test_db(verbosity=0, autoclobber=True, **no_serializing)
    finally:
        connection.close()
        _set_names(connection, name, test_name)
    made.write_text(url)
    return template


def _set_names(connection: Any, name: str, test_name: str | None) -> None:
    """Back to this worker's own database names after the template's creation changed them."""
    from django.conf import settings

    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.settings_dict["TEST"]["NAME"] = test_name
