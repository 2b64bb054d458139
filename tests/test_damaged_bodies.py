"""Stored blocks whose value is null (or missing) where Wagtail expects an object or a list: the
validator counts them as damaged, so every edit view opens the rest of the body, the console names
what it left out, Wagtail's pages API skips them as the newsfeed API does, and
``check_newsfeed_content`` reports them. Writing such a value is refused with its block path."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import checks, factories
from tests.shared_newsroom import feed, news_index, newsroom, superuser  # noqa: F401
from wagtail_newsfeed import stored_bodies
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

GOOD = {"type": "paragraph", "value": "<p>Still here</p>", "id": "good"}

#: Each damaged block, and the path and message the validator names it by.
DAMAGED = {
    "heading without a value": (
        {"type": "heading", "id": "bad"},
        "body[1]: Expected an object with the fields text, level.",
    ),
    "null fact box": (
        {"type": "fact_box", "value": None, "id": "bad"},
        "body[1]: Expected an object with the fields title, body.",
    ),
    "null timeline": (
        {"type": "timeline", "value": None, "id": "bad"},
        "body[1]: Expected an object with the fields title, events.",
    ),
    "null key points list": (
        {"type": "key_points", "value": {"points": None}, "id": "bad"},
        "body[1].points: Expected a list.",
    ),
    "null image": (
        {"type": "image", "value": None, "id": "bad"},
        "body[1]: Expected an object with the fields image, decorative, alt_text, caption, credit.",
    ),
    "null timeline event": (
        {
            "type": "timeline",
            "value": {"events": [{"type": "item", "value": None, "id": "event"}]},
            "id": "bad",
        },
        "body[1].events[0]: Expected an object with the fields when, title, description.",
    ),
}


def store(model, pk: int, body: list) -> None:
    """``body`` as stored JSON, past every check (as an old import would have written it)."""
    table, key = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET body = %s WHERE {key} = %s", [json.dumps(body), pk])


def store_article(article: NewsArticlePage, body: list) -> None:
    """In the page row and in the latest revision, which is what the page editor opens."""
    store(NewsArticlePage, article.pk, body)
    revision = article.latest_revision
    revision.content = {**revision.content, "body": json.dumps(body)}
    revision.save(update_fields=["content"])


@pytest.fixture(params=list(DAMAGED), ids=list(DAMAGED))
def damaged(request):
    return DAMAGED[request.param]


@pytest.fixture
def entry(feed, superuser, damaged):
    entry = factories.make_entry(feed, superuser, headline="Damaged one")
    store(LiveEntry, entry.pk, [GOOD, damaged[0]])
    return LiveEntry.objects.get(pk=entry.pk)


def test_body_problems_count_a_null_value_as_damaged(entry, damaged):
    problems = stored_bodies.body_problems(entry.body)
    assert [(p.index, p.message, p.damaged) for p in problems] == [(1, damaged[1], True)]
    repaired, left_out = stored_bodies.repair_body(entry.body)
    assert [child.id for child in repaired] == ["good"]
    assert left_out == [damaged[1]]


def test_the_console_edit_view_opens_without_the_block_and_names_it(
    admin_client, feed, entry, damaged
):
    url = f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{entry.pk}/edit/"
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be shown and were left out" in html
    assert damaged[1].split(":")[0] in html
    assert "Still here" in html
    newsroom_edit = admin_client.get(f"/admin/wagtail_newsfeed/liveentry/edit/{entry.pk}/")
    assert newsroom_edit.status_code == 302
    assert admin_client.get(newsroom_edit["Location"]).status_code == 200


def test_saving_the_console_edit_drops_the_block(admin_client, feed, entry):
    url = f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{entry.pk}/edit/"
    data = nested_form_data(
        {
            "headline": "Repaired",
            "body": streamfield([("paragraph", rich_text("<p>Still here</p>"))]),
        }
    )
    data["action"] = "publish"
    assert admin_client.post(url, data).status_code == 302
    assert stored_bodies.body_problems(LiveEntry.objects.get(pk=entry.pk).body) == []


def test_readers_and_the_api_skip_the_block(client, feed, entry):
    assert "Still here" in client.get(feed.url).content.decode()
    api = APIClient().get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{entry.pk}/")
    assert [block["id"] for block in api.json()["body"]] == ["good"]


def test_the_check_command_names_the_block(entry, damaged):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_newsfeed_content", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("live entry")]
    assert lines == [f"live entry {entry.pk} (feed {entry.feed_id}): {damaged[1]}"]


def test_the_page_editor_and_wagtails_pages_api_open_an_article_without_the_block(
    admin_client, client, news_index, damaged
):
    article = factories.make_article(news_index, "Damaged article")
    store_article(article, [GOOD, damaged[0]])
    editor = admin_client.get(f"/admin/pages/{article.pk}/edit/")
    assert editor.status_code == 200
    assert "Still here" in editor.content.decode()
    api = APIClient().get(f"/api/v2/pages/{article.pk}/")
    assert api.status_code == 200
    assert [block["id"] for block in api.json()["body"]] == ["good"]
    assert "Still here" in client.get(article.url).content.decode()


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"type": "heading"}, "body[0]: Expected an object with the fields text, level."),
        ({"type": "fact_box", "value": None}, "body[0]: Expected an object"),
        ({"type": "key_points", "value": {"points": None}}, "body[0].points: Expected a list."),
        (
            {"type": "timeline", "value": {"events": [{"type": "item", "value": None}]}},
            "body[0].events[0]: Expected an object",
        ),
    ],
)
def test_writing_a_null_value_is_refused_with_its_path(feed, superuser, block, message):
    client = checks.api_client_for(superuser)
    with checks.nothing_saved():
        response = client.post(
            f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", {"body": [block]}, "json"
        )
    checks.assert_problem(response, 400, "body")
    errors = response.json()["errors"]["body"]
    assert any(error.startswith(message) for error in errors), errors
