"""The schema's 503: every operation reads the database, so every one answers a 503 problem with
``Retry-After`` (and saves nothing) when the database cannot answer right now, and that answer
validates against the operation's documented 503.

"Cannot answer right now" is real here: another connection holds the app's tables, so this
one's queries of them fail (SQLite's shared-cache table lock refuses at once; on PostgreSQL an
``ACCESS EXCLUSIVE`` lock outlasts a 200 ms ``lock_timeout``), as during a migration or a lock
held too long. ``tests/processes/test_postgres_restart.py`` stops the server instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.models import Page

from tests import factories
from tests.checks import nothing_saved, postgres_connection
from tests.test_api_schema import SCHEMA, validate_response
from wagtail_newsfeed import preview

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def locked_tables() -> list[str]:
    """The app's tables and Wagtail's pages: what every endpoint reads first."""
    models = apps.get_app_config("wagtail_newsfeed").get_models(include_auto_created=True)
    return sorted({model._meta.db_table for model in models} | {Page._meta.db_table})


@contextmanager
def database_busy() -> Iterator[None]:
    """Another connection holds ``locked_tables()`` until the block ends."""
    tables = locked_tables()
    if connection.vendor == "postgresql":
        holder = postgres_connection()
        names = ", ".join(connection.ops.quote_name(table) for table in tables)
        holder.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
    else:
        import sqlite3

        # The test database is in memory with a shared cache (Django's ``file:memorydb_...``):
        # a connection writing a table locks it for every other connection of the process.
        holder = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
        holder.execute("BEGIN")
        for table in tables:
            holder.execute(f"DELETE FROM {connection.ops.quote_name(table)} WHERE rowid < 0")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")


def requests_for_every_operation(schema: dict) -> Iterator[tuple[str, str, str, dict]]:
    """``(documented path, method, URL, client arguments)`` for each operation, filled with
    things that exist: without the lock, each would succeed."""
    index = factories.make_index()
    feed = factories.make_feed(index)
    entry = factories.make_entry(feed)
    article = factories.make_article(
        index,
        topics=[factories.make_topic(slug="t1")],
        authors=[factories.make_author(slug="t1")],
        source=factories.make_source(slug="t1"),
    )
    token = preview.create_preview_token(article)
    body = {"body": factories.paragraph("Refused")}
    path = f"/{index.slug}/{article.slug}/"
    queries = {"/articles/find/": {"path": path}, "/preview/": {"token": token}}
    for path, methods in schema["paths"].items():
        pk = article.pk if "/articles/" in path else feed.pk
        url = path.replace("{id}", str(pk)).replace("{entry_id}", str(entry.pk))
        url = url.replace("{slug}", "t1")
        for method in methods:
            if method == "get":
                query = next((q for end, q in queries.items() if path.endswith(end)), {})
                yield path, method, url, {"data": query}
            elif method in ("post", "patch"):
                yield path, method, url, {"data": body, "format": "json"}
            else:
                yield path, method, url, {}


def test_every_operation_answers_its_documented_503_when_the_database_is_busy():
    schema = APIClient().get(SCHEMA, {"format": "json"}).json()
    user = factories.make_superuser("outage-editor")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    answered = []
    for path, method, url, arguments in requests_for_every_operation(schema):
        with nothing_saved(), database_busy():
            response = getattr(client, method)(url, **arguments)
        assert response.status_code == 503, (method, url, response.status_code, response.content)
        assert response["Retry-After"] == "5", (method, url)
        validate_response(schema, path, method, response)
        # The same request once the database answers again: so the 503 was the lock's. (A
        # path's DELETE is its last operation: nothing after it needs the entry.)
        again = getattr(client, method)(url, **arguments)
        expected = {"get": 200, "post": 201, "patch": 200, "delete": 204}[method]
        assert again.status_code == expected, (method, url, again.status_code, again.content)
        answered.append(f"{method} {path}")
    assert len(answered) == sum(len(methods) for methods in schema["paths"].values())
