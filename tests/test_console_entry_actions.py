"""The console's per-entry buttons and links say which entry they act on: a screen reader user
tabbing through fifty "Edit, Pin, Delete" would otherwise not know whose they are."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def console(feed):
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def controls_of(html: str, entry_id: int) -> dict[str, str]:
    """The visible text of each button and link of one entry's actions, with its aria-label."""
    item = html.split(f'id="console-entry-{entry_id}"', 1)[1].split("</li>", 1)[0]
    actions = item.split('class="newsfeed-console__actions"', 1)[1]
    controls = re.findall(r"<(?:a|button)\b([^>]*)>(.*?)</(?:a|button)>", actions, re.S)
    labels = {}
    for attributes, text in controls:
        label = re.search(r'aria-label="([^"]*)"', attributes)
        labels[text.strip()] = unescape(label.group(1)) if label else ""
    return labels


def test_each_entry_action_is_named_after_its_entry(admin_client, feed):
    """The name starts with the visible label (speech users say what they see), then the
    entry's name ("first words… (time)" without a headline), one translatable message each."""
    draft = factories.make_entry(
        feed, text="Polls close at <10> & counting starts.", status="draft"
    )
    flagged = factories.make_entry(
        feed, headline='Result "declared"', is_pinned=True, is_key_event=True
    )

    html = admin_client.get(console(feed)).content.decode()

    name = str(draft)
    assert name.startswith("Polls close at <10> & counting starts. (")
    assert controls_of(html, draft.pk) == {
        "Edit": f"Edit “{name}”",
        "Publish": f"Publish “{name}”",
        "Pin": f"Pin “{name}”",
        "Mark key event": f"Mark key event: “{name}”",
        "Delete": f"Delete “{name}”",
    }
    assert controls_of(html, flagged.pk) == {
        "Edit": 'Edit “Result "declared"”',
        "Unpublish": 'Unpublish “Result "declared"”',
        "Unpin": 'Unpin “Result "declared"”',
        "Not a key event": 'Not a key event: “Result "declared"”',
        "Delete": 'Delete “Result "declared"”',
    }
    # The name is escaped in the attribute like anywhere else.
    assert 'aria-label="Edit “Polls close at &lt;10&gt; &amp; counting starts. (' in html
    assert 'aria-label="Edit “Result &quot;declared&quot;”"' in html
