"""WordPress content to blocks: classic-editor HTML (wpautop paragraphs, shortcodes, bare embed
URLs) and Gutenberg block markup, with what is left out reported, on any input in linear time."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import time

import pytest

from tests.wordpress.converting import converter
from wagtail_newsfeed.wordpress.content import Resolver, convert
from wagtail_newsfeed.wordpress.media import MediaLibrary, MediaRef, Uploads
from wagtail_newsfeed.wordpress.report import Report
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message))."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.post_paths = {"/2024/01/other": 7, "/?p=7": 7, "/2024/01/later": 8}
    catalog.attachment_paths = {"2024/01/photo.jpg": 5, "2024/01/report.pdf": 6}
    catalog.attachments = {5: Attachment(5, "2024/01/photo.jpg", "", "Photo", "", "", parent=1)}
    catalog.attachments_by_parent = {1: [5]}
    return converter(
        catalog, refs={5: MediaRef("image", 42), 6: MediaRef("document", 43)}, pages={7: 99}
    )


def types(raw) -> list[str]:
    return [block["type"] for block in raw]


# Classic editor ------------------------------------------------------------------------------


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks(blocks_of):
    raw, _ = blocks_of(
        "First line\nsame paragraph.\n\nSecond <em>paragraph</em>.\n\n\n&nbsp;\n\nThird."
    )
    assert raw == [
        {
            "type": "paragraph",
            "value": "<p>First line<br/>same paragraph.</p><p>Second <em>paragraph</em>.</p><p>Third.</p>",
        }
    ]


def test_block_elements_end_paragraphs_and_headings_become_blocks(blocks_of):
    raw, _ = blocks_of(
        "Intro\n<h2>Section</h2>\nAfter\n<h4>Minor</h4><ul><li>a</li><li>b</li></ul><hr>End"
    )
    assert types(raw) == ["paragraph", "heading", "paragraph", "heading", "paragraph"]
    assert raw[1]["value"] == {"text": "Section", "level": "h2"}
    assert raw[3]["value"] == {"text": "Minor", "level": "h3"}
    assert raw[4]["value"] == "<ul><li>a</li><li>b</li></ul><hr/><p>End</p>"


def test_caption_shortcode_is_an_image_with_its_caption(blocks_of):
    raw, warnings = blocks_of(
        '[caption id="attachment_5" width="300"]<a href="/x"><img class="wp-image-5 size-medium" '
        'src="https://old.example.com/wp-content/uploads/2024/01/photo-300x200.jpg" alt="The alt" /></a>'
        " Delegates arrive[/caption]"
    )
    assert raw == [
        {
            "type": "image",
            "value": {
                "image": 42,
                "decorative": False,
                "alt_text": "The alt",
                "caption": "Delegates arrive",
                "credit": "",
            },
        }
    ]
    # The link around the image is not the image's own file or page: an image block has none.
    assert warnings == [
        (
            "removed_markup",
            "the link around image https://old.example.com/wp-content/uploads/2024/01/"
            "photo-300x200.jpg (to /x): image blocks have no link",
        )
    ]


def test_images_are_matched_by_url_without_the_size_suffix(blocks_of):
    raw, _ = blocks_of(
        '<img src="https://old.example.com/wp-content/uploads/2024/01/photo-1024x683.jpg">'
    )
    assert raw[0]["value"]["image"] == 42


def test_gallery_shortcode_lists_its_images_and_reports_the_missing(blocks_of):
    raw, warnings = blocks_of('[gallery ids="5,77"]')
    assert types(raw) == ["image"]
    assert warnings == [("unmatched_image", "<img class='wp-image-77'>")]


def test_gallery_without_ids_shows_the_images_attached_to_the_post(blocks_of):
    raw, _ = blocks_of("[gallery]")
    assert [block["value"]["image"] for block in raw] == [42]


def test_embed_shortcode_and_bare_urls_on_their_own_line_become_embeds(blocks_of):
    raw, _ = blocks_of(f"[embed]{YOUTUBE}[/embed]\n\n{YOUTUBE}\n\nSee {YOUTUBE} inline.")
    assert types(raw) == ["embed", "embed", "paragraph"]
    assert raw[0]["value"] == {"embed": YOUTUBE, "caption": ""}


def test_an_embed_wagtail_cannot_show_stays_a_link(blocks_of):
    raw, warnings = blocks_of("[embed]https://unknown.example.net/widget/1[/embed]")
    assert (
        raw[0]["value"]
        == '<p><a href="https://unknown.example.net/widget/1">https://unknown.example.net/widget/1</a></p>'
    )
    assert warnings == [("embed_as_link", "https://unknown.example.net/widget/1")]


def test_unknown_shortcodes_go_with_a_report_line_but_bracketed_prose_stays(blocks_of):
    raw, warnings = blocks_of(
        'He said [sic] it was [1] fine. [poll id="3"] [box]Boxed text[/box] [[caption]]'
    )
    assert raw[0]["value"] == "<p>He said [sic] it was [1] fine.  Boxed text [caption]</p>"
    assert warnings == [("unknown_shortcode", "[poll]"), ("unknown_shortcode", "[box]")]


def test_an_escaped_enclosing_shortcode_stays_as_its_text(blocks_of):
    raw, warnings = blocks_of('Type [[caption id="a"]Photo[/caption]] or [[box]y[/box]].')
    assert [block["value"] for block in raw] == [
        '<p>Type [caption id="a"]Photo[/caption] or [box]y[/box].</p>'
    ]
    assert warnings == []


def test_youtube_iframes_become_embeds_and_other_iframes_links(blocks_of):
    raw, warnings = blocks_of(
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
        '<iframe src="https://maps.example.org/embed?x=1" title="Map"></iframe>'
    )
    assert raw[0] == {"type": "embed", "value": {"embed": YOUTUBE, "caption": ""}}
    assert raw[1]["value"] == '<p><a href="https://maps.example.org/embed?x=1">Map</a></p>'
    assert warnings[0][0] == "removed_markup"


def test_scripts_styles_and_form_fields_are_left_out_with_a_report_line(blocks_of):
    raw, warnings = blocks_of(
        "<p>Keep</p><script>alert(1)</script><style>p{}</style><form><input></form>"
    )
    assert raw == [{"type": "paragraph", "value": "<p>Keep</p>"}]
    assert [message for _, message in warnings] == [
        "<script>",
        "<style>",
        "<form> (its text was kept)",
        "<input>",
    ]


def test_links_to_imported_posts_become_page_links_and_to_files_document_links(blocks_of):
    raw, _ = blocks_of(
        '<a href="https://old.example.com/2024/01/other/">old</a> '
        '<a href="https://www.old.example.com/?p=7">plain</a> '
        '<a href="http://old.example.com/wp-content/uploads/2024/01/report.pdf">pdf</a> '
        '<a href="https://elsewhere.example/2024/01/other/">external</a>'
    )
    assert raw[0]["value"] == (
        '<p><a id="99" linktype="page">old</a> <a id="99" linktype="page">plain</a> '
        '<a id="43" linktype="document">pdf</a> <a href="https://elsewhere.example/2024/01/other/">external</a></p>'
    )


def test_a_link_to_a_post_not_imported_yet_is_kept_and_remembered():
    catalog = Catalog(hosts={"old.example.com"}, post_paths={"/2024/01/later": 8})
    resolver = Resolver(catalog, MediaLibrary(catalog, Uploads(None), Report(), dry_run=False), {})
    raw = convert('<a href="/2024/01/later/">soon</a>', resolver, lambda *a: None, {})
    assert raw[0]["value"] == '<p><a href="/2024/01/later/">soon</a></p>'
    assert resolver.waiting_for == {8}


def test_tables_keep_their_header_row_and_caption(blocks_of):
    raw, _ = blocks_of(
        "<figure><table><thead><tr><th>Party</th><th>Seats</th></tr></thead>"
        "<tbody><tr><td>A</td><td>10</td></tr><tr><td>B</td></tr></tbody></table>"
        "<figcaption>Results</figcaption></figure>"
    )
    assert raw == [
        {
            "type": "table",
            "value": {
                "data": [["Party", "Seats"], ["A", "10"], ["B", ""]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Results",
            },
        }
    ]


def test_a_table_larger_than_the_cap_is_cut_with_a_report_line(blocks_of, settings):
    settings.WAGTAIL_NEWSFEED = {"TABLE_MAX_CELLS": 10}
    rows = "".join(f"<tr><td>{i}</td><td>x</td></tr>" for i in range(20))
    raw, warnings = blocks_of(f"<table>{rows}</table>")
    assert len(raw[0]["value"]["data"]) == 5
    assert warnings == [("table_cut", "a table of 40 cells was cut to 10")]


# Gutenberg -----------------------------------------------------------------------------------


def test_core_blocks_map_to_our_blocks(blocks_of):
    raw, warnings = blocks_of(
        """<!-- wp:paragraph --><p>Hello <strong>world</strong></p><!-- /wp:paragraph -->
<!-- wp:heading {"level":3} --><h3 class="wp-block-heading">Sub</h3><!-- /wp:heading -->
<!-- wp:list --><ul><!-- wp:list-item --><li>a</li><!-- /wp:list-item --><!-- wp:list-item --><li>b</li><!-- /wp:list-item --></ul><!-- /wp:list -->
<!-- wp:image {"id":5} --><figure class="wp-block-image"><img src="x" alt="A" class="wp-image-5"/><figcaption class="wp-element-caption">Cap</figcaption></figure><!-- /wp:image -->
<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>Words</p><!-- /wp:paragraph --><cite>Speaker</cite></blockquote><!-- /wp:quote -->
<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>Pulled</p><cite>P</cite></blockquote></figure><!-- /wp:pullquote -->
<!-- wp:separator --><hr class="wp-block-separator has-alpha-channel-opacity"/><!-- /wp:separator -->
<!-- wp:table --><figure class="wp-block-table"><table><tbody><tr><td>x</td></tr></tbody></table></figure><!-- /wp:table -->
<!-- wp:embed {"url":"%s","type":"video","providerNameSlug":"youtube"} --><figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
%s
</div><figcaption>Watch</figcaption></figure><!-- /wp:embed -->""".replace("%s", YOUTUBE)
    )
    assert types(raw) == [
        "paragraph",
        "heading",
        "paragraph",
        "image",
        "quote",
        "pull_quote",
        "table",
        "embed",
    ]
    assert raw[2]["value"] == "<ul><li>a</li><li>b</li></ul>"
    assert raw[3]["value"] == {
        "image": 42,
        "decorative": False,
        "alt_text": "A",
        "caption": "Cap",
        "credit": "",
    }
    assert raw[4]["value"] == {"text": "Words", "attribution": "Speaker"}
    assert raw[5]["value"] == {"text": "Pulled", "attribution": "P"}
    assert raw[7]["value"] == {"embed": YOUTUBE, "caption": "Watch"}
    assert warnings == []


@pytest.mark.parametrize(
    "line",
    [
        '<!-- wp:separator --><hr class="wp-block-separator has-alpha-channel-opacity"/><!-- /wp:separator -->',
        '<!-- wp:separator {"className":"is-style-dots"} -->\n<hr class="wp-block-separator is-style-dots" style="color:red" onclick="x()"/>\n<!-- /wp:separator -->',
        "<hr />",  # classic
        "\n\n<hr>\n\n",
    ],
)
def test_a_separator_between_paragraphs_is_a_horizontal_line(blocks_of, line):
    raw, warnings = blocks_of(f"<p>Before</p>{line}{line}<p>After</p>")
    assert raw == [{"type": "paragraph", "value": "<p>Before</p><hr/><p>After</p>"}]
    assert warnings == []


def test_a_separator_at_the_edge_of_the_text_separates_nothing_and_goes(blocks_of):
    raw, warnings = blocks_of(
        "<hr/><p>First</p><hr/><h2>Heading</h2><hr/><p>Then</p><hr/>"
        '<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->'
    )
    assert raw == [
        {"type": "paragraph", "value": "<p>First</p>"},
        {"type": "heading", "value": raw[1]["value"]},
        {"type": "paragraph", "value": "<p>Then</p>"},
    ]
    assert warnings == []


def test_gallery_blocks_become_images(blocks_of):
    raw, _ = blocks_of(
        '<!-- wp:gallery --><figure class="wp-block-gallery has-nested-images">'
        '<!-- wp:image {"id":5} --><figure class="wp-block-image"><img src="a" class="wp-image-5"/>'
        "<figcaption>One</figcaption></figure><!-- /wp:image -->"
        '<!-- wp:image {"id":5} --><figure class="wp-block-image"><img src="b" class="wp-image-5"/></figure><!-- /wp:image -->'
        "</figure><!-- /wp:gallery -->"
    )
    assert [(b["type"], b["value"]["caption"]) for b in raw] == [("image", "One"), ("image", "")]


def test_groups_and_columns_are_flattened(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:group {"layout":{"type":"constrained"}} --><div class="wp-block-group">'
        '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div class="wp-block-column">'
        "<!-- wp:paragraph --><p>Left</p><!-- /wp:paragraph --></div><!-- /wp:column -->"
        '<!-- wp:column --><div class="wp-block-column"><!-- wp:heading --><h2>Right</h2><!-- /wp:heading -->'
        "</div><!-- /wp:column --></div><!-- /wp:columns --></div><!-- /wp:group -->"
    )
    assert [(b["type"], b["value"]) for b in raw] == [
        ("paragraph", "<p>Left</p>"),
        ("heading", {"text": "Right", "level": "h2"}),
    ]
    assert warnings == []


def test_an_unknown_block_becomes_a_paragraph_and_a_report_line(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:jetpack/slideshow {"ids":[1,2]} --><div class="slideshow"><img src="x.jpg">'
        "<p>Slide <b>text</b></p></div><!-- /wp:jetpack/slideshow -->"
    )
    assert raw == [{"type": "paragraph", "value": "<p>Slide <b>text</b></p>"}]
    assert warnings == [("unknown_block", "jetpack/slideshow")]


def test_custom_html_is_reduced_to_rich_text_with_a_report_line(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:html --><div onclick="steal()">Hi <b>there</b><script>x()</script></div><!-- /wp:html -->'
    )
    assert raw == [{"type": "paragraph", "value": "<p>Hi <b>there</b></p>"}]
    assert warnings == [("html_block", "custom HTML block")]


def test_reusable_blocks_are_inlined_and_cannot_recurse_forever(blocks_of):
    loop = '<!-- wp:paragraph --><p>Shared</p><!-- /wp:paragraph --><!-- wp:block {"ref":9} /-->'
    raw, warnings = blocks_of('<!-- wp:block {"ref":9} /-->', reusable={9: loop})
    assert [b["value"] for b in raw] == ["<p>Shared</p>"]
    assert warnings == [("unknown_block", "reusable block 9 contains itself (a cycle); read once")]


def test_freeform_content_between_blocks_is_read_as_classic(blocks_of):
    raw, _ = blocks_of(
        f"Old text\n\nmore [embed]{YOUTUBE}[/embed]<!-- wp:paragraph --><p>New</p><!-- /wp:paragraph -->"
    )
    assert types(raw) == ["paragraph", "embed", "paragraph"]


# Hostile content -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "<!-- wp:paragraph " * 20_000,
        "<!-- wp:p {" + '"a":' * 50_000 + "1} -->x",
        '<!-- wp:image {"a":' + "[" * 100_000 + "} --><p>x</p>",
        "[" * 100_000 + "caption" * 1000,
        '[a x="' * 50_000,
        "<div>" * 20_000 + "deep" + "</div>" * 20_000,
        "<b>" * 20_000 + "bold",
        "<!-- wp:group --><div>" * 2_000 + "<p>deep</p>",
        "\n\n".join(["word"] * 50_000),
    ],
)
def test_hostile_content_converts_quickly_without_failing(blocks_of, markup):
    # This process's CPU time: a guard against runaway (super-linear) work that a busy
    # machine cannot make fail.
    started = time.process_time()
    blocks_of(markup)
    assert time.process_time() - started < 10


def test_a_heading_or_quote_of_invisible_characters_alone_is_left_out(blocks_of):
    """The validator refuses a required text that shows nothing: importing it would fail."""
    raw, _ = blocks_of(
        "<h2>&#8203;</h2>\n\n<blockquote><p>&#8203;&#8206;</p></blockquote>\n\nText."
    )
    assert types(raw) == ["paragraph"]
