"""Embedded iframes have an accessible name: the provider's title, else the embed's title, else
its caption, else "Embedded content" (a Vimeo oEmbed iframe comes without one)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests import factories

pytestmark = pytest.mark.django_db

VIMEO = "https://vimeo.com/76979871"


def cache_embed(html: str, title: str = "", url: str = VIMEO) -> str:
    Embed.objects.create(
        url=url, hash=get_embed_hash(url, None, None), type="video", html=html, title=title
    )
    return url


def page_html(client, news_index, caption: str = "") -> str:
    article = factories.make_article(
        news_index, body=[{"type": "embed", "value": {"embed": VIMEO, "caption": caption}}]
    )
    return client.get(article.url).content.decode()


def test_an_iframe_without_a_title_gets_the_embed_s_title(client, news_index):
    cache_embed(
        '<iframe src="https://player.vimeo.com/video/76979871"></iframe>', "The New Vimeo Player"
    )
    html = page_html(client, news_index, caption="Our caption")
    assert (
        '<iframe src="https://player.vimeo.com/video/76979871" title="The New Vimeo Player">'
        in html
    )


def test_without_an_embed_title_the_caption_names_the_iframe(client, news_index):
    cache_embed('<iframe src="https://player.vimeo.com/video/76979871"></iframe>')
    html = page_html(client, news_index, caption="Flood footage")
    assert 'title="Flood footage"' in html


def test_without_a_title_or_caption_the_iframe_is_embedded_content(client, news_index):
    cache_embed('<iframe src="https://player.vimeo.com/video/76979871"></iframe>')
    html = page_html(client, news_index)
    assert 'title="Embedded content"' in html


def test_an_iframe_s_own_title_is_kept(client, news_index):
    cache_embed(
        '<iframe src="https://player.vimeo.com/video/1" title="Provider title"></iframe>', "Other"
    )
    html = page_html(client, news_index, caption="Caption")
    assert 'title="Provider title"' in html and 'title="Other"' not in html


def test_a_title_is_written_as_an_attribute_not_markup(client, news_index):
    cache_embed(
        '<iframe src="https://player.vimeo.com/video/1"></iframe>', '"><script>alert(1)</script>'
    )
    html = page_html(client, news_index)
    assert "<script>alert(1)</script>" not in html
    frame = BeautifulSoup(html, "html.parser").find("iframe")
    assert frame["title"] == '"><script>alert(1)</script>'
    assert not frame.find_all(True)


def test_embed_html_without_an_iframe_is_left_as_it_is(client, news_index):
    tweet = '<blockquote class="twitter-tweet"><p>Words</p></blockquote>\n<script async src="https://platform.twitter.com/widgets.js"></script>'
    cache_embed(tweet, "A tweet")
    assert tweet in page_html(client, news_index)


def test_the_api_names_the_iframe_with_the_embed_title_or_caption(news_index):
    cache_embed(
        '<iframe src="https://player.vimeo.com/video/76979871"></iframe>', "The New Vimeo Player"
    )
    article = factories.make_article(
        news_index, body=[{"type": "embed", "value": {"embed": VIMEO, "caption": ""}}]
    )
    body = (
        APIClient()
        .get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))
        .json()["body"]
    )
    assert 'title="The New Vimeo Player"' in body[0]["value"]["html"]
