"""An image whose file is gone from storage (deleted from media, or an imported row whose file
never arrived) has no renditions: every reader page, feed and API response still answers, with
the picture left out (the API keeps the image's fields with no renditions), and a warning is
logged. Image titles with control characters reach share tags without them."""

from __future__ import annotations

import json
import logging
import re

import html5lib
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.images.models import Image

from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
LOGGER = "wagtail_newsfeed.serialization"


def missing_image(title: str = "Flooded street", *, unnamed: bool = False):
    """An image row whose file is not in storage, and never had a rendition made; ``unnamed``:
    a row with no file name at all (as a bad import or a raw SQL copy can leave)."""
    image = factories.make_image(title)
    image.file.storage.delete(image.file.name)
    if unnamed:
        Image.objects.filter(pk=image.pk).update(file="")
        image.refresh_from_db()
    return image


def image_block(image) -> list[dict]:
    return [{"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Water"}}]


def page_parts(response) -> tuple[dict[str, list[str]], list[dict], list]:
    """A 200 page's share tags by key, its JSON-LD documents and its ``<img>`` elements."""
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    tags: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key and key.startswith(("og:", "twitter:")):
            tags.setdefault(key, []).append(meta.get("content"))
    return tags, [json.loads(s) for s in SCRIPT.findall(html)], list(tree.iter("img"))


def warnings_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelname == "WARNING"]


def test_article_page_with_missing_image_files_answers_without_the_pictures(
    client, news_index, public_site, caplog
):
    image = missing_image()
    article = factories.make_article(news_index, lead_image=image, body=image_block(image))

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        tags, (jsonld,), imgs = page_parts(client.get(article.url))

    assert "og:image" not in tags and "twitter:image" not in tags
    assert tags["twitter:card"] == ["summary"]
    assert "image" not in jsonld
    assert imgs == []  # no figure either: its caption and credit are about a picture not shown
    assert article.standfirst in client.get(article.url).content.decode()
    assert any(f"image {image.pk}" in message for message in warnings_logged(caplog))


def test_live_page_with_missing_share_image_and_entry_image_answers_without_the_pictures(
    client, news_index, public_site
):
    image = missing_image()
    feed = factories.make_feed(news_index, "Storm live", share_image=image)
    factories.make_entry(feed, body=image_block(image))

    tags, documents, imgs = page_parts(client.get(feed.url))

    assert "og:image" not in tags
    assert [d["@type"] for d in documents] == ["LiveBlogPosting"]
    assert "image" not in documents[0]
    assert imgs == []


def test_index_page_with_a_missing_lead_image_file_lists_the_article_without_its_picture(
    client, news_index
):
    factories.make_article(news_index, "Storm hits", lead_image=missing_image())

    response = client.get(news_index.url)

    assert response.status_code == 200
    assert "Storm hits" in response.content.decode()
    assert page_parts(response)[2] == []


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_item_with_a_missing_lead_image_file_has_no_enclosure(client, news_index, fmt):
    factories.make_article(news_index, "Storm hits", lead_image=missing_image())

    response = client.get(reverse(f"wagtail_newsfeed:latest_{fmt}"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Storm hits" in content
    assert "enclosure" not in content


def test_api_article_detail_gives_a_missing_image_without_renditions(news_index):
    image = missing_image()
    article = factories.make_article(news_index, lead_image=image, body=image_block(image))

    response = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))

    assert response.status_code == 200
    data = response.json()
    assert data["lead_image"] == {
        "id": image.pk,
        "title": "Flooded street",
        "alt": "Flooded street",
        "width": 640,
        "height": 360,
        "renditions": {},
    }
    assert data["body"][0]["value"]["image"] == data["lead_image"]


def test_api_article_list_gives_a_missing_image_without_renditions(news_index):
    author = factories.make_author("Bea", slug="bea", photo=missing_image("Bea"))
    factories.make_article(news_index, lead_image=missing_image(), authors=[author])

    response = APIClient().get(reverse("wagtail_newsfeed_api:article-list"))

    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["lead_image"]["renditions"] == {}
    assert item["authors"][0]["photo"]["renditions"] == {}


def test_api_feed_entries_give_a_missing_image_without_renditions(news_index):
    feed = factories.make_feed(news_index, "Storm live")
    factories.make_entry(feed, body=image_block(missing_image()))

    response = APIClient().get(reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk]))

    assert response.status_code == 200
    (entry,) = response.json()["results"]
    assert entry["body"][0]["value"]["image"]["renditions"] == {}


def test_api_keeps_the_renditions_made_before_the_file_went_missing(news_index):
    image = factories.make_image("Flooded street")
    image.get_rendition("fill-400x225")  # the API's thumbnail
    image.file.storage.delete(image.file.name)
    article = factories.make_article(news_index, lead_image=image)

    response = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))

    assert response.status_code == 200
    assert list(response.json()["lead_image"]["renditions"]) == ["thumbnail"]


def test_share_image_alt_drops_control_characters(client, news_index, public_site):
    image = factories.make_image("Storm\x0bwarning\x01 issued")
    article = factories.make_article(news_index, lead_image=image)

    tags, _documents, _imgs = page_parts(client.get(article.url))

    assert tags["og:image:alt"] == tags["twitter:image:alt"] == ["Storm warning issued"]


def test_image_alt_text_drops_control_characters(client, news_index, public_site):
    image = factories.make_image("Storm\x0bwarning\x01 issued")
    article = factories.make_article(news_index, lead_image=image, body=image_block(image))

    page = client.get(article.url).content.decode()

    assert page.count('alt="Storm warning issued"') == 2
    assert "\x01" not in page and "\x0b" not in page


def test_an_image_row_without_a_file_name_is_left_out_like_a_missing_file(
    client, news_index, public_site
):
    image = missing_image(unnamed=True)
    article = factories.make_article(news_index, lead_image=image, body=image_block(image))

    tags, (jsonld,), imgs = page_parts(client.get(article.url))
    index_imgs = page_parts(client.get(news_index.url))[2]
    feed = client.get(reverse("wagtail_newsfeed:latest_rss"))
    api = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))

    assert "og:image" not in tags and "image" not in jsonld
    assert imgs == [] and index_imgs == []
    assert feed.status_code == 200 and b"enclosure" not in feed.content
    assert api.status_code == 200 and api.json()["lead_image"]["renditions"] == {}


def broken_image(content: bytes, title: str = "Broken upload"):
    """An image row whose file is in storage but is not a readable image: empty, cut short by a
    failed upload or sync, or not an image at all."""
    image = factories.make_image(title)
    storage, name = image.file.storage, image.file.name
    whole = storage.open(name).read()
    storage.delete(name)
    storage.save(name, ContentFile(whole[:60] if content == b"truncated" else content))
    return image


@pytest.mark.parametrize("content", [b"", b"truncated", b"\x00\x01 not a picture " * 8])
def test_pages_with_unreadable_image_files_answer_without_the_pictures(
    client, news_index, public_site, caplog, content
):
    image = broken_image(content)
    article = factories.make_article(news_index, lead_image=image, body=image_block(image))
    feed = factories.make_feed(news_index, "Storm live", share_image=image)
    factories.make_entry(feed, body=image_block(image))

    pages = [client.get(page.url) for page in (article, news_index, feed)]
    api = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))

    for response in pages:
        tags, _documents, imgs = page_parts(response)
        assert imgs == [] and "og:image" not in tags
    assert api.status_code == 200 and api.json()["lead_image"]["renditions"] == {}
    assert warnings_logged(caplog)
