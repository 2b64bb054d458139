"""Assertions the bad-input tests share: a refusal has the exact status, names what was wrong and
leaves the database as it was (no row added, deleted or edited: no revision, no log entry, no
feed version, no renamed topic). Also the max-age of a public answer, which caching tests read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Model

PROBLEM = "application/problem+json"

# Besides every model of the app itself: what a write through any door could leave behind.
OTHER_MODELS = [
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ModelLogEntry",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailredirects.Redirect",
    "taggit.Tag",
]


def assert_problem(response: Any, status: int, word: str | None = None) -> dict[str, Any]:
    """``response`` is a problem-details ``status`` whose ``detail`` contains ``word``."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = response.json()
    assert body["status"] == status, body
    if word is not None:
        assert word.lower() in body["detail"].lower(), body["detail"]
    return body


def counted_models() -> list[type[Model]]:
    """The app's models (its many-to-many tables included) and ``OTHER_MODELS``."""
    return [
        *apps.get_app_config("wagtail_newsfeed").get_models(include_auto_created=True),
        *(apps.get_model(label) for label in OTHER_MODELS),
    ]


def watched_tables() -> dict[str, str]:
    """Table -> its primary key column, for every table behind ``counted_models``: a page
    model's own table as well as ``wagtailcore_page``."""
    return {
        model._meta.concrete_model._meta.db_table: model._meta.concrete_model._meta.pk.column
        for model in counted_models()
    }


def database_state() -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Table -> {primary key: the row's stored values}, read with plain SQL: a row added,
    deleted or edited in place (a topic renamed, an endpoint's URL, a page's title, a revision's
    content, a feed's version counter) all differ. Raw values, so a StreamField compares as its
    stored JSON."""
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for table, pk_column in watched_tables().items():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # table names from the models
            columns = [column[0] for column in cursor.description]
            key = columns.index(pk_column)
            state[table] = {row[key]: tuple(row) for row in cursor.fetchall()}
    return state


def changes(
    before: dict[str, dict[Any, Any]], after: dict[str, dict[Any, Any]]
) -> dict[str, tuple[dict[Any, Any], dict[Any, Any]]]:
    """Table -> (its differing rows before, the same rows after), naming only the rows that
    were added (absent before), deleted (absent after) or edited."""
    found = {}
    for table, rows in before.items():
        now = after[table]
        keys = {key for key in rows.keys() | now.keys() if rows.get(key) != now.get(key)}
        if keys:
            found[table] = (
                {key: rows[key] for key in keys if key in rows},
                {key: now[key] for key in keys if key in now},
            )
    return found


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Asserts the block wrote nothing: wrap each write attempt that must fail."""
    before = database_state()
    yield
    changed = changes(before, database_state())
    assert not changed, changed


def entries_url(feed: Any) -> str:
    """The write API's (and delta sync's) URL of ``feed``'s entries."""
    from django.urls import reverse

    return reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])


def entry_url(feed: Any, entry_id: Any) -> str:
    """The write API's URL of one entry of ``feed``."""
    from django.urls import reverse

    return reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry_id])


def api_client_for(user: Any) -> Any:
    """A DRF test client that sends ``user``'s API token (``Authorization: Token …``)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def postgres_connection() -> Any:
    """A second PostgreSQL connection to the test database (psycopg, autocommit off), for a
    test that holds a lock the app's own connection must meet."""
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        host=params["HOST"],
        port=params["PORT"] or 5432,
        password=params["PASSWORD"] or None,
    )


def public_max_age(response: Any) -> int:
    """The ``max-age`` of a 200 answer that must be ``public``."""
    assert response.status_code == 200
    parts = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in parts, response["Cache-Control"]
    (value,) = [part.split("=")[1] for part in parts if part.startswith("max-age=")]
    return int(value)
