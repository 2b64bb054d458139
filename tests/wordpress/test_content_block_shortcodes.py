"""Shortcodes inside block-editor content: WordPress runs ``do_shortcode`` over the whole
rendered post after ``do_blocks``, so a shortcode typed into a paragraph block is expanded like
one in classic content; one escaped as ``[[name]]`` stays as its text, and one in a code block
is saved with its bracket as ``&#91;`` by the editor, so it stays as text too."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from tests.wordpress.converting import converter
from wagtail_newsfeed.wordpress.media import MediaRef
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PHOTO = "https://old.example.com/wp-content/uploads/2024/01/photo.jpg"
CLIP = "https://old.example.com/wp-content/uploads/2024/01/clip.mp3"


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message)), no database."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.attachment_paths = {"2024/01/photo.jpg": 5}
    catalog.attachments = {5: Attachment(5, "2024/01/photo.jpg", PHOTO, "Photo", "", "", parent=1)}
    return converter(catalog, refs={5: MediaRef("image", 42)})


def paragraph(text: str) -> str:
    return f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"


def test_an_audio_shortcode_in_a_paragraph_block_is_a_link_and_a_report_line(blocks_of):
    raw, warnings = blocks_of(paragraph(f'Listen: [audio mp3="{CLIP}"][/audio]'))
    assert raw == [
        {"type": "paragraph", "value": f'<p>Listen:</p><p><a href="{CLIP}">{CLIP}</a></p>'}
    ]
    assert warnings == [("removed_markup", f"<audio> {CLIP!r}")]


def test_a_gallery_shortcode_in_a_paragraph_block_shows_its_images(blocks_of):
    raw, warnings = blocks_of(paragraph('[gallery ids="5,77"]'))
    assert [block["type"] for block in raw] == ["image"]
    assert raw[0]["value"]["image"] == 42
    assert warnings == [("unmatched_image", "<img class='wp-image-77'>")]


def test_an_embed_shortcode_in_a_paragraph_block_is_an_embed(blocks_of):
    raw, warnings = blocks_of(paragraph(f"Watch: [embed]{YOUTUBE}[/embed]"))
    assert raw == [
        {"type": "paragraph", "value": "<p>Watch:</p>"},
        {"type": "embed", "value": {"embed": YOUTUBE, "caption": ""}},
    ]
    assert warnings == []


def test_an_unknown_shortcode_in_a_paragraph_block_is_reported(blocks_of):
    raw, warnings = blocks_of(paragraph('Write to us: [contact-form-7 id="5"]'))
    assert raw == [{"type": "paragraph", "value": "<p>Write to us:</p>"}]
    assert warnings == [("unknown_shortcode", "[contact-form-7]")]


def test_a_caption_shortcode_in_a_paragraph_block_is_one_image_with_its_caption(blocks_of):
    raw, warnings = blocks_of(
        paragraph(
            f'[caption id="attachment_5" width="300"]<img class="wp-image-5" src="{PHOTO}" alt="Boats"/> Boats at dawn[/caption]'
        )
    )
    assert raw == [
        {
            "type": "image",
            "value": {
                "image": 42,
                "decorative": False,
                "alt_text": "Boats",
                "caption": "Boats at dawn",
                "credit": "",
            },
        }
    ]
    assert warnings == []


def test_shortcodes_in_headings_lists_and_layout_blocks_are_expanded_too(blocks_of):
    raw, warnings = blocks_of(
        '<!-- wp:group --><div class="wp-block-group"><!-- wp:list --><ul><li>Vote [poll id="3"] now</li></ul><!-- /wp:list --></div><!-- /wp:group -->'
    )
    assert raw == [{"type": "paragraph", "value": "<ul><li>Vote  now</li></ul>"}]
    assert warnings == [("unknown_shortcode", "[poll]")]


def test_escaped_shortcodes_and_those_a_code_block_saved_stay_as_text(blocks_of):
    raw, warnings = blocks_of(
        paragraph('Type [[gallery ids="5"]] to show images.')
        + '<!-- wp:code --><pre class="wp-block-code"><code>&#91;gallery ids="5"]</code></pre><!-- /wp:code -->'
    )
    assert raw == [
        {
            "type": "paragraph",
            "value": '<p>Type [gallery ids="5"] to show images.</p><p>[gallery ids="5"]</p>',
        }
    ]
    assert warnings == []
