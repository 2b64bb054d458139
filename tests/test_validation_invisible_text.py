"""A required text field inside a block (a quote's text, a key point, a timeline event's title, a
fact box's body) holding nothing a reader would see is refused as Wagtail refuses one of spaces:
"This field is required." with the block's path, at every door, and nothing is saved. Zero-width
spaces and joiners, direction controls, a combining mark alone, Hangul fillers, the Braille
blank and tag characters are not text (``names.visible``)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import api_client_for, assert_problem, nothing_saved
from tests.page_forms import add_url, article_data
from wagtail_newsfeed import stored_bodies
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."
SEEN = {"type": "paragraph", "value": "<p>Polls close at ten.</p>"}
#: Text a reader sees nothing of (``str.strip()`` keeps every one of them).
INVISIBLE = {
    "a zero-width space": "\u200b",
    "joiners": "\u200d\u200c\u2060",
    "direction controls": "\u202e\u2066\u2069",
    "a combining mark alone": "\u0301",
    "a Hangul filler": "\u3164",
    "a Braille blank": "\u2800",
    "tag characters": "\U000e0041\U000e007f",
    "a soft hyphen after a no-break space": "\u00a0\u00ad",
}
#: A required field at each depth: (block, path below ``body[1]``).
FIELDS = {
    "a quote's text": (lambda t: {"type": "quote", "value": {"text": t}}, ".text"),
    "a pull quote's text": (lambda t: {"type": "pull_quote", "value": {"text": t}}, ".text"),
    "a heading": (lambda t: {"type": "heading", "value": {"text": t, "level": "h2"}}, ".text"),
    "a key point": (
        lambda t: {"type": "key_points", "value": {"points": ["Turnout is up", t]}},
        ".points[1]",
    ),
    "a fact box's title": (
        lambda t: {"type": "fact_box", "value": {"title": t, "body": "<p>Facts</p>"}},
        ".title",
    ),
    "a fact box's body": (
        lambda t: {"type": "fact_box", "value": {"title": "Facts", "body": f"<p>{t}</p>"}},
        ".body",
    ),
    "a timeline event's time": (
        lambda t: {"type": "timeline", "value": {"events": [{"when": t, "title": "Polls"}]}},
        ".events[0].when",
    ),
    "a timeline event's title": (
        lambda t: {"type": "timeline", "value": {"events": [{"when": "09:30", "title": t}]}},
        ".events[0].title",
    ),
}


def post(client, feed, body):
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    return client.post(url, {"headline": "Results", "body": body}, "json")


def refused(user, feed, body) -> list[str]:
    """The API's messages for ``body``, checked to be a 400 that saved nothing."""
    with nothing_saved():
        response = post(api_client_for(user), feed, body)
    return assert_problem(response, 400, "body")["errors"]["body"]


@pytest.mark.parametrize("text", INVISIBLE.values(), ids=INVISIBLE)
def test_the_api_refuses_a_quote_of_invisible_text(superuser, feed, text):
    block = {"type": "quote", "value": {"text": text, "attribution": "Bob"}}
    assert refused(superuser, feed, [SEEN, block]) == [f"body[1].text: {REQUIRED}"]


@pytest.mark.parametrize(("make", "path"), FIELDS.values(), ids=FIELDS)
def test_the_api_refuses_a_required_field_of_a_zero_width_space_at_any_depth(
    superuser, feed, make, path
):
    assert refused(superuser, feed, [SEEN, make("\u200b")]) == [f"body[1]{path}: {REQUIRED}"]


def test_a_body_of_nothing_else_is_one_empty_body_error(superuser, feed):
    block = {"type": "quote", "value": {"text": "\u200b", "attribution": ""}}
    assert refused(superuser, feed, [block]) == [
        "body: Write something in the body: as it is, this entry would be empty."
    ]


def test_visible_text_among_invisible_characters_and_optional_fields_are_kept(superuser, feed):
    body = [
        {"type": "quote", "value": {"text": "\u200bWe won\u200d", "attribution": "\u200b"}},
        {"type": "timeline", "value": {"title": "\u3164", "events": [{"when": "9", "title": "é"}]}},
    ]
    response = post(api_client_for(superuser), feed, body)
    assert response.status_code == 201, response.content[:300]


def test_the_console_refuses_a_quote_of_a_zero_width_space(admin_client, feed):
    data = nested_form_data(
        {
            "headline": "Kept",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Polls close at ten.</p>")),
                    ("quote", {"text": "\u200b", "attribution": "Bob"}),
                ]
            ),
            "action": "publish",
        }
    )
    with nothing_saved():
        response = admin_client.post(
            reverse("wagtail_newsfeed_console:console", args=[feed.pk]), data
        )
    assert response.status_code == 200
    assert response.context["form"].errors["body"].as_data()[0].as_json_data() == {
        "blockErrors": {1: {"blockErrors": {"text": {"messages": [REQUIRED]}}}}
    }


def test_the_page_editor_refuses_a_key_point_of_a_zero_width_space(admin_client, news_index):
    body = streamfield([("key_points", {"title": "", "points": streamfield([("item", "\u200b")])})])
    with nothing_saved():
        response = admin_client.post(add_url(NewsArticlePage, news_index), article_data(body=body))
    assert response.status_code == 200
    assert REQUIRED in response.content.decode()


def test_a_stored_block_of_it_still_opens_in_the_editor(superuser, feed):
    entry = factories.make_entry(feed, superuser, text="Results")
    stored = [SEEN, {"type": "quote", "value": {"text": "\u200b"}, "id": "q1"}]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LiveEntry._meta.db_table} SET body = %s WHERE id = %s",
            [json.dumps(stored), entry.pk],
        )
    problems = stored_bodies.body_problems(LiveEntry.objects.get(pk=entry.pk).body)
    assert [(p.message, p.damaged) for p in problems] == [(f"body[1].text: {REQUIRED}", False)]


@pytest.mark.parametrize("headline", ["\u200b\u200d", "\ufeff \u2060\n\u200c"])
def test_an_api_headline_of_invisible_characters_is_stored_empty(superuser, feed, headline):
    client = api_client_for(superuser)
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])

    response = client.post(url, {"headline": headline, "body": [SEEN]}, "json")

    assert response.status_code == 201, response.content[:300]
    assert response.json()["headline"] == ""
    entry = LiveEntry.objects.get(pk=response.json()["id"])
    assert entry.headline == ""
    assert str(entry).startswith("Polls close at ten. (")


def test_an_api_headline_keeps_the_joiners_of_real_text(superuser, feed):
    family = "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 day"
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])

    response = api_client_for(superuser).post(url, {"headline": family, "body": [SEEN]}, "json")

    assert response.status_code == 201, response.content[:300]
    assert LiveEntry.objects.get(pk=response.json()["id"]).headline == family
