"""Text-like block fields and ids, as the write validator and text summaries read them: a number or
``true``/``false`` where text is expected is refused with its block path (never a Python error), an
id has one spelling (no leading zero, or Wagtail's link rewriter cannot find it), stored values
of either kind are reported without keeping the block from the editor, and a heading adds only
its words to summaries."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import checks, factories
from tests.shared_newsroom import feed, news_index, newsroom, superuser  # noqa: F401
from wagtail_newsfeed import rendering, stored_bodies
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

TEXT = "Expected text, not a number or true/false."


def post(client, feed, body, **fields):
    return client.post(
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
        {"headline": "Scalars", "body": body, **fields},
        "json",
    )


def refused(superuser, feed, body) -> list[str]:
    """The API's messages for ``body``, checked to be a 400 that saved nothing."""
    client = checks.api_client_for(superuser)
    with checks.nothing_saved():
        response = post(client, feed, body)
    checks.assert_problem(response, 400, "body")
    return response.json()["errors"]["body"]


def store(entry: LiveEntry, body: list) -> LiveEntry:
    """``body`` as stored JSON, past every check (as an old import would have written it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LiveEntry._meta.db_table} SET body = %s WHERE id = %s",
            [json.dumps(body), entry.pk],
        )
    return LiveEntry.objects.get(pk=entry.pk)


# Scalars where text is expected -------------------------------------------------------------


@pytest.mark.parametrize("value", [123, True, 1.5, 0])
def test_an_embed_that_is_not_text_is_refused_with_its_path(feed, superuser, value, caplog):
    with caplog.at_level(logging.ERROR, logger="wagtail_newsfeed"):
        messages = refused(superuser, feed, [{"type": "embed", "value": {"embed": value}}])
    assert messages == [f"body[0].embed: {TEXT}"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("block", "path"),
    [
        ({"type": "heading", "value": {"text": 5, "level": "h2"}}, "body[0].text"),  # CharBlock
        ({"type": "heading", "value": {"text": "Hi", "level": 2}}, "body[0].level"),  # Choice
        ({"type": "quote", "value": {"text": False}}, "body[0].text"),  # TextBlock
        ({"type": "key_points", "value": {"points": ["ok", 7]}}, "body[0].points[1]"),
        (
            {"type": "timeline", "value": {"events": [{"when": 9.5, "title": "t"}]}},
            "body[0].events[0].when",
        ),
        ({"type": "image", "value": {"image": None, "caption": 1}}, "body[0].caption"),
    ],
)
def test_a_number_in_any_text_field_is_refused_with_its_path(feed, superuser, block, path):
    assert f"{path}: {TEXT}" in refused(superuser, feed, [block])


def test_text_still_passes_and_numbers_in_choosers_are_ids(feed, superuser):
    client = checks.api_client_for(superuser)
    body = [
        {"type": "heading", "value": {"text": "Polls close", "level": "h3"}},
        {"type": "source_credit", "value": {"source": factories.make_source().pk, "note": ""}},
    ]
    assert post(client, feed, body).status_code == 201


def test_a_stored_number_in_a_text_field_is_reported_but_opens_in_the_editor(feed, superuser):
    entry = store(
        factories.make_entry(feed, superuser),
        [{"type": "heading", "value": {"text": 2024, "level": "h2"}, "id": "h"}],
    )
    problems = stored_bodies.body_problems(entry.body)
    assert problems == [stored_bodies.BodyProblem(0, f"body[0].text: {TEXT}", damaged=False)]
    repaired, left_out = stored_bodies.repair_body(entry.body)
    assert left_out == [] and [child.id for child in repaired] == ["h"]


# Ids have one spelling ------------------------------------------------------------------------


def test_a_link_id_with_a_leading_zero_is_refused_with_its_path(feed, superuser, news_index):
    link = f'<p><a linktype="page" id="0{news_index.pk}">lead zero</a></p>'
    messages = refused(
        superuser,
        feed,
        [
            {"type": "paragraph", "value": link},
            {"type": "fact_box", "value": {"title": "Box", "body": link}},
        ],
    )
    expected = (
        f"A link to a page has an id with a leading zero ('0{news_index.pk}'); "
        f"write {news_index.pk}."
    )
    assert messages == [f"body[0]: {expected}", f"body[1].body: {expected}"]


def test_a_chooser_id_with_a_leading_zero_is_refused_with_its_path(feed, superuser):
    source = factories.make_source()
    body = [{"type": "source_credit", "value": {"source": f"0{source.pk}"}}]
    assert refused(superuser, feed, body) == [
        f"body[0].source: Source has an id with a leading zero ('0{source.pk}'); write {source.pk}."
    ]


def test_a_stored_link_id_with_a_leading_zero_is_reported(feed, superuser, news_index):
    link = f'<p><a linktype="page" id="0{news_index.pk}">lead zero</a></p>'
    entry = store(
        factories.make_entry(feed, superuser), [{"type": "paragraph", "value": link, "id": "p"}]
    )
    (problem,) = stored_bodies.body_problems(entry.body)
    assert problem.message.startswith("body[0]: A link to a page has an id with a leading zero")
    assert not problem.damaged  # the editor opens it and writes the id its own way
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_newsfeed_content", stdout=out)
    assert f"live entry {entry.pk} (feed {feed.pk}): body[0]: A link to a page" in out.getvalue()


# Summaries ------------------------------------------------------------------------------------


def test_a_heading_adds_only_its_words_to_summaries_and_feeds(client, feed, superuser):
    body = [
        {"type": "heading", "value": {"text": "Polls close", "level": "h3"}},
        {"type": "table", "value": {"data": [["a"]]}},
    ]
    entry = factories.make_entry(feed, superuser, body=body)
    assert rendering.body_text_parts(entry.body) == ["Polls close", "a"]
    rss = client.get(f"/newsfeed/feeds/live/{feed.pk}.rss").content.decode()
    assert "<description>Polls close a</description>" in rss
    page = client.get(feed.url).content.decode()
    assert '"articleBody": "Polls close a"' in page
    assert "Sub-heading" not in rss + page
