"""Stream values of many rows resolved together (``serialization.prefetch_stream_values``)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from wagtail.blocks import StreamValue

from tests import factories
from wagtail_newsfeed import serialization
from wagtail_newsfeed.models import LiveEntry
from wagtail_newsfeed.sites import get_site

pytestmark = pytest.mark.django_db


def _image_item(image) -> dict:
    return {"type": "image", "value": {"image": image.pk, "caption": image.title}}


@pytest.fixture
def pictured_entries(feed):
    """Three entries, each with a paragraph and an image whose API renditions exist."""
    images = [factories.make_image(f"Photo {n}") for n in range(3)]
    for image in images:
        image.get_renditions(*serialization.rendition_specs().values())
        body = [*factories.paragraph(f"About {image.title}."), _image_item(image)]
        factories.make_entry(feed, body=body)
    return images


def test_images_of_many_stream_values_cost_two_queries_in_all(
    pictured_entries, django_assert_num_queries
):
    values = [row.body for row in LiveEntry.objects.order_by("pk")]
    by_wagtail = [row.body for row in LiveEntry.objects.order_by("pk")]
    [list(value) for value in by_wagtail]  # Wagtail's own conversion, value by value
    context = {"request": RequestFactory().get("/")}
    get_site(context["request"])  # the request's Site, looked up once per request

    with django_assert_num_queries(2):  # every image, then every image's API renditions
        serialization.prefetch_stream_values(values)
    with django_assert_num_queries(0):
        shown = [serialization.image_json(value[1].value["image"], context) for value in values]

    assert [image["id"] for image in shown] == [image.pk for image in pictured_entries]
    assert all(set(image["renditions"]) == {"thumbnail", "medium", "large"} for image in shown)
    assert [value[0].block_type for value in values] == ["paragraph"] * 3
    # The very blocks, ids included, that Wagtail's own lazy conversion gives.
    assert [value.get_prep_value() for value in values] == [
        value.get_prep_value() for value in by_wagtail
    ]


def test_without_the_prefetch_each_value_queries_its_own_image(
    pictured_entries, django_assert_num_queries
):
    values = [row.body for row in LiveEntry.objects.order_by("pk")]

    with django_assert_num_queries(3):  # what the prefetch saves: one image query per value
        [value[1].value["image"] for value in values]


def test_values_built_in_python_are_left_as_they_are(feed, django_assert_num_queries):
    image = factories.make_image()
    block = LiveEntry._meta.get_field("body").stream_block
    value = StreamValue(
        block, [("image", block.child_blocks["image"].to_python(_image_item(image)["value"]), "x1")]
    )
    item = value[0]

    with django_assert_num_queries(0):
        serialization.prefetch_stream_values([value, None, "not a stream"])

    assert value[0] is item and value[0].id == "x1"
