"""Markup the newsroom's blocks cannot hold is never dropped without a report line: a numbered
list's own numbering (``start``, ``reversed``, ``type``), the link around an image (image blocks
have none; a link to the image's own file or attachment page is no loss), and links and
formatting in an image's caption (captions are plain text)."""

# ruff: noqa: E501

from __future__ import annotations

import pytest

from tests.wordpress.converting import converter
from tests.wordpress.exports import Export, blocks
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin
from wagtail_newsfeed.wordpress.media import MediaRef
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog

PHOTO = "https://old.example.com/wp-content/uploads/2024/01/photo.jpg"


@pytest.fixture
def blocks_of():
    """``blocks_of(markup)`` -> (raw blocks, warnings as (kind, message))."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.attachment_paths = {"2024/01/photo.jpg": 5}
    catalog.attachments = {
        5: Attachment(
            5,
            "2024/01/photo.jpg",
            PHOTO,
            "Photo",
            "",
            "",
            parent=1,
            link="https://old.example.com/2024/01/story/photo/",
        )
    }
    return converter(catalog, refs={5: MediaRef("image", 42)})


LIST = (
    '<!-- wp:list {"ordered":true,"reversed":true,"start":5} -->\n<ol reversed start="5">'
    "<!-- wp:list-item -->\n<li>Five</li>\n<!-- /wp:list-item -->"
    "<!-- wp:list-item -->\n<li>Four</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list -->"
)


def test_a_numbered_lists_own_numbering_is_reported(blocks_of):
    raw, warnings = blocks_of(LIST)
    assert [block["type"] for block in raw] == ["paragraph"]
    assert "<li>Five</li>" in raw[0]["value"]
    assert warnings == [
        (
            "removed_markup",
            "a numbered list's own numbering (start 5, reversed), from “Five”: "
            "lists are numbered 1, 2, 3...",
        )
    ]


def test_a_classic_list_with_letters_is_reported_and_a_plain_one_is_not(blocks_of):
    _raw, warnings = blocks_of(
        '<ol type="a"><li>First</li></ol>\n\n<ol start="1"><li>One</li></ol>\n\n<ul><li>x</li></ul>'
    )
    assert warnings == [
        (
            "removed_markup",
            "a numbered list's own numbering (type a), from “First”: lists are numbered 1, 2, 3...",
        )
    ]


IMAGE = (
    '<!-- wp:image {{"id":5,"linkDestination":"{dest}"}} -->\n<figure class="wp-block-image">'
    '<a href="{href}"><img src="' + PHOTO + '" alt="Boats" class="wp-image-5"/></a>'
    "<figcaption>{caption}</figcaption></figure>\n<!-- /wp:image -->"
)


def test_the_link_around_an_image_is_reported(blocks_of):
    raw, warnings = blocks_of(
        IMAGE.format(dest="custom", href="https://example.org/story", caption="Boats")
    )
    assert raw[0]["type"] == "image" and raw[0]["value"]["caption"] == "Boats"
    assert warnings == [
        (
            "removed_markup",
            f"the link around image {PHOTO} (to https://example.org/story): "
            "image blocks have no link",
        )
    ]


@pytest.mark.parametrize(
    "href",
    [
        PHOTO,
        "https://old.example.com/wp-content/uploads/2024/01/photo-1024x768.jpg",
        "https://old.example.com/2024/01/story/photo/",
        "https://old.example.com/?attachment_id=5",
    ],
)
def test_a_link_to_the_image_itself_is_no_loss(blocks_of, href):
    raw, warnings = blocks_of(IMAGE.format(dest="media", href=href, caption="Boats"))
    assert raw[0]["type"] == "image"
    assert warnings == []


def test_a_classic_image_in_a_link_is_reported_too(blocks_of):
    raw, warnings = blocks_of(
        f'Text.\n\n<a href="https://example.org/gallery"><img class="wp-image-5" src="{PHOTO}"></a>'
    )
    assert [block["type"] for block in raw] == ["paragraph", "image"]
    assert warnings == [
        (
            "removed_markup",
            f"the link around image {PHOTO} (to https://example.org/gallery): "
            "image blocks have no link",
        )
    ]


def test_links_and_formatting_in_an_image_caption_are_reported(blocks_of):
    raw, warnings = blocks_of(
        IMAGE.format(
            dest="none",
            href=PHOTO,
            caption='Photo: <a href="https://example.org/jane">Jane Doe</a> for <em>The Gazette</em>',
        )
    )
    assert raw[0]["value"]["caption"] == "Photo: Jane Doe for The Gazette"
    assert warnings == [
        (
            "removed_markup",
            f"the caption of image {PHOTO} is plain text: its link to https://example.org/jane "
            "and its formatting (<em>) were dropped",
        )
    ]


def test_a_caption_shortcode_with_a_link_is_reported(blocks_of):
    raw, warnings = blocks_of(
        f'[caption id="attachment_5"]<img class="wp-image-5" src="{PHOTO}"> By <a href="https://example.org/jane">Jane</a>[/caption]'
    )
    assert raw[0]["value"]["caption"] == "By Jane"
    assert (
        "removed_markup",
        f"the caption of image {PHOTO} is plain text: its link to https://example.org/jane was dropped",
    ) in warnings


def test_an_old_style_caption_attribute_is_html_as_wordpress_shows_it(blocks_of):
    # WordPress before 3.4 kept the caption in the shortcode's attribute, and shows it as HTML.
    raw, warnings = blocks_of(
        f'[caption id="attachment_5" caption="By <a href=\'https://example.org/jane\'>Jane</a> &amp; co"]'
        f'<img class="wp-image-5" src="{PHOTO}">[/caption]'
    )
    assert raw[0]["value"]["caption"] == "By Jane & co"
    assert (
        "removed_markup",
        f"the caption of image {PHOTO} is plain text: its link to https://example.org/jane was dropped",
    ) in warnings


def test_a_caption_attribute_cannot_close_the_figure_around_it(blocks_of):
    raw, _ = blocks_of(
        '[caption id="attachment_5" caption="Rain</figcaption></figure><script>x()</script>"]'
        f'<img class="wp-image-5" src="{PHOTO}">[/caption]'
    )
    assert [block["type"] for block in raw] == ["image"]
    assert raw[0]["value"]["caption"] == "Rain"


def test_links_in_a_table_or_gallery_caption_are_reported(blocks_of):
    raw, warnings = blocks_of(
        '<figure class="wp-block-table"><table><tr><td>1</td></tr></table>'
        '<figcaption>Source: <a href="https://example.org/data">the office</a></figcaption></figure>'
        f'<figure class="wp-block-gallery"><img class="wp-image-5" src="{PHOTO}"><img class="wp-image-5" src="{PHOTO}">'
        "<figcaption>Two <strong>views</strong></figcaption></figure>"
    )
    assert [block["type"] for block in raw] == ["table", "image", "image", "paragraph"]
    assert raw[0]["value"]["table_caption"] == "Source: the office"
    assert warnings == [
        (
            "removed_markup",
            "the caption of a table is plain text: its link to https://example.org/data was dropped",
        ),
        (
            "removed_markup",
            "the caption of a gallery is plain text: its formatting (<strong>) was dropped",
        ),
    ]


@pytest.mark.django_db
def test_the_report_of_an_import_lists_what_was_dropped(run_import):
    body = blocks(
        LIST, IMAGE.format(dest="custom", href="https://example.org/story", caption="Boats")
    )
    output = run_import(Export().post(1, "Lists", body))
    assert "removed_markup (1)" in output  # the image itself is not imported (no file)
    assert "a numbered list's own numbering (start 5, reversed)" in output
    page = NewsArticlePage.objects.get(pk=WordPressOrigin.objects.get(kind="post", wp_id=1).page_id)
    assert [block["type"] for block in page.body.raw_data] == ["paragraph"]
