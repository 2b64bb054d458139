"""A live feed shares like an article: its share image in the OpenGraph and Twitter tags and in
its JSON-LD, and a section by the one rule (an article's topics by name, else the news index the
story is under)."""

from __future__ import annotations

import json
import re

import html5lib
import pytest

from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
RENDITIONS = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")


def shared(client, page) -> tuple[dict[str, list[str]], dict]:
    """The page's share tags (``property``/``name`` meta by key) and its JSON-LD."""
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    tags: dict[str, list[str]] = {}
    for meta in html5lib.parse(html, namespaceHTMLElements=False).iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key and key.startswith(("og:", "article:", "twitter:")):
            tags.setdefault(key, []).append(meta.get("content"))
    (jsonld,) = SCRIPT.findall(html)
    return tags, json.loads(jsonld)


def test_live_feed_with_a_share_image_gets_a_large_card_and_json_ld_images(
    client, news_index, public_site
):
    image = factories.make_image("Count centre", width=1600, height=900)
    feed = factories.make_feed(news_index, "Election night live", share_image=image)

    tags, data = shared(client, feed)

    url = f"https://news.example.org{image.get_rendition('fill-1200x675').url}"
    assert tags["og:image"] == tags["twitter:image"] == [url]
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["675"]
    assert tags["og:image:alt"] == ["Count centre"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert data["@type"] == "LiveBlogPosting"
    assert data["image"] == [
        f"https://news.example.org{image.get_rendition(spec).url}" for spec in RENDITIONS
    ]


def test_live_feed_without_a_share_image_gets_a_summary_card(client, news_index):
    feed = factories.make_feed(news_index, "Election night live")

    tags, data = shared(client, feed)

    assert "og:image" not in tags and "twitter:image" not in tags
    assert tags["twitter:card"] == ["summary"]
    assert "image" not in data


def test_live_feed_is_in_the_section_of_its_news_index(client, news_index):
    index = factories.make_index(title="Elections")
    feed = factories.make_feed(index, "Election night live")

    tags, data = shared(client, feed)

    assert tags["article:section"] == ["Elections"]
    assert data["articleSection"] == ["Elections"]


def test_article_section_is_its_first_topic_by_name_else_its_index(client, news_index):
    topics = [factories.make_topic("Politics"), factories.make_topic("Europe")]
    filed = factories.make_article(news_index, "Talks resume", topics=topics)
    unfiled = factories.make_article(news_index, "Bridge reopens")

    filed_tags, filed_data = shared(client, filed)
    unfiled_tags, unfiled_data = shared(client, unfiled)

    assert filed_tags["article:section"] == ["Europe"]
    assert filed_data["articleSection"] == ["Europe", "Politics"]
    assert unfiled_tags["article:section"] == [news_index.title]
    assert unfiled_data["articleSection"] == [news_index.title]


def test_editors_choose_a_live_feeds_share_image_in_the_admin(admin_client, feed):
    response = admin_client.get(f"/admin/pages/{feed.pk}/edit/")

    assert response.status_code == 200
    assert 'name="share_image"' in response.content.decode()
