"""Text the newsroom's plain-text fields hold (headings, quotes, table cells, captions, titles) is
the text a WordPress reader saw: inline elements joined without added spaces, block boundaries
and line breaks one space (a line break in a quote a new line); a link such a field cannot hold
is reported."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from tests.wordpress.converting import converter
from wagtail_newsfeed.wordpress import values
from wagtail_newsfeed.wordpress.media import MediaRef
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog

PHOTO = "https://old.example.com/wp-content/uploads/2024/01/photo.jpg"


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message)), no database."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.attachment_paths = {"2024/01/photo.jpg": 5}
    catalog.attachments = {5: Attachment(5, "2024/01/photo.jpg", PHOTO, "Photo", "", "", parent=1)}
    return converter(catalog, refs={5: MediaRef("image", 42)})


def test_a_heading_joins_inline_elements_and_reports_its_link(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:heading --><h2 class="wp-block-heading">COVID-<em>19</em> cases rise in the <a href="https://cdc.example/data">U.S.</a></h2><!-- /wp:heading -->'
    )
    assert raw == [
        {"type": "heading", "value": {"text": "COVID-19 cases rise in the U.S.", "level": "h2"}}
    ]
    assert warnings == [
        (
            "removed_markup",
            "the heading “COVID-19 cases rise in the U.S.” is plain text: "
            "its link to https://cdc.example/data was dropped",
        )
    ]


def test_a_heading_line_break_is_one_space_and_a_superscript_joins_its_word(blocks_of):
    raw, warnings = blocks_of("<h2>Line one<br>\n Line two</h2><h3>E = mc<sup>2</sup></h3>")
    assert [block["value"]["text"] for block in raw] == ["Line one Line two", "E = mc2"]
    assert warnings == []


def test_a_quote_keeps_punctuation_by_its_words_and_its_line_breaks(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>“<em>We will win</em>,” she said.<br>Then she left.</p><!-- /wp:paragraph -->'
        '<cite>Jane <a href="https://example.org/jane">Doe</a></cite></blockquote><!-- /wp:quote -->'
    )
    assert raw == [
        {
            "type": "quote",
            "value": {
                "text": "“We will win,” she said.\nThen she left.",
                "attribution": "Jane Doe",
            },
        }
    ]
    assert warnings == [
        (
            "removed_markup",
            "the quote ““We will win,” she said. Then she left.” is plain text: "
            "its link to https://example.org/jane was dropped",
        )
    ]


def test_table_cells_join_inline_elements_and_their_links_are_reported(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr>'
        '<td><a href="https://example.org/data">Data<strong>set</strong></a></td><td>E = mc<sup>2</sup></td>'
        "<td><p>One</p><p>Two</p></td></tr></tbody></table></figure><!-- /wp:table -->"
    )
    assert raw[0]["value"]["data"] == [["Dataset", "E = mc2", "One Two"]]
    assert warnings == [
        (
            "removed_markup",
            "the cells of a table are plain text: their link to https://example.org/data was dropped",
        )
    ]


def test_a_caption_joins_inline_elements(blocks_of):
    raw, _ = blocks_of(
        f'<!-- wp:image {{"id":5}} --><figure class="wp-block-image"><img src="{PHOTO}" class="wp-image-5" alt="x"/>'
        "<figcaption>Photo: Jane Doe/<em>Reuters</em>’s archive</figcaption></figure><!-- /wp:image -->"
    )
    assert raw[0]["value"]["caption"] == "Photo: Jane Doe/Reuters’s archive"


def test_titles_and_excerpts_join_inline_elements_and_separate_paragraphs():
    assert values.plain_text("<em>The Crown</em>’s final season") == "The Crown’s final season"
    assert values.plain_text("<p>One.</p><p>Two &amp; three.</p>") == "One. Two & three."
    assert values.plain_text("Line<br>break") == "Line break"
    assert values.plain_text("<script>x()</script>Kept <!-- note -->text") == "Kept text"
