"""An entry readers would see nothing in is refused at every door with one message: the API and
the console call the same validator (``validation.clean_entry_body``)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import api_client_for, assert_problem, nothing_saved
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

EMPTY = "Write something in the body"
#: Paragraph HTML that shows a reader nothing.
NOTHING_TO_SEE = {
    "a space": "<p> </p>",
    "a no-break space": "<p>&nbsp;</p>",
    "a line break": "<p><br/></p>",
    "zero-width spaces": "<p>\u200b\u200b</p>",
    "a zero-width space as an entity": "<p>&#8203;</p>",
    "a byte order mark and a joiner": "<p>\ufeff\u200d</p>",
    "empty bold text": "<p><b></b></p>",
}


def entries_url(feed) -> str:
    return reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])


@pytest.mark.parametrize("html", NOTHING_TO_SEE.values(), ids=NOTHING_TO_SEE)
def test_the_api_refuses_an_entry_with_nothing_to_see(editor, feed, html):
    writer = api_client_for(editor)
    body = [{"type": "paragraph", "value": html}, {"type": "paragraph", "value": "<p></p>"}]
    with nothing_saved():
        response = writer.post(entries_url(feed), {"headline": "Hi", "body": body}, "json")
    problem = assert_problem(response, 400, "body")
    assert EMPTY in str(problem["errors"]["body"]), problem


#: Blocks of text whose text shows nothing (a zero-width space, a Hangul filler, empty cells).
BLOCKS_SHOWING_NOTHING = {
    "a heading": {"type": "heading", "value": {"text": "\u200b", "level": "h2"}},
    "a heading of a soft hyphen": {"type": "heading", "value": {"text": "\u00ad", "level": "h2"}},
    "a quote": {"type": "quote", "value": {"text": "\u200b", "attribution": ""}},
    "a pull quote": {"type": "pull_quote", "value": {"text": "\u3164", "attribution": ""}},
    "key points": {"type": "key_points", "value": {"title": "", "points": ["\u200b"]}},
    "a fact box": {"type": "fact_box", "value": {"title": "\u200b", "body": "<p></p>"}},
    "a table": {"type": "table", "value": {"data": [["", "\u200b"]]}},
    "a timeline": {
        "type": "timeline",
        "value": {
            "title": "",
            "events": [{"when": "\u200b", "title": "\u200b", "description": ""}],
        },
    },
}


@pytest.mark.parametrize("block", BLOCKS_SHOWING_NOTHING.values(), ids=BLOCKS_SHOWING_NOTHING)
def test_the_api_refuses_an_entry_of_blocks_that_show_nothing(editor, feed, block):
    writer = api_client_for(editor)
    with nothing_saved():
        response = writer.post(entries_url(feed), {"body": [block]}, "json")
    assert EMPTY in str(assert_problem(response, 400, "body")["errors"]["body"])


def test_a_block_of_visible_text_or_a_chosen_article_is_an_entry(superuser, feed, news_index):
    writer = api_client_for(superuser)
    story = factories.make_article(news_index)
    for block in (
        {"type": "heading", "value": {"text": "Polls close", "level": "h2"}},
        {"type": "table", "value": {"data": [["", "Seats"]]}},
        {"type": "related_article", "value": {"page": story.pk, "label": ""}},
    ):
        response = writer.post(entries_url(feed), {"body": [block]}, "json")
        assert response.status_code == 201, response.content


def test_the_api_refuses_an_empty_body_list(editor, feed):
    writer = api_client_for(editor)
    with nothing_saved():
        response = writer.post(entries_url(feed), {"headline": "Hi", "body": []}, "json")
    assert "This field is required" in str(assert_problem(response, 400, "body")["errors"])


def test_an_api_edit_cannot_empty_an_entry(editor, feed):
    entry = factories.make_entry(feed, editor, text="Turnout is high")
    writer = api_client_for(editor)
    url = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    body = [{"type": "paragraph", "value": "<p>\u200b</p>"}]
    with nothing_saved():
        response = writer.patch(url, {"body": body}, "json")
    assert EMPTY in str(assert_problem(response, 400, "body")["errors"]["body"])


def test_an_image_alone_or_text_beside_empty_paragraphs_is_kept(superuser, feed):
    writer = api_client_for(superuser)
    image = factories.make_image()
    for body in (
        [{"type": "image", "value": {"image": image.pk, "caption": "", "credit": ""}}],
        [
            {"type": "paragraph", "value": "<p>\u200b</p>"},
            {"type": "paragraph", "value": "<p>x</p>"},
        ],
    ):
        response = writer.post(entries_url(feed), {"body": body}, "json")
        assert response.status_code == 201, response.content
    assert LiveEntry.objects.count() == 2


@pytest.mark.parametrize("html", NOTHING_TO_SEE.values(), ids=NOTHING_TO_SEE)
def test_the_console_refuses_an_entry_with_nothing_to_see(admin_client, feed, html):
    url = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    data = nested_form_data(
        {
            "headline": "Kept",
            "body": streamfield([("paragraph", rich_text(html))]),
            "action": "publish",
        }
    )
    with nothing_saved():
        response = admin_client.post(url, data)
    assert response.status_code == 200
    assert EMPTY in str(response.context["form"].errors["body"])
    assert 'value="Kept"' in response.content.decode()
