"""Rich text stored in the shape the editor gives it back: block elements nested in a paragraph
(which browsers and Draftail both take apart) are taken apart on write, so an entry written by
the API and saved unchanged in the console stays as it is; stored rows written before are
reported by ``check_newsfeed_content``."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Revision
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import api_client_for, nothing_saved
from wagtail_newsfeed import rich_text as rich_text_rules
from wagtail_newsfeed.blocks import RICH_TEXT_FEATURES
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

#: Sent -> stored, for a paragraph block (lists allowed, headings not).
SHAPES = {
    "a paragraph in a paragraph": ("<p><p>y</p></p>", "<p>y</p>"),
    "three deep": ("<p><p><p>y</p></p></p>", "<p>y</p>"),
    "text around it": ("<p>x<p>y</p>z</p>", "<p>x</p><p>y</p><p>z</p>"),
    "blank around it": ("<p> <p>y</p>\n</p>", "<p>y</p>"),
    "inline markup kept": ("<p><b>x</b><p>y</p></p>", "<p><b>x</b></p><p>y</p>"),
    "a list in a paragraph": (
        "<p>x<ul><li>a</li></ul>z</p>",
        "<p>x</p><ul><li>a</li></ul><p>z</p>",
    ),
    "a list item in a paragraph": ("<p><li>a</li></p>", "<p>a</p>"),
    "a stray list item holding a paragraph": ("<p>x<li><p>a</p></li></p>", "<p>x</p><p>a</p>"),
    "a paragraph in a list item": ("<ul><li><p>a</p></li></ul>", "<ul><li>a</li></ul>"),
    "two in a list item": ("<ol><li><p>a</p><p>b</p></li></ol>", "<ol><li>a<br/>b</li></ol>"),
    "a blank one in a list item": ("<ul><li>a<p> </p></li></ul>", "<ul><li>a</li></ul>"),
    "only empty paragraphs": ("<p><p></p></p><p>y</p>", "<p>y</p>"),
    "a nested list stays": (
        "<ul><li>a<ul><li>b</li></ul></li></ul>",
        "<ul><li>a<ul><li>b</li></ul></li></ul>",
    ),
    "an empty paragraph typed stays": ("<p>a</p><p></p><p>b</p>", "<p>a</p><p></p><p>b</p>"),
    "a horizontal line between paragraphs stays": (
        '<p>a</p><hr class="wp-block-separator" onclick="x()"><p>b</p>',
        "<p>a</p><hr/><p>b</p>",
    ),
    "a line in a paragraph splits it": ("<p>a<hr>b</p>", "<p>a</p><hr/><p>b</p>"),
    "a line in a list item is a line break": (
        "<ul><li>a<hr/>b</li></ul>",
        "<ul><li>a<br/>b</li></ul>",
    ),
    "a line in inline markup is a line break": ("<p><b>a<hr/>b</b></p>", "<p><b>a<br/>b</b></p>"),
    "superscript stays, without attributes": (
        '<p>E=mc<sup onclick="x()" class="big">2</sup></p>',
        "<p>E=mc<sup>2</sup></p>",
    ),
}


def editor_round_trip(html: str, features: list[str]) -> str:
    """``html`` opened in Draftail and saved unchanged (Wagtail's own converter), without the
    block keys the editor adds."""
    converter = ContentstateConverter(features)
    saved = converter.to_database_format(converter.from_database_format(html))
    return re.sub(r' data-block-key="[^"]*"', "", saved)


@pytest.mark.parametrize(("sent", "stored"), SHAPES.values(), ids=SHAPES.keys())
def test_blocks_nested_in_paragraphs_are_stored_as_the_editor_gives_them_back(sent, stored):
    assert rich_text_rules.sanitise(sent, RICH_TEXT_FEATURES) == stored
    assert rich_text_rules.sanitise(stored, RICH_TEXT_FEATURES) == stored
    assert editor_round_trip(stored, RICH_TEXT_FEATURES) == stored


def test_inline_styles_are_kept_where_their_feature_is_on_and_only_there():
    sent = "<p>H<sub>2</sub>O <s>old</s> <code>x</code></p>"
    on = ["subscript", "strikethrough", "code"]
    assert rich_text_rules.sanitise(sent, on) == sent
    assert editor_round_trip(sent, on) == sent
    assert rich_text_rules.sanitise(sent, ["bold"]) == "<p>H2O old x</p>"


def test_superscript_written_in_the_console_reaches_readers(admin_client, client, feed):
    blocks = [("paragraph", rich_text("<p>E=mc<sup>2</sup></p>", features=RICH_TEXT_FEATURES))]
    data = nested_form_data({"headline": "", "body": streamfield(blocks)})
    data["action"] = "publish"
    response = admin_client.post(reverse("wagtail_newsfeed_console:console", args=[feed.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert "<sup>2</sup>" in LiveEntry.objects.get().body.raw_data[0]["value"]
    assert "E=mc<sup>2</sup>" in client.get(feed.url).content.decode()


def test_a_heading_in_a_paragraph_becomes_a_heading_between_paragraphs():
    features = ["h2", "bold"]
    stored = rich_text_rules.sanitise("<p>a<h2>t</h2>b</p><h2><p>u</p></h2>", features)
    assert stored == "<p>a</p><h2>t</h2><p>b</p><p>u</p>"
    assert editor_round_trip(stored, features) == stored


def entries_url(feed) -> str:
    return reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])


def test_the_api_stores_a_paragraph_in_a_paragraph_as_one_paragraph(feed, superuser):
    body = [{"type": "paragraph", "value": "<p><p>y</p></p>"}]
    response = api_client_for(superuser).post(entries_url(feed), {"body": body}, "json")
    assert response.status_code == 201, response.content
    assert response.json()["body"][0]["value"] == "<p>y</p>"
    assert LiveEntry.objects.get().body.raw_data[0]["value"] == "<p>y</p>"


def console_resave(entry: LiveEntry) -> dict:
    """The console's edit form for ``entry`` as the editor would send it back untouched."""
    blocks = [
        ("paragraph", rich_text(block.value.source, features=RICH_TEXT_FEATURES))
        for block in entry.body
    ]
    data = nested_form_data(
        {"headline": entry.headline, "body": streamfield(blocks), "expected_version": entry.version}
    )
    data["action"] = "publish"
    return data


def test_an_api_entry_saved_unchanged_in_the_console_is_no_edit(admin_client, feed, superuser):
    html = "<p>x<p>y</p><ul><li><p>a</p></li></ul></p>"
    body = [{"type": "paragraph", "value": html}]
    created = api_client_for(superuser).post(entries_url(feed), {"body": body}, "json")
    assert created.status_code == 201, created.content
    entry = LiveEntry.objects.get()
    edit = reverse("wagtail_newsfeed_console:edit", args=[feed.pk, entry.pk])
    assert admin_client.get(edit).status_code == 200
    revisions = Revision.objects.count()

    with nothing_saved():
        response = admin_client.post(edit, console_resave(entry))

    assert response.status_code == 302, response.context["form"].errors
    assert Revision.objects.count() == revisions
    assert LiveEntry.objects.get().version == entry.version


def test_the_check_command_reports_a_paragraph_stored_in_a_paragraph(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    LiveEntry.objects.filter(pk=entry.pk).update(
        body=[{"type": "paragraph", "value": "<p><p>y</p></p>", "id": "old"}]
    )
    assert LiveEntry.objects.get().body.raw_data[0]["value"] == "<p><p>y</p></p>"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_newsfeed_content", stdout=out)
    assert f"live entry {entry.pk} (feed {feed.pk}): body[0]: holds markup" in out.getvalue()
