"""Every block's widget in the admin, in headless Chromium: each renders from its stored value,
and saving without touching it keeps it. A widget whose script could not read its value showed
"This widget failed to render" and the block was dropped on save (the source credit's select)."""

from __future__ import annotations

import pytest
from django.utils.html import strip_tags
from wagtail.models import Page

from tests import factories
from tests.browser.admin import log_in
from tests.test_api_schema import every_block_body
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

FAILED = "This widget failed to render"
BODY_EDITOR = "[data-newsfeed-composer] [contenteditable=true]"


@pytest.fixture
def index(live_server):
    factories.make_superuser("editor")
    return factories.make_index(title="News")


def open_as_editor(chromium, live_server, path):
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}{path}")
    return context, page, errors


def block_values(body):
    """Each block's type and value; rich text (which Draftail writes back with its attributes in
    another order) by its words, unset values as blank."""
    values = []
    for block in body:
        value = block.get_prep_value()["value"]
        if block.block_type == "paragraph":
            value = strip_tags(value)
        elif block.block_type == "fact_box":
            value = {**value, "body": strip_tags(value["body"])}
        values.append((block.block_type, unset_as_blank(value)))
    return values


def unset_as_blank(value):
    """An optional text the fixture left unset is saved back blank, as the editor sends it; list
    items by their values (the fixture's list had no item ids)."""
    if isinstance(value, dict):
        return {key: unset_as_blank(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [unset_as_blank(item) for item in value]
    return "" if value is None else value


def test_the_page_editor_keeps_every_block_it_did_not_touch(chromium, live_server, index):
    article = factories.make_article(index, "Every block", body=every_block_body(index))
    before = block_values(article.body)
    context, page, errors = open_as_editor(
        chromium, live_server, f"/admin/pages/{article.pk}/edit/"
    )
    page.get_by_text("Every block").first.wait_for()
    page.locator("[data-contentpath=body]").first.wait_for()
    assert page.get_by_text(FAILED).count() == 0
    # The source credit's select shows the stored source.
    source = page.locator("select[name$='-value-source']").first
    assert source.input_value() == str(before[12][1]["source"])

    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("has been updated").first.wait_for()
    saved = Page.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert block_values(saved.body) == before
    assert errors == []
    context.close()


def test_the_console_editor_keeps_every_block_it_did_not_touch(chromium, live_server, index):
    feed = factories.make_feed(index, "Storm live")
    editor = factories.make_superuser("other")
    entry = factories.make_entry(feed, editor, body=every_block_body(index))
    before = block_values(entry.body)
    context, page, errors = open_as_editor(
        chromium, live_server, f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{entry.pk}/edit/"
    )
    page.locator("select[name$='-value-source']").first.wait_for(state="attached")
    assert page.get_by_text(FAILED).count() == 0
    page.locator("input[name=headline]").fill("Storm update")
    page.locator("input[name=headline]").press("Control+Enter")
    page.get_by_text("updated").first.wait_for()
    entry = LiveEntry.objects.get(pk=entry.pk)
    assert entry.headline == "Storm update"
    assert block_values(entry.body) == before
    assert errors == []
    context.close()
