"""``check_newsfeed_content`` reads what is stored, not what Wagtail makes of it: a body Wagtail
cannot load at all (not a list, items without a type), blocks Wagtail drops without a word
(an unknown type) and bodies over the write validator's caps are each listed, and the command
fails; readers, the console and the API keep answering for such rows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from tests import factories
from tests.shared_newsroom import feed, news_index, newsroom, superuser  # noqa: F401
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

#: Stored JSON Wagtail's StreamField cannot load, and the line the command reports for it.
UNLOADABLE = {
    "an object": ('{"type": "paragraph", "value": "x"}', "body: Expected a list of blocks."),
    "a number": ("42", "body: Expected a list of blocks."),
    "items that are not blocks": (
        '[1, "x", null, [1]]',
        "body[0]: Expected an object with `type` and `value`.",
    ),
    "a block without a type": (
        '[{"value": "x"}]',
        "body[0]: Expected an object with `type` and `value`.",
    ),
}


def store_raw(model, pk: int, text: str) -> None:
    table, key = model._meta.db_table, model._meta.pk.column
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET body = %s{cast} WHERE {key} = %s", [text, pk])


def run_check() -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_newsfeed_content", stdout=out)
    return out.getvalue(), str(raised.value)


@pytest.mark.parametrize("kind", list(UNLOADABLE))
def test_an_entry_wagtail_cannot_load_is_listed(feed, superuser, kind):
    text, line = UNLOADABLE[kind]
    good = factories.make_entry(feed, superuser)
    entry = factories.make_entry(feed, superuser)
    store_raw(LiveEntry, entry.pk, text)
    report, error = run_check()
    assert f"live entry {entry.pk} (feed {feed.pk}): {line}" in report.splitlines()
    assert f"live entry {good.pk} " not in report
    assert error.startswith(f"{len(report.splitlines())} problem(s) found.")


@pytest.mark.parametrize("kind", list(UNLOADABLE))
def test_an_article_wagtail_cannot_load_is_listed(news_index, kind):
    text, line = UNLOADABLE[kind]
    article = factories.make_article(news_index, "Damaged")
    store_raw(NewsArticlePage, article.pk, text)
    report, _error = run_check()
    assert f"article {article.pk} ('Damaged'): {line}" in report.splitlines()


def test_every_item_that_is_not_a_block_is_listed(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    store_raw(LiveEntry, entry.pk, '[1, "x", null, [1]]')
    report, error = run_check()
    label = f"live entry {entry.pk} (feed {feed.pk})"
    lines = [f"{label}: body[{i}]: Expected an object with `type` and `value`." for i in range(4)]
    assert report.splitlines() == lines
    assert error.startswith("4 problem(s) found.")


def test_an_unknown_block_type_is_listed(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    body = [
        {"type": "paragraph", "value": "<p>ok</p>", "id": "a"},
        {"type": "nonexistent", "value": 1},
    ]
    store_raw(LiveEntry, entry.pk, json.dumps(body))
    report, _error = run_check()
    (line,) = report.splitlines()
    assert line.startswith(
        f"live entry {entry.pk} (feed {feed.pk}): body[1]: Unknown block type 'nonexistent'"
    )


def test_more_blocks_than_the_cap_are_listed(feed, superuser, settings):
    entry = factories.make_entry(feed, superuser)
    body = [{"type": "paragraph", "value": f"<p>{i}</p>", "id": f"b{i}"} for i in range(600)]
    store_raw(LiveEntry, entry.pk, json.dumps(body))
    report, _error = run_check()
    assert report.splitlines() == [
        f"live entry {entry.pk} (feed {feed.pk}): body: A body may hold at most 500 blocks."
    ]


def test_a_body_over_the_byte_cap_is_listed(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    body = [{"type": "paragraph", "value": "<p>" + "x" * 400_000 + "</p>", "id": "big"}]
    store_raw(LiveEntry, entry.pk, json.dumps(body))
    report, _error = run_check()
    size = len(json.dumps(body, ensure_ascii=False).encode())
    assert report.splitlines() == [
        f"live entry {entry.pk} (feed {feed.pk}): body: The body is {size:,} bytes; "
        "the most it may be is 64,000 bytes."
    ]


def test_an_article_may_be_larger_than_an_entry(news_index):
    article = factories.make_article(news_index, "Long")
    body = [{"type": "paragraph", "value": "<p>" + "x" * 100_000 + "</p>", "id": "big"}]
    store_raw(NewsArticlePage, article.pk, json.dumps(body))
    out = StringIO()
    call_command("check_newsfeed_content", stdout=out)
    assert "No problems found" in out.getvalue()


#: Wagtail's StreamField.from_db_value raises on these before any of this package's code runs;
#: tolerating them needs a change to the models' body field (not made yet).
@pytest.mark.parametrize("kind", list(UNLOADABLE))
def test_readers_the_console_and_the_api_survive_unloadable_entries(
    client, admin_client, feed, superuser, kind
):
    factories.make_entry(feed, superuser, headline="Still here")
    entry = factories.make_entry(feed, superuser, headline="Damaged")
    store_raw(LiveEntry, entry.pk, UNLOADABLE[kind][0])
    assert client.get(feed.url).status_code == 200
    assert admin_client.get(f"/admin/newsfeed/feeds/{feed.pk}/console/").status_code == 200
    api = APIClient()
    assert api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/").status_code == 200
    assert api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{entry.pk}/").status_code == 200


@pytest.mark.parametrize("kind", list(UNLOADABLE))
def test_readers_and_the_api_survive_unloadable_articles(client, news_index, kind):
    article = factories.make_article(news_index, "Damaged")
    store_raw(NewsArticlePage, article.pk, UNLOADABLE[kind][0])
    assert client.get(article.url).status_code == 200
    assert APIClient().get(f"/api/newsfeed/v1/articles/{article.pk}/").status_code == 200
