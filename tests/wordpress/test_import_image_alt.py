"""WordPress images and their alt text: an ``alt=""`` WordPress rendered is a decorative image
here (``alt=""`` again, never the attachment's file name); an alt text is kept."""

# ruff: noqa: E501

from __future__ import annotations

import pytest

from tests.wordpress.converting import converter
from wagtail_newsfeed.wordpress.media import MediaRef
from wagtail_newsfeed.wordpress.survey import Attachment, Catalog


@pytest.fixture
def image_values():
    """``image_values(markup)`` -> the values of the image blocks the markup becomes."""
    catalog = Catalog(hosts={"old.example.com"})
    catalog.attachment_paths = {"2024/01/IMG_0042.jpg": 5}
    catalog.attachments = {
        5: Attachment(5, "2024/01/IMG_0042.jpg", "Boats at dawn", "IMG_0042", "", "", parent=1)
    }
    catalog.attachments_by_parent = {1: [5]}
    blocks_of = converter(catalog, refs={5: MediaRef("image", 42)})

    def run(markup: str) -> list[dict]:
        raw, _ = blocks_of(markup)
        return [block["value"] for block in raw if block["type"] == "image"]

    return run


def test_an_empty_alt_becomes_a_decorative_image(image_values):
    [value] = image_values(
        '<img class="wp-image-5" src="https://old.example.com/wp-content/uploads/2024/01/IMG_0042.jpg" alt="">'
    )
    assert (value["decorative"], value["alt_text"]) == (True, "")


def test_a_blank_alt_in_a_gutenberg_image_becomes_a_decorative_image(image_values):
    [value] = image_values(
        '<!-- wp:image {"id":5} --><figure class="wp-block-image"><img src="a" class="wp-image-5" alt=" "/></figure><!-- /wp:image -->'
    )
    assert value["decorative"] is True


def test_an_alt_text_is_kept_and_the_image_is_not_decorative(image_values):
    [value] = image_values('<img class="wp-image-5" src="a" alt="Fishing boats">')
    assert (value["decorative"], value["alt_text"]) == (False, "Fishing boats")


def test_an_image_without_an_alt_attribute_is_not_decorative(image_values):
    """No alt at all says nothing: the image's own alt text (its description) applies."""
    [value] = image_values('<img class="wp-image-5" src="a">')
    assert (value["decorative"], value["alt_text"]) == (False, "")


def test_gallery_shortcode_images_are_not_decorative(image_values):
    """WordPress renders a [gallery] with each attachment's own alt text: nothing says the
    images are decorative."""
    [value] = image_values('[gallery ids="5"]')
    assert value["decorative"] is False
