"""A table's header choice means what the editor's select means: ``"col"`` (the spelling Wagtail's
own ``to_python`` gives tables stored before Wagtail 6) is written and read as ``"column"``, so
the first column is a header on the page (``<th scope="row">``) and in the API, instead of being
reset by Wagtail's ``TableBlock.clean``, which knows only ``"column"``."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests import factories
from tests.checks import api_client_for, assert_problem, nothing_saved
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

TABLE = {"data": [["Party", "Seats"], ["Greens", "12"]], "table_header_choice": "col"}
ROW_HEADER = re.compile(r'<th scope="row"\s*>\s*Greens\s*</th>')


def entries_url(feed) -> str:
    return reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])


def api_table(client, feed, entry_id) -> dict:
    url = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry_id])
    return client.get(url).json()["body"][0]["value"]


def stored_table(entry_id) -> dict:
    return LiveEntry.objects.get(pk=entry_id).body.raw_data[0]["value"]


def test_a_col_header_choice_is_stored_as_column_and_shows_the_header(client, superuser, feed):
    writer = api_client_for(superuser)
    body = [{"type": "table", "value": TABLE}]
    response = writer.post(entries_url(feed), {"body": body}, "json")
    assert response.status_code == 201, response.content[:300]
    entry_id = response.json()["id"]

    stored = stored_table(entry_id)
    assert stored["table_header_choice"] == "column" and stored["first_col_is_header"] is True
    assert ROW_HEADER.search(client.get(feed.url).content.decode())
    assert api_table(writer, feed, entry_id)["first_col_is_header"] is True


def test_a_stored_col_choice_whose_flag_was_reset_shows_the_header(client, superuser, feed):
    """As the API stored it before: Wagtail's clean had turned the flag off."""
    entry = factories.make_entry(feed, superuser, text="Results")
    lost = {**TABLE, "first_row_is_table_header": False, "first_col_is_header": False}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LiveEntry._meta.db_table} SET body = %s WHERE id = %s",
            [json.dumps([{"type": "table", "value": lost, "id": "t1"}]), entry.pk],
        )
    assert ROW_HEADER.search(client.get(feed.url).content.decode())
    assert api_table(api_client_for(superuser), feed, entry.pk)["first_col_is_header"] is True


def test_the_console_stores_a_col_choice_as_column(admin_client, feed):
    data = nested_form_data(
        {
            "headline": "Kept",
            "body": streamfield([("table", json.dumps(TABLE))]),
            "action": "publish",
        }
    )
    response = admin_client.post(reverse("wagtail_newsfeed_console:console", args=[feed.pk]), data)
    assert response.status_code == 302, response.content[:300]
    stored = stored_table(LiveEntry.objects.get().pk)
    assert stored["table_header_choice"] == "column" and stored["first_col_is_header"] is True


def test_an_unknown_header_choice_is_refused_with_the_valid_ones(superuser, feed):
    body = [{"type": "table", "value": {**TABLE, "table_header_choice": "columns"}}]
    with nothing_saved():
        response = api_client_for(superuser).post(entries_url(feed), {"body": body}, "json")
    assert assert_problem(response, 400, "body")["errors"]["body"] == [
        "body[0]: `table_header_choice` must be one of: row, column, both, neither."
    ]
