"""Block and list item ids are of the shape Wagtail's editor keys blocks by (uuid-like) and unique
in a body; the byte cap holds for the body as stored; a check that raises on some value is a 400
naming the block, and is logged."""

from __future__ import annotations

import json
import logging
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import checks, factories
from tests.test_stored_bad_bodies import GOOD, store
from wagtail_newsfeed import body_walk, validation
from wagtail_newsfeed.models import LiveEntry
from wagtail_newsfeed.wordpress.content import with_ids

pytestmark = pytest.mark.django_db

HOSTILE_ID = '"><img src=x onerror=alert(1)>'


def para(text: str = "x", **extra) -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>", **extra}


def points(*ids) -> dict:
    items = [
        {"type": "item", "value": f"Point {i}", "id": item_id} for i, item_id in enumerate(ids)
    ]
    return {"type": "key_points", "value": {"title": "Key", "points": items}}


@pytest.fixture
def api(superuser) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}")
    return client


def post(api, feed, body):
    return api.post(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", {"body": body}, "json")


@pytest.mark.parametrize(
    "body,path",
    [
        ([para(id=HOSTILE_ID)], "body[0]"),
        ([para(id="a" * 65)], "body[0]"),
        ([para(id="with space")], "body[0]"),
        ([para(id=5)], "body[0]"),
        ([para(id=["x"])], "body[0]"),
        ([para(id="same"), para(id="same")], "body[1]"),
        ([points("same", "same")], "body[0].points[1]"),
        ([points("x", HOSTILE_ID)], "body[0].points[1]"),
        ([para(id="same"), points("same")], "body[1].points[0]"),
    ],
)
def test_an_unsafe_or_repeated_block_id_is_a_400_naming_the_block(api, feed, body, path):
    with checks.nothing_saved():
        response = post(api, feed, body)
    checks.assert_problem(response, 400, "body")
    messages = response.json()["errors"]["body"]
    assert any(m.startswith(f"{path}:") and " id" in m for m in messages), messages
    assert HOSTILE_ID not in response.content.decode()


def test_uuid_ids_are_kept_and_missing_ones_are_made(api, feed):
    ids = [str(uuid.uuid4()) for _ in range(3)]
    body = [para(id=ids[0]), points(ids[1], ids[2]), para("no id"), para("empty id", id="")]
    response = post(api, feed, body)
    assert response.status_code == 201, response.content
    stored = LiveEntry.objects.get().body.raw_data
    assert [stored[0]["id"], *(i["id"] for i in stored[1]["value"]["points"])] == ids
    made = [stored[2]["id"], stored[3]["id"]]
    assert all(body_walk.SAFE_BLOCK_ID.fullmatch(i) for i in made) and made[0] != made[1]


def test_the_console_accepts_the_ids_the_editor_sends(admin_client, feed):
    data = nested_form_data(
        {"headline": "Ids", "body": streamfield([("paragraph", rich_text("<p>Typed</p>"))])}
    )
    data["body-0-id"] = str(uuid.uuid4())
    data["action"] = "publish"
    response = admin_client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", data)
    assert response.status_code == 302
    assert LiveEntry.objects.get().body.raw_data[0]["id"] == data["body-0-id"]


def test_the_wordpress_importers_ids_are_accepted(db):
    body = with_ids([para("one"), para("two")], "https://example.org/?p=1")
    validation.clean_entry_body(body)


def test_a_stored_unsafe_or_repeated_id_is_listed_and_replaced_in_the_editor(
    admin_client, feed, superuser
):
    entry = factories.make_entry(feed, superuser)
    store(
        LiveEntry, entry.pk, [para("first", id=HOSTILE_ID), GOOD, {**GOOD, "value": "<p>Twin</p>"}]
    )
    out = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("check_newsfeed_content", stdout=out)
    assert "body[0]: A block id" in out.getvalue() and "body[2]: Another block" in out.getvalue()

    edit = f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{entry.pk}/edit/"
    html = admin_client.get(edit).content.decode()
    assert "first" in html and "Twin" in html  # nothing left out
    assert "onerror" not in html and "could not be shown" not in html


# The byte cap on the body as stored -------------------------------------------------------------


def test_a_body_that_grows_past_the_cap_when_cleaned_is_refused(api, feed):
    body = [para("&" * 60_000)]  # 60 KB sent, 300 KB once "&" is stored as "&amp;"
    with checks.nothing_saved():
        response = post(api, feed, body)
    checks.assert_problem(response, 400, "body")
    assert any("once cleaned" in m for m in response.json()["errors"]["body"])
    assert not LiveEntry.objects.exists()


def test_a_body_under_the_cap_when_cleaned_is_kept(api, feed):
    response = post(api, feed, [para("&" * 10_000)])
    assert response.status_code == 201, response.content[:300]


# A check that raises --------------------------------------------------------------------------


def test_a_check_that_raises_is_a_400_naming_the_block_and_is_logged(
    api, feed, monkeypatch, caplog
):
    def broken_check(value, error):
        raise RuntimeError("a shape no check foresaw")

    monkeypatch.setattr(body_walk, "clean_table", broken_check)
    body = [para(), {"type": "table", "value": {"data": [["a"]]}}]
    logs = caplog.at_level(logging.ERROR, logger="wagtail_newsfeed.body_walk")
    with logs, checks.nothing_saved():
        response = post(api, feed, body)
    checks.assert_problem(response, 400, "body")
    assert any(m.startswith("body[1]:") for m in response.json()["errors"]["body"])
    (record,) = [r for r in caplog.records if r.name == "wagtail_newsfeed.body_walk"]
    assert "body[1]" in record.getMessage() and record.exc_info
    assert json.dumps(response.json()).count("no check foresaw") == 0
