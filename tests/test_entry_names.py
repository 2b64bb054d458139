"""Entries are called by names people recognise: the headline, else the first words of the body
and the display time, in messages, the feed's history and lists; never "Entry 3"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry
from wagtail_newsfeed.names import entry_name, first_words

pytestmark = pytest.mark.django_db

#: 19:05 UTC is 14:05 in the test settings' time zone (America/New_York, winter).
WHEN = datetime(2026, 12, 1, 19, 5, tzinfo=UTC)


def make(feed, body, headline=""):
    return factories.make_entry(feed, body=body, headline=headline, display_time=WHEN)


def test_a_headline_is_the_name(feed):
    assert str(make(feed, factories.paragraph("Text."), headline="Polls close")) == "Polls close"


def test_without_a_headline_the_first_eight_words_and_the_local_time_name_it(feed):
    entry = make(
        feed, factories.paragraph("Turnout passed 60 percent in the capital, officials say.")
    )
    assert str(entry) == "Turnout passed 60 percent in the capital, officials… (1 Dec, 14:05)"


def test_short_text_is_not_given_an_ellipsis(feed):
    assert (
        str(make(feed, factories.paragraph("Polls are open."))) == "Polls are open. (1 Dec, 14:05)"
    )


def test_markup_and_entities_are_not_part_of_the_name(feed):
    body = [{"type": "paragraph", "value": "<p><b>Fish</b> &amp; <i>chips</i>&nbsp;now</p>"}]
    assert str(make(feed, body)) == "Fish & chips now (1 Dec, 14:05)"


def test_the_first_block_with_text_names_it_whatever_its_type(feed):
    image = factories.make_image()
    body = [
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": ""}},
        {"type": "quote", "value": {"text": "We will win this.", "attribution": "A candidate"}},
        {"type": "paragraph", "value": "<p>Later text.</p>"},
    ]
    assert str(make(feed, body)) == "We will win this. (1 Dec, 14:05)"


@pytest.mark.parametrize(
    "block,name",
    [
        (
            {"type": "heading", "value": {"text": "<script>alert(1)</script>", "level": "h2"}},
            "<script>alert(1)</script>",
        ),
        ({"type": "quote", "value": {"text": '"Q" & <A>', "attribution": ""}}, '"Q" & <A>'),
        (
            {"type": "heading", "value": {"text": "Fish &amp; chips", "level": "h2"}},
            "Fish &amp; chips",
        ),
    ],
)
def test_plain_text_blocks_name_it_as_the_editor_typed_them(feed, block, name):
    """A heading or quote is text, not HTML: what looks like a tag or an entity is its text."""
    assert str(make(feed, [block])) == f"{name} (1 Dec, 14:05)"


def test_key_points_are_read_from_their_list_items(feed):
    points = [{"type": "item", "value": "First point here", "id": "a"}]
    assert first_words([{"type": "key_points", "value": {"title": "", "points": points}}]) == (
        "First point here"
    )


def test_an_entry_without_any_text_is_named_by_its_time(feed):
    image = factories.make_image()
    body = [{"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": ""}}]
    assert str(make(feed, body)) == "Entry of 1 Dec, 14:05"


def test_one_endless_word_makes_a_name_of_bounded_length(feed):
    entry = make(feed, factories.paragraph("https://example.org/" + "a" * 5_000 + " and more"))

    name = str(entry)

    assert name.endswith("… (1 Dec, 14:05)")
    assert len(name) <= 80 + len(" (1 Dec, 14:05)")


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",
        "\u200b\u200d\u2060",
        "\u202e\u200f",
        "\u3000 \u00a0",
        "\u0301\u0301\u0301",  # combining marks with nothing to combine with
        "\u2800",  # Braille blank
        "\u3164\u115f",  # Hangul fillers
    ],
)
def test_invisible_text_is_not_a_name(feed, invisible):
    body = factories.paragraph(invisible) + factories.paragraph("Polls are open.")

    assert str(make(feed, body)) == "Polls are open. (1 Dec, 14:05)"
    assert str(make(feed, factories.paragraph("Polls are open."), headline=invisible)) == (
        "Polls are open. (1 Dec, 14:05)"
    )


@pytest.mark.parametrize(
    "raw",
    [None, "text", 42, [None, 1, "x"], [{"type": "paragraph"}], [{"value": {"text": ["a"] * 3}}]],
)
def test_hostile_stored_bodies_give_a_name_not_an_error(raw):
    assert isinstance(first_words(raw), str)


def test_deeply_nested_values_are_not_followed_forever():
    value: object = "deep text"
    for _ in range(500):
        value = {"text": value}
    assert first_words([{"type": "x", "value": value}]) == ""


def test_an_unsaved_entry_has_a_name(feed):
    assert entry_name(LiveEntry(feed=feed, body=[], display_time=None)) == "New entry"


def test_history_names_the_entry_as_it_read_when_logged(admin_client, feed, superuser):
    entry = make(feed, factories.paragraph("Counting has begun in the north."))
    entry_rules.update_entry(entry, superuser, body=factories.paragraph("Counting is over."))

    response = admin_client.get(reverse("wagtailadmin_pages:history", args=[feed.pk]))

    assert "Published entry &#x27;Counting has begun in the north. (1 Dec, 14:05)" in response.text
    assert "Edited entry &#x27;Counting is over. (1 Dec, 14:05)&#x27;" in response.text
    assert f"entry {entry.pk}&#x27;" not in response.text.lower()


def test_history_of_entries_logged_before_names_still_reads(admin_client, feed, superuser):
    PageLogEntry.objects.log_action(
        feed, "wagtail_newsfeed.entry.publish", user=superuser, data={"entry": {"id": 7}}
    )
    response = admin_client.get(reverse("wagtailadmin_pages:history", args=[feed.pk]))
    assert "Published entry &#x27;entry 7&#x27;" in response.text


def test_console_messages_name_the_entry(admin_client, feed):
    entry = make(feed, factories.paragraph("Results from the east are in."))
    url = reverse("wagtail_newsfeed_console:action", args=[feed.pk, entry.pk, "unpublish"])
    response = admin_client.post(url, {"expected_version": entry.version}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Results from the east are in. (1 Dec, 14:05)" in html
    assert f"Entry {entry.pk}" not in html


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2067", "\u2066\u202d"])
def test_a_direction_override_cannot_turn_the_rest_of_a_message_around(feed, control):
    assert str(make(feed, factories.paragraph(f"{control}Polls open"))) == (
        "Polls open (1 Dec, 14:05)"
    )
    assert str(make(feed, factories.paragraph("x"), headline=f"{control}Count")) == "Count"
