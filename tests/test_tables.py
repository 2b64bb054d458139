"""Table values are typed as Wagtail's widget sends them, at every write door: a list or an
object where text, a boolean or a header choice belongs is a 400 (or a form error) naming the
block, never a 500; the cell cap counts rows; merges lie inside the table. Stored tables of such
shapes are left out of the editor and listed by ``check_newsfeed_content``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests import checks, factories
from tests.page_forms import add_url, article_data
from tests.test_stored_bad_bodies import GOOD, store
from wagtail_newsfeed import validation
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

ROWS = [["a", "b"], ["c", "d"]]

BAD_TABLES = {
    "header choice a list": {"data": [["a"]], "table_header_choice": ["row"]},
    "header choice an object": {"data": [["a"]], "table_header_choice": {"row": 1}},
    "header choice a number": {"data": [["a"]], "table_header_choice": 1},
    "header flag a string": {"data": [["a"]], "first_row_is_table_header": "false"},
    "header flag a list": {"data": [["a"]], "first_col_is_header": []},
    "caption an object": {"data": [["a"]], "table_caption": {"x": "<script>"}},
    "caption a list": {"data": [["a"]], "table_caption": ["x"]},
    "cell a boolean": {"data": [["a", True]]},
    "empty rows past the cap": {"data": [[]] * 15_000},
    "merge past the last row": {
        "data": ROWS,
        "mergeCells": [{"row": 1, "col": 0, "rowspan": 2, "colspan": 1}],
    },
    "merge with a huge span": {
        "data": ROWS,
        "mergeCells": [{"row": 0, "col": 0, "rowspan": 10_000, "colspan": 10_000}],
    },
    "merge spanning nothing": {
        "data": ROWS,
        "mergeCells": [{"row": 0, "col": 0, "rowspan": 0, "colspan": 1}],
    },
    "cell meta past the last column": {"data": ROWS, "cell": [{"row": 0, "col": 2}]},
    "merge inside another merge": {
        "data": ROWS,
        "mergeCells": [
            {"row": 0, "col": 0, "rowspan": 2, "colspan": 2},
            {"row": 1, "col": 1, "rowspan": 1, "colspan": 1},
        ],
    },
    "merges crossing": {
        "data": [["a", "b", "c"]] * 3,
        "mergeCells": [
            {"row": 0, "col": 1, "rowspan": 3, "colspan": 1},
            {"row": 1, "col": 0, "rowspan": 1, "colspan": 3},
        ],
    },
    "the same merge twice": {
        "data": ROWS,
        "mergeCells": [{"row": 0, "col": 0, "rowspan": 1, "colspan": 2}] * 2,
    },
}


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post_table(client, feed, value):
    body = [{"type": "table", "value": value}]
    return client.post(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", {"body": body}, "json")


@pytest.mark.parametrize("name", list(BAD_TABLES))
def test_the_api_refuses_a_table_value_of_the_wrong_type_with_a_400(superuser, feed, name):
    with checks.nothing_saved():
        response = post_table(api_for(superuser), feed, BAD_TABLES[name])
    checks.assert_problem(response, 400, "body")
    assert any(m.startswith("body[0]:") for m in response.json()["errors"]["body"])


@pytest.mark.parametrize("name", list(BAD_TABLES))
def test_the_validator_refuses_it_for_any_caller(db, name):
    with pytest.raises(validation.StreamBlockValidationError):
        validation.clean_entry_body([{"type": "table", "value": BAD_TABLES[name]}])


def test_the_console_refuses_a_table_with_a_list_for_its_header_choice(admin_client, feed):
    table = json.dumps(BAD_TABLES["header choice a list"])
    data = nested_form_data({"headline": "Kept", "body": streamfield([("table", table)])})
    data["action"] = "publish"
    with checks.nothing_saved():
        response = admin_client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", data)
    assert response.status_code == 200
    assert "table_header_choice" in response.content.decode()


def test_the_page_editor_refuses_a_table_with_a_list_for_its_header_choice(
    admin_client, news_index
):
    table = json.dumps(BAD_TABLES["header choice a list"])
    with checks.nothing_saved():
        response = admin_client.post(
            add_url(NewsArticlePage, news_index), article_data(body=streamfield([("table", table)]))
        )
    assert response.status_code == 200
    assert "table_header_choice" in response.content.decode()


def test_a_full_table_with_merges_inside_it_is_kept(superuser, feed):
    value = {
        "data": [["x"] * 50] * 50,
        "first_row_is_table_header": False,
        "first_col_is_header": True,
        "table_caption": "Seats",
        "mergeCells": [{"row": 48, "col": 48, "rowspan": 2, "colspan": 2}],
        "cell": [{"row": 49, "col": 49, "className": "num"}],
    }
    response = post_table(api_for(superuser), feed, value)
    assert response.status_code == 201, response.content[:300]
    stored = LiveEntry.objects.get().body.raw_data[0]["value"]
    assert stored["table_header_choice"] == "column" and stored["table_caption"] == "Seats"
    assert stored["mergeCells"] == value["mergeCells"]


def test_an_overlapping_merge_is_named_and_merges_side_by_side_are_kept(superuser, feed):
    client = api_for(superuser)
    with checks.nothing_saved():
        response = post_table(client, feed, BAD_TABLES["merge inside another merge"])
    checks.assert_problem(response, 400, "body")
    assert response.json()["errors"]["body"] == [
        "body[0]: The merge at row 1, column 1 of `mergeCells` overlaps another merge."
    ]
    assert response.json()["block_errors"]
    touching = {
        "data": [["a", "b", "c"]] * 3,
        "mergeCells": [
            {"row": 0, "col": 0, "rowspan": 3, "colspan": 1},
            {"row": 0, "col": 1, "rowspan": 1, "colspan": 2},
            {"row": 1, "col": 1, "rowspan": 2, "colspan": 2},
        ],
    }
    response = post_table(client, feed, touching)
    assert response.status_code == 201, response.content[:300]
    stored = LiveEntry.objects.get().body.raw_data[0]["value"]
    assert stored["mergeCells"] == touching["mergeCells"]


def test_the_console_refuses_overlapping_merges(admin_client, feed):
    table = json.dumps({**BAD_TABLES["merge inside another merge"], "table_header_choice": "row"})
    data = nested_form_data({"headline": "Kept", "body": streamfield([("table", table)])})
    data["action"] = "publish"
    with checks.nothing_saved():
        response = admin_client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", data)
    assert response.status_code == 200
    assert "overlaps another merge" in response.content.decode()


def test_rows_count_towards_the_cell_cap_even_when_empty(superuser, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"TABLE_MAX_CELLS": 10}
    client = api_for(superuser)
    # Captioned: a table of empty rows alone would be an entry that shows nothing.
    table = {"table_caption": "Seats won", "data": [[]] * 10}
    assert post_table(client, feed, table).status_code == 201
    with checks.nothing_saved():
        too_many = {**table, "data": [[]] * 11}
        checks.assert_problem(post_table(client, feed, too_many), 400, "body")


# Stored before the checks existed ---------------------------------------------------------------


@pytest.fixture
def stored_bad_header(feed, superuser):
    entry = factories.make_entry(feed, superuser, headline="Old table")
    bad = {"type": "table", "value": BAD_TABLES["header choice a list"], "id": "bad"}
    store(LiveEntry, entry.pk, [bad, GOOD])
    return entry


def test_the_edit_view_leaves_a_stored_bad_table_out(admin_client, feed, stored_bad_header):
    response = admin_client.get(
        f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{stored_bad_header.pk}/edit/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be shown" in html and "body[0]" in html and "Still here" in html


def test_the_check_command_lists_a_stored_bad_table(feed, stored_bad_header):
    out = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("check_newsfeed_content", stdout=out)
    assert f"live entry {stored_bad_header.pk} (feed {feed.pk}): body[0]: " in out.getvalue()
