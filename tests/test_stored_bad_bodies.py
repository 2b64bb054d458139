"""A stored body that cannot render (written before the write validator existed, or straight into
the database) never takes a page down: readers skip the broken block, editors see a placeholder,
every surface keeps answering, and ``check_newsfeed_content`` finds it."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from tests import factories
from tests.shared_newsroom import feed, news_index, newsroom, superuser  # noqa: F401
from wagtail_newsfeed import delta
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

GOOD = {"type": "paragraph", "value": "<p>Still here</p>", "id": "good"}

BROKEN = {
    "page link id not a number": {
        "type": "paragraph",
        "value": '<p>x <a linktype="page" id="abc">bad</a></p>',
    },
    "page link id too large": {
        "type": "paragraph",
        "value": f'<p><a linktype="page" id="{"9" * 30}">bad</a></p>',
    },
    "document link id not a number": {
        "type": "paragraph",
        "value": '<p><a linktype="document" id="x1">doc</a></p>',
    },
    "nested rich text with a bad link": {
        "type": "fact_box",
        "value": {"title": "Box", "body": '<p><a linktype="page" id="-1">x</a></p>'},
    },
    "rich text the editor cannot open": {
        "type": "paragraph",
        "value": "<p>Intro</p><b><p>Bold paragraph</p></b>",
    },
    "table rows that are not lists": {"type": "table", "value": {"data": [1, 2]}},
    "table cell meta without coordinates": {
        "type": "table",
        "value": {"data": [["a"]], "cell": [{"className": "x"}], "table_header_choice": "row"},
    },
    "table merge without spans": {
        "type": "table",
        "value": {"data": [["a", "b"]], "mergeCells": [{"row": 0, "col": 0}]},
    },
    "image id too large": {"type": "image", "value": {"image": 10**30}},
    "struct value that is a list": {"type": "heading", "value": ["x"]},
    "timeline events that are not a list": {"type": "timeline", "value": {"events": 5}},
}


def store(model, pk: int, body: list) -> None:
    """Write ``body`` as stored JSON, bypassing every check (as old data or a bad import would)."""
    table, key = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET body = %s WHERE {key} = %s", [json.dumps(body), pk])


@pytest.fixture(params=list(BROKEN), ids=list(BROKEN))
def broken_entry(request, feed, superuser):
    entry = factories.make_entry(feed, superuser, headline="Broken one")
    store(LiveEntry, entry.pk, [{**BROKEN[request.param], "id": "bad"}, GOOD])
    return LiveEntry.objects.get(pk=entry.pk)


def test_live_page_keeps_working_for_readers(client, feed, broken_entry):
    response = client.get(feed.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Still here" in html and "Broken one" in html
    assert "newsfeed-broken-block" not in html


def test_a_block_that_cannot_render_is_logged_and_left_out(client, feed, superuser, caplog):
    entry = factories.make_entry(feed, superuser)
    store(LiveEntry, entry.pk, [{**BROKEN["page link id not a number"], "id": "bad"}, GOOD])
    with caplog.at_level(logging.ERROR, logger="wagtail_newsfeed"):
        html = client.get(feed.url).content.decode()
    assert "Still here" in html and ">bad</a>" not in html
    assert any("body[0] (paragraph) cannot be rendered" in r.getMessage() for r in caplog.records)
    api = APIClient().get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{entry.pk}/").json()
    assert [block["id"] for block in api["body"]] == ["good"]


def test_fragments_api_and_delta_keep_working(feed, broken_entry):
    api = APIClient()
    fragments = api.get(f"/newsfeed/live/{feed.pk}/fragments/", {"ids": broken_entry.pk})
    assert fragments.status_code == 200
    assert "Still here" in fragments.json()["entries"][str(broken_entry.pk)]

    listed = api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/")
    assert listed.status_code == 200
    (entry,) = listed.json()["results"]
    assert "good" in [block["id"] for block in entry["body"]]

    delta = api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", {"since": _start(feed)})
    assert delta.status_code == 200
    assert "good" in [block["id"] for block in delta.json()["results"][0]["body"]]

    assert api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/").status_code == 200
    detail = api.get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{broken_entry.pk}/")
    assert detail.status_code == 200


def test_syndication_keeps_working(client, feed, broken_entry):
    for fmt in ("rss", "atom"):
        response = client.get(f"/newsfeed/feeds/live/{feed.pk}.{fmt}")
        assert response.status_code == 200
        assert b"Still here" in response.content


def test_console_keeps_working(admin_client, feed, broken_entry):
    response = admin_client.get(f"/admin/newsfeed/feeds/{feed.pk}/console/")
    assert response.status_code == 200
    assert "Still here" in response.content.decode()
    partial = admin_client.get(f"/admin/newsfeed/feeds/{feed.pk}/console/", {"partial": "entries"})
    assert partial.status_code == 200


def test_console_shows_editors_a_placeholder(admin_client, feed, superuser):
    entry = factories.make_entry(feed, superuser)
    store(LiveEntry, entry.pk, [{**BROKEN["table rows that are not lists"], "id": "bad"}, GOOD])
    html = admin_client.get(f"/admin/newsfeed/feeds/{feed.pk}/console/").content.decode()
    assert "newsfeed-broken-block" in html and "Block 0 (table) cannot be shown" in html


def test_a_broken_entry_can_still_be_pinned_unpublished_and_deleted(
    admin_client, feed, broken_entry
):
    base = f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{broken_entry.pk}"

    def shown():  # the version the console's forms send
        return {"expected_version": LiveEntry.objects.get(pk=broken_entry.pk).version}

    for action in ("pin", "unpublish", "publish"):
        assert admin_client.post(f"{base}/{action}/", shown()).status_code == 302
    stored = LiveEntry.objects.get(pk=broken_entry.pk)
    assert stored.is_pinned and stored.status == LiveEntry.Status.PUBLISHED
    assert admin_client.post(f"{base}/delete/", shown()).status_code == 302
    assert LiveEntry.objects.get(pk=broken_entry.pk).deleted_at is not None


def test_entry_edit_views_open_and_say_what_was_left_out(admin_client, feed, broken_entry):
    edit = admin_client.get(
        f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{broken_entry.pk}/edit/"
    )
    assert edit.status_code == 200
    assert "could not be shown" in edit.content.decode()
    listed = admin_client.get(f"/admin/wagtail_newsfeed/liveentry/edit/{broken_entry.pk}/")
    assert listed.status_code == 302  # the Newsroom list edits entries in the console
    assert listed["Location"].endswith(f"/console/entries/{broken_entry.pk}/edit/")


def test_article_page_and_api_keep_working(client, news_index):
    article = factories.make_article(news_index, "Broken article")
    store(NewsArticlePage, article.pk, [BROKEN["page link id not a number"], GOOD])
    assert client.get(article.url).status_code == 200
    api = APIClient().get(f"/api/newsfeed/v1/articles/{article.pk}/")
    assert api.status_code == 200
    assert [block["id"] for block in api.json()["body"]] == ["good"]
    assert client.get("/newsfeed/feeds/latest.rss").status_code == 200


def test_check_command_reports_broken_entries_and_articles(feed, news_index, broken_entry):
    article = factories.make_article(news_index, "Broken article")
    store(NewsArticlePage, article.pk, [BROKEN["table rows that are not lists"]])
    out = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("check_newsfeed_content", stdout=out)
    report = out.getvalue()
    assert f"live entry {broken_entry.pk}" in report
    assert f"article {article.pk}" in report
    assert "body[0]" in report


def test_check_command_is_quiet_and_succeeds_on_good_content(feed, news_index, superuser):
    factories.make_entry(feed, superuser)
    factories.make_article(news_index)
    out = StringIO()
    call_command("check_newsfeed_content", stdout=out)
    assert "No problems found" in out.getvalue()


def _start(feed) -> str:
    return delta.encode_cursor(feed, 0)


@pytest.mark.parametrize(
    "html",
    [
        "<p><img src=x onerror=alert(1)></p>",
        "<p>Hi<![CDATA[><script>alert(1)</script>]]></p>",
        "<p>Hi<?x <b>?></p>",
    ],
)
def test_check_command_reports_markup_the_editor_cannot_write(feed, superuser, html):
    entry = factories.make_entry(feed, superuser)
    store(LiveEntry, entry.pk, [{"type": "paragraph", "value": html}])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_newsfeed_content", stdout=out)
    assert f"live entry {entry.pk} (feed {feed.pk}): body[0]: holds markup" in out.getvalue()


@pytest.mark.parametrize(
    "kind",
    [
        "page link id not a number",
        "table rows that are not lists",
        "rich text the editor cannot open",
    ],
)
def test_the_page_editor_opens_an_article_with_a_damaged_body(admin_client, news_index, kind):
    article = factories.make_article(news_index, "Damaged")
    store(NewsArticlePage, article.pk, [BROKEN[kind], GOOD])
    response = admin_client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
