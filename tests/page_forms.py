"""What Wagtail's page editor posts, for tests that drive it through the real views."""

from __future__ import annotations

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def add_url(model, parent) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=["wagtail_newsfeed", model._meta.model_name, parent.pk]
    )


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def article_data(**overrides) -> dict:
    """What the article editor posts: every tab's fields and every inline formset."""
    data = {
        "title": "US and China agree to cooperate on climate",
        "slug": "us-china-climate",
        "standfirst": "The two countries pledge to work together.",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "dateline": "SHANGHAI",
        "published_at": "2021-04-18 08:30",
        "updated_at": "",
        "tags": "climate, diplomacy",
        "body": streamfield(
            [
                ("paragraph", rich_text("<p>The United States and China said on Sunday.</p>")),
                ("quote", {"text": "We are committed.", "attribution": "John Kerry"}),
                ("heading", {"text": "What comes next", "level": "h2"}),
            ]
        ),
        "article_authors": inline_formset([]),
        "corrections": inline_formset([]),
        "related_links": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def feed_data(**overrides) -> dict:
    """What the live feed editor posts."""
    data = {
        "title": "Election night live",
        "slug": "election-live",
        "summary": rich_text("<ul><li>Polls close at 8pm</li></ul>"),
        "coverage_status": "live",
        "coverage_start": "2026-11-03 18:00",
        "coverage_end": "",
        "entry_order": "newest_first",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)
