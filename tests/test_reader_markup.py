"""The reader pages' markup: one srcset candidate per width, tables and boxes with no empty
header or duplicate landmark, and text whose direction controls cannot spill past its field."""

from __future__ import annotations

import re
from copy import deepcopy

import pytest

from tests import factories
from wagtail_newsfeed.models import Author
from wagtail_newsfeed.models.cleaning import clean_text
from wagtail_newsfeed.xml import one_line

pytestmark = pytest.mark.django_db


def srcsets(html: str) -> list[list[str]]:
    return [
        [candidate.strip() for candidate in found.split(",")]
        for found in re.findall(r'srcset="([^"]*)"', html)
    ]


def widths(candidates: list[str]) -> list[str]:
    return [candidate.rsplit(" ", 1)[-1] for candidate in candidates]


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((800, 600), ["480w", "800w"]),
        ((40, 30), ["40w"]),
        ((2000, 1000), ["480w", "800w", "1200w"]),
    ],
)
def test_srcset_has_one_candidate_per_width_and_never_upscales(client, news_index, size, expected):
    image = factories.make_image("Harbour", width=size[0], height=size[1])
    article = factories.make_article(
        news_index,
        "Harbour reopens",
        lead_image=image,
        body=[{"type": "image", "value": {"image": image.pk, "alt_text": "The harbour"}}],
    )

    response = client.get(article.url)

    assert response.status_code == 200
    found = srcsets(response.content.decode())
    assert [widths(candidates) for candidates in found] == [expected, expected]
    # No rendition is made wider than the original, nor the same one twice.
    made = image.renditions.filter(filter_spec__in=["width-480", "width-800", "width-1200"])
    assert sorted(r.width for r in made) == [int(width[:-1]) for width in expected]


def test_tables_and_boxes_have_no_empty_header_nor_duplicate_landmark(client, news_index):
    table = {
        "type": "table",
        "value": {
            "first_row_is_table_header": True,
            "first_col_is_header": True,
            "data": [["", "Votes"], ["Yes", "10"], ["", "20"]],
        },
    }
    key_points = {"type": "key_points", "value": {"title": "Key points", "points": ["One"]}}
    fact_box = {"type": "fact_box", "value": {"title": "The fund", "body": "<p>Big.</p>"}}
    article = factories.make_article(
        news_index,
        "Vote count",
        body=[
            deepcopy(block) for block in (table, table, key_points, key_points, fact_box, fact_box)
        ],
    )

    html = client.get(article.url).content.decode()

    assert re.findall(r"<th\b[^>]*>\s*</th>", html) == []
    assert html.count('<th scope="col"') == 2  # "Votes", twice
    assert html.count('<th scope="row"') == 2  # "Yes", twice
    # No landmark named twice: a table wrapper is a focusable group (it scrolls from the
    # keyboard), boxes are no landmarks of their own.
    assert 'role="region"' not in html
    assert html.count('class="newsfeed-table" role="group" tabindex="0" aria-label="Table"') == 2
    assert "<section" not in html.split('class="newsfeed-body"', 1)[1].split("</article>")[0]
    assert re.findall(r"<aside[^>]*aria-label", html) == []


def test_captioned_table_is_named_by_its_caption(client, news_index):
    table = {
        "type": "table",
        "value": {
            "table_caption": "Pledges",
            "first_row_is_table_header": True,
            "data": [["Country", "Pledge"], ["A", "10"]],
        },
    }
    html = client.get(factories.make_article(news_index, "P", body=[table]).url).content.decode()

    assert 'role="group" tabindex="0" aria-label="Pledges"' in html
    assert "<caption>Pledges</caption>" in html


# Direction controls -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Jane Doe\u202e", "Jane Doe\u202e\u202c"),
        ("LONDON\u2067", "LONDON\u2067\u2069"),
        ("\u202bعربي\u202c and \u2067עברית\u2069", "\u202bعربي\u202c and \u2067עברית\u2069"),
        ("stray\u202c closer\u2069", "stray closer"),
        ("\u2066a\u202eb", "\u2066a\u202eb\u202c\u2069"),
        ("\u202ea\u2069b", "\u202eab\u202c"),
    ],
)
def test_direction_controls_are_balanced_on_input(raw, cleaned):
    assert clean_text(raw) == cleaned
    assert one_line(raw) == cleaned


def test_author_name_and_article_fields_cannot_turn_the_page_around(client, news_index):
    author = Author(name="Jane Doe\u202e", slug="jane-doe")
    author.full_clean()
    author.save()
    article = factories.make_article(
        news_index, "Vote\u202e", authors=[author], dateline="LONDON\u202e"
    )
    article.full_clean()
    article.save_revision().publish()

    author.refresh_from_db()
    assert author.name == "Jane Doe\u202e\u202c"
    article.refresh_from_db()
    assert (article.title, article.dateline) == ("Vote\u202e\u202c", "LONDON\u202e\u202c")
    html = client.get(article.url).content.decode()
    assert "\u202e<" not in html and "\u202e " not in html
    assert '<bdi class="newsfeed-author">Jane Doe\u202e\u202c</bdi>' in html


def test_byline_isolates_names_stored_before_cleaning(client, news_index):
    """A row written without validation (before this, or by code) cannot turn the page round
    either: the byline's names, role, dateline and source are isolated."""
    author = factories.make_author("Jane Doe", role="Editor")
    source = factories.make_source("Wire")
    article = factories.make_article(
        news_index, "Vote", authors=[author], dateline="LONDON", source=source
    )
    Author.objects.filter(pk=author.pk).update(name="Jane Doe\u202e", role="Editor\u202e")
    type(article).objects.filter(pk=article.pk).update(dateline="LONDON\u202e")
    type(source).objects.filter(pk=source.pk).update(name="Wire\u202e")

    html = client.get(article.url).content.decode()

    assert '<bdi class="newsfeed-author">Jane Doe\u202e</bdi>' in html
    assert "(<bdi>Editor\u202e</bdi>)" in html
    assert '<bdi class="newsfeed-dateline">LONDON\u202e</bdi>' in html
    assert "<bdi>Wire\u202e</bdi>" in html


def test_entry_headline_is_balanced_on_its_one_write_path(news_index):
    feed = factories.make_feed(news_index, "Live")
    entry = factories.make_entry(feed, text="Update.", headline="Count\u202e")

    entry.refresh_from_db()
    assert entry.headline == "Count\u202e\u202c"
