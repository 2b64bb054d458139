"""The admin screens are styled by a static file (``admin.css``), never by inline styles, so a
strict Content-Security-Policy (``style-src 'self'``) keeps them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories
from wagtail_newsfeed.models import LiveEntry

TEMPLATES = Path(__file__).resolve().parent.parent / "wagtail_newsfeed" / "templates"
STYLESHEET = "wagtail_newsfeed/admin.css"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_carries_inline_styles(template):
    text = template.read_text()
    assert not re.search(r"<style\b", text, re.I)
    assert not re.search(r"\sstyle=", text, re.I)


@pytest.mark.django_db
def test_the_console_and_the_entries_list_link_the_admin_stylesheet(admin_client, feed):
    entry = factories.make_entry(feed)
    pages = [
        reverse("wagtail_newsfeed_console:console", args=[feed.pk]),
        reverse("wagtail_newsfeed_console:edit", args=[feed.pk, entry.pk]),
        reverse(f"wagtail_newsfeed_{LiveEntry._meta.model_name}_modeladmin_index"),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert STYLESHEET in response.text, url
        assert "<style" not in response.text.split("</head>")[1], url  # none of ours in the body
