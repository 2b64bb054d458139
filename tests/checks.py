"""Assertions the bad-input tests share: a refusal has the exact status, names what was wrong and
leaves the database as it was (no row, no revision, no log entry, no feed version)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
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
    return [
        *apps.get_app_config("wagtail_newsfeed").get_models(),
        *(apps.get_model(label) for label in OTHER_MODELS),
    ]


def database_state() -> dict[str, Any]:
    """Row counts, the feeds' version counters, and the columns a failed edit could still touch."""
    live_entry = apps.get_model("wagtail_newsfeed", "LiveEntry")
    counter = apps.get_model("wagtail_newsfeed", "LiveFeedCounter")
    page = apps.get_model("wagtailcore", "Page")
    entry_columns = [
        field.attname
        for field in live_entry._meta.concrete_fields
        if field.name != "body"  # a StreamValue; updated_at moves on any save anyway
    ]
    state: dict[str, Any] = {
        model._meta.label: model._default_manager.count() for model in counted_models()
    }
    state["feed versions"] = dict(counter.objects.values_list("feed_id", "version"))
    state["entries"] = list(live_entry.objects.order_by("pk").values_list(*entry_columns))
    state["entry bodies"] = [
        list(entry.body.raw_data) for entry in live_entry.objects.order_by("pk").only("body")
    ]
    state["pages"] = list(
        page.objects.order_by("pk").values_list(
            "pk", "title", "live", "latest_revision_id", "has_unpublished_changes"
        )
    )
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Asserts the block wrote nothing: wrap each write attempt that must fail."""
    before = database_state()
    yield
    changed = changes(before, database_state())
    assert not changed, changed


def api_client_for(user: Any) -> Any:
    """A DRF test client that sends ``user``'s API token (``Authorization: Token …``)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
