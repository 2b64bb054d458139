"""Image blocks and alt text: an image marked decorative is ``alt=""`` everywhere (as Wagtail's own
``ImageBlock`` does), never its title; others keep their alt text, else the image's own."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.checks import entries_url
from wagtail_newsfeed.blocks import ImageBlock

pytestmark = pytest.mark.django_db


def image_value(image, **value):
    return {"type": "image", "value": {"image": image.pk, "caption": "", **value}}


def test_a_decorative_image_has_an_empty_alt_not_its_title(client, news_index):
    image = factories.make_image("IMG_0042.JPG")
    article = factories.make_article(
        news_index, body=[image_value(image, alt_text="", decorative=True)]
    )

    html = client.get(article.url).content.decode()

    figure = html.split('<figure class="newsfeed-figure newsfeed-image">', 1)[1]
    assert ' alt="" ' in figure.split(">", 1)[0] + " "
    assert "IMG_0042" not in html.split("<main", 1)[1]


def test_a_decorative_image_ignores_alt_text_left_in_the_block(client, news_index):
    image = factories.make_image("Harbour")
    article = factories.make_article(
        news_index, body=[image_value(image, alt_text="Boats", decorative=True)]
    )
    html = client.get(article.url).content.decode()
    assert 'alt="Boats"' not in html and 'alt=""' in html


def test_an_image_stored_before_decorative_existed_keeps_its_alt_text(client, news_index):
    image = factories.make_image("Harbour at dusk")
    article = factories.make_article(
        news_index,
        body=[
            image_value(image, alt_text="Boats at dusk"),
            image_value(image, alt_text=""),
        ],
    )
    html = client.get(article.url).content.decode()
    assert 'alt="Boats at dusk"' in html and 'alt="Harbour at dusk"' in html


def test_the_api_says_an_image_is_decorative_and_gives_no_alt(news_index):
    image = factories.make_image("IMG_0042.JPG")
    article = factories.make_article(
        news_index,
        body=[image_value(image, decorative=True), image_value(image, alt_text="Boats")],
    )

    body = (
        APIClient()
        .get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))
        .json()["body"]
    )

    decorative, described = body[0]["value"], body[1]["value"]
    assert (decorative["decorative"], decorative["alt"], decorative["image"]["alt"]) == (
        True,
        "",
        "",
    )
    assert (described["decorative"], described["alt"], described["image"]["alt"]) == (
        False,
        "Boats",
        "Boats",
    )


def test_the_write_api_takes_decorative(feed):
    writer = factories.make_superuser("photo-desk")
    image = factories.make_image("IMG_0042.JPG")
    api = APIClient()
    api.force_authenticate(writer)

    response = api.post(
        entries_url(feed),
        {"body": [image_value(image, decorative=True)]},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["body"][0]["value"]["decorative"] is True
    assert feed.entries.get().body.raw_data[0]["value"]["decorative"] is True


def test_the_openapi_schema_documents_decorative(client):
    schema = client.get("/api/newsfeed/v1/schema/", {"format": "json"}).json()
    value = schema["components"]["schemas"]["ImageValue"]
    assert value["properties"]["decorative"]["type"] == "boolean"
    assert "decorative" in value["required"]


def test_the_block_offers_decorative_as_wagtail_s_image_block_does():
    block = ImageBlock()
    assert list(block.child_blocks)[:3] == ["image", "decorative", "alt_text"]
    assert block.child_blocks["decorative"].get_default() is False
