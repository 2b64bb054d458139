"""A table shows headless clients what it shows readers: Wagtail's table template leaves out the
cells whose ``cell`` item says ``hidden`` (the widget marks so each cell a merge covers) and puts
each merge's ``rowspan``/``colspan`` on its first cell; the API representation does the same
(``null`` for a left-out cell, ``spans`` for the merges), search and summaries skip those cells,
and a table whose only text is hidden is an entry with nothing to see."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from openapi_schema_validator import OAS31Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests.checks import api_client_for, assert_problem, nothing_saved
from wagtail_newsfeed.blocks import NewsTableBlock
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

EMPTY = "Write something in the body"
#: The widget's own shape for two cells merged into one: the covered cell is marked hidden.
MERGED = {
    "data": [["Shown", "internal note"]],
    "table_header_choice": "neither",
    "mergeCells": [{"row": 0, "col": 0, "rowspan": 1, "colspan": 2}],
    "cell": [{"row": 0, "col": 1, "hidden": True}],
}
SECRET = {
    "data": [["Secret"]],
    "table_header_choice": "neither",
    "cell": [{"row": 0, "col": 0, "hidden": True}],
}


def post_table(client, feed, table, *more):
    body = [{"type": "table", "value": table}, *more]
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    return client.post(url, {"headline": "Results", "body": body}, "json")


def api_table(client, feed, entry_id) -> dict:
    url = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry_id])
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()["body"][0]["value"]


def test_the_api_leaves_out_a_merged_away_cell_as_the_reader_page_does(client, superuser, feed):
    writer = api_client_for(superuser)
    response = post_table(writer, feed, MERGED)
    assert response.status_code == 201, response.content[:300]

    page = client.get(feed.url).content.decode()
    assert re.search(r'<td\s+rowspan="1" colspan="2">\s*Shown\s*</td>', page)
    assert "internal note" not in page
    assert api_table(writer, feed, response.json()["id"]) == {
        "caption": "",
        "first_row_is_header": False,
        "first_col_is_header": False,
        "rows": [["Shown", None]],
        "spans": [{"row": 0, "col": 0, "rowspan": 1, "colspan": 2}],
    }


def test_hidden_cells_of_the_header_row_and_of_a_row_span_are_null(superuser, feed):
    table = {
        "data": [["Party", "Seats", "x"], ["A", "10", "y"], ["B", "12", "z"]],
        "table_header_choice": "both",
        "mergeCells": [
            {"row": 0, "col": 1, "rowspan": 1, "colspan": 2},
            {"row": 1, "col": 0, "rowspan": 2, "colspan": 1},
        ],
        "cell": [
            {"row": 0, "col": 2, "hidden": True},
            {"row": 2, "col": 0, "hidden": True, "className": "gone"},
        ],
    }
    writer = api_client_for(superuser)
    response = post_table(writer, feed, table)
    assert response.status_code == 201, response.content[:300]
    value = api_table(writer, feed, response.json()["id"])
    assert value["rows"] == [["Party", "Seats", None], ["A", "10", "y"], [None, "12", "z"]]
    assert value["spans"] == table["mergeCells"]


def test_the_schema_documents_null_cells_and_spans(client, superuser, feed):
    writer = api_client_for(superuser)
    entry_id = post_table(writer, feed, MERGED).json()["id"]
    schema = client.get("/api/newsfeed/v1/schema/", {"format": "json"}).json()
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(schema))
    validator = OAS31Validator(
        {"$ref": "urn:api#/components/schemas/TableValue"}, registry=registry
    )
    assert not list(validator.iter_errors(api_table(writer, feed, entry_id)))
    table = schema["components"]["schemas"]["TableValue"]
    assert set(table["required"]) >= {"rows", "spans"}


def test_a_merge_without_hidden_cells_is_drawn_as_the_template_draws_it(client, superuser, feed):
    """Wagtail's template hides only cells marked hidden: the API shows what it draws."""
    table = {**MERGED, "data": [["Shown", "Also shown"]], "cell": []}
    writer = api_client_for(superuser)
    response = post_table(writer, feed, table)
    assert response.status_code == 201, response.content[:300]
    assert "Also shown" in client.get(feed.url).content.decode()
    assert api_table(writer, feed, response.json()["id"])["rows"] == [["Shown", "Also shown"]]


def test_a_span_on_a_hidden_cell_is_not_listed(superuser, feed):
    table = {
        "data": [["a", "b"]],
        "table_header_choice": "neither",
        "mergeCells": [{"row": 0, "col": 1, "rowspan": 1, "colspan": 1}],
        "cell": [{"row": 0, "col": 1, "hidden": True}],
    }
    writer = api_client_for(superuser)
    response = post_table(writer, feed, table)
    assert response.status_code == 201, response.content[:300]
    value = api_table(writer, feed, response.json()["id"])
    assert value["rows"] == [["a", None]] and value["spans"] == []


def test_search_and_summaries_skip_hidden_cells():
    assert NewsTableBlock().get_searchable_content(MERGED) == ["Shown"]


def test_the_api_refuses_an_entry_whose_only_table_text_is_hidden(editor, feed):
    with nothing_saved():
        response = post_table(api_client_for(editor), feed, SECRET)
    problem = assert_problem(response, 400, "body")
    assert problem["errors"]["body"] == [f"body: {EMPTY}: as it is, this entry would be empty."]


def test_a_hidden_cell_beside_a_shown_one_or_a_caption_is_content(superuser, feed):
    writer = api_client_for(superuser)
    for table in (
        {**SECRET, "data": [["Secret", "Seats"]]},
        {**SECRET, "table_caption": "Seats won"},
    ):
        assert post_table(writer, feed, table).status_code == 201
    assert LiveEntry.objects.count() == 2


def test_the_console_refuses_an_entry_whose_only_table_text_is_hidden(admin_client, feed):
    url = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    data = nested_form_data(
        {
            "headline": "Kept",
            "body": streamfield([("table", json.dumps(SECRET))]),
            "action": "publish",
        }
    )
    with nothing_saved():
        response = admin_client.post(url, data)
    assert response.status_code == 200
    assert EMPTY in response.content.decode()
