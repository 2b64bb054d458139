"""Reader pages that share well: canonical link, OpenGraph and Twitter card tags, the publisher's
name in the masthead, and live feeds only under a news index."""

from __future__ import annotations

import json
import re
from datetime import datetime

import html5lib
import pytest
from django.test import RequestFactory
from wagtail.models import PageViewRestriction, Site

from tests import factories
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage
from wagtail_newsfeed.templatetags.wagtail_newsfeed_share import newsfeed_share_meta

pytestmark = pytest.mark.django_db

#: OpenGraph wants ISO 8601; whole seconds and an offset, as ``<time datetime>`` gets.
ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def head(html: str) -> dict[str, list[str]]:
    """The share tags of a page: ``canonical``, and each ``property``/``name`` meta's contents."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    found: dict[str, list[str]] = {}
    for link in tree.iter("link"):
        if link.get("rel") == "canonical":
            found.setdefault("canonical", []).append(link.get("href"))
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key and (key.startswith(("og:", "article:", "twitter:"))):
            found.setdefault(key, []).append(meta.get("content"))
    return found


def test_article_has_canonical_opengraph_and_twitter_tags(client, news_index, public_site):
    topic = factories.make_topic("Politics")
    image = factories.make_image("Summit hall", width=1600, height=900)
    article = factories.make_article(
        news_index,
        "Summit ends with a deal",
        standfirst="Leaders agree on a climate fund.",
        topics=[topic],
        lead_image=image,
    )

    tags = head(client.get(article.url).content.decode())

    url = f"https://news.example.org{article.url}"
    assert tags["canonical"] == [url]
    assert tags["og:url"] == [url]
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Summit ends with a deal"]
    assert tags["og:description"] == ["Leaders agree on a climate fund."]
    assert tags["og:site_name"] == ["Test Newsroom"]
    assert tags["article:section"] == ["Politics"]
    [image_url] = tags["og:image"]
    assert image_url.startswith("https://news.example.org/")
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["675"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["twitter:image"] == [image_url]
    assert tags["twitter:title"] == ["Summit ends with a deal"]
    published = tags["article:published_time"][0]
    assert ISO_SECONDS.match(published), published
    article.refresh_from_db()
    assert datetime.fromisoformat(published) == article.display_date.replace(microsecond=0)
    assert ISO_SECONDS.match(tags["article:modified_time"][0])


def test_seo_title_and_search_description_win_over_title_and_standfirst(client, news_index):
    article = factories.make_article(
        news_index, "Headline", seo_title="SEO headline", search_description="SEO summary"
    )

    tags = head(client.get(article.url).content.decode())

    assert tags["og:title"] == ["SEO headline"]
    assert tags["og:description"] == ["SEO summary"]


def test_article_without_image_gets_a_summary_card_and_no_image_tags(client, news_index):
    article = factories.make_article(news_index, "No picture")

    tags = head(client.get(article.url).content.decode())

    assert tags["twitter:card"] == ["summary"]
    assert "og:image" not in tags and "twitter:image" not in tags


def test_editor_text_in_share_tags_is_escaped(client, news_index):
    article = factories.make_article(
        news_index, 'Quote "here" <script>alert(1)</script>', standfirst='"><img src=x>'
    )

    html = client.get(article.url).content.decode()

    assert "<script>alert(1)" not in html and '"><img src=x>' not in html
    assert head(html)["og:title"] == ['Quote "here" <script>alert(1)</script>']


def test_descriptions_are_words_as_written_paragraphs_apart(client, news_index):
    """A rich-text summary's paragraphs keep a space between them and its entities are decoded
    once; a plain-text search description is text, never read as HTML."""
    feed = factories.make_feed(
        news_index, "Live", summary="<p>First para.</p><p>Second &amp; last.</p>"
    )
    article = factories.make_article(
        news_index, "Plain", search_description="x </script><b>bold</b> <!-- c --> a < b"
    )

    feed_tags = head(client.get(feed.url).content.decode())
    article_tags = head(client.get(article.url).content.decode())
    (jsonld,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', client.get(feed.url).content.decode()
    )

    assert feed_tags["og:description"] == ["First para. Second & last."]
    assert json.loads(jsonld)["description"] == "First para. Second & last."
    expected = "x </script><b>bold</b> <!-- c --> a < b"
    assert article_tags["og:description"] == article_tags["twitter:description"] == [expected]


def test_live_feed_page_has_article_type_and_times(client, news_index, public_site):
    feed = factories.make_feed(news_index, "Election night live", summary="<p>Counting.</p>")
    factories.make_entry(feed, text="Polls close")

    tags = head(client.get(feed.url).content.decode())

    assert tags["canonical"] == [f"https://news.example.org{feed.url}"]
    assert tags["og:type"] == ["article"]
    assert tags["og:description"] == ["Counting."]
    assert ISO_SECONDS.match(tags["article:published_time"][0])
    assert ISO_SECONDS.match(tags["article:modified_time"][0])


def test_older_entries_pages_are_canonical_to_the_feed(client, news_index, settings):
    """A live feed is one story at one URL, as its JSON-LD says."""
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 2}
    feed = factories.make_feed(news_index)
    entries = [factories.make_entry(feed, text=f"Update {i}") for i in range(4)]

    first = head(client.get(feed.url).content.decode())
    older = head(client.get(f"{feed.url}?before={entries[2].pk}").content.decode())
    bogus = head(client.get(f"{feed.url}?before=nonsense").content.decode())

    assert first["canonical"][0].endswith(feed.url)
    assert older["canonical"] == bogus["canonical"] == first["canonical"]


def test_index_is_a_website_and_paginated_pages_are_canonical_to_themselves(
    client, news_index, settings
):
    settings.WAGTAIL_NEWSFEED = {"ARTICLES_PER_PAGE": 1}
    topic = factories.make_topic("Science")
    for i in range(3):
        factories.make_article(news_index, f"Story {i}", topics=[topic])

    first = head(client.get(news_index.url).content.decode())
    second = head(client.get(f"{news_index.url}?page=2").content.decode())
    by_topic = head(client.get(f"{news_index.url}?topic={topic.slug}&page=3").content.decode())
    hostile = client.get(f"{news_index.url}?page=%22%3E%3Cx&utm_source=spam")
    tracked = head(client.get(f"{news_index.url}?utm_source=spam").content.decode())

    assert first["og:type"] == ["website"]
    assert first["canonical"][0].endswith(news_index.url)
    assert second["canonical"][0].endswith(f"{news_index.url}?page=2")
    assert by_topic["canonical"][0].endswith(f"{news_index.url}?topic={topic.slug}&page=3")
    assert hostile.status_code == 404  # not a page number: no page to be canonical
    assert tracked["canonical"] == first["canonical"]
    assert "article:published_time" not in first


def test_private_page_sends_no_share_tags(client, news_index):
    article = factories.make_article(news_index, "Members only")
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    response = client.get(article.url)

    html = response.content.decode()
    assert "canonical" not in html and "og:" not in html and "Members only" not in html


def test_preview_of_a_draft_renders_without_share_tags(news_index):
    draft = factories.make_article(news_index, "Draft story", publish=False)
    draft = NewsArticlePage.objects.get(pk=draft.pk).get_latest_revision_as_object()

    response = draft.make_preview_request()

    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft story" in html
    assert 'rel="canonical"' not in html and "og:title" not in html


def test_preview_of_a_new_unsaved_page_renders_without_share_tags(news_index):
    page = NewsArticlePage(title="Not saved yet", slug="not-saved-yet", standfirst="x")
    page.set_url_path(news_index)

    response = page.make_preview_request()

    assert response.status_code == 200
    assert 'rel="canonical"' not in response.content.decode()


def test_masthead_shows_the_publisher_name(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"PUBLISHER_NAME": "The Daily Example"}

    html = client.get(news_index.url).content.decode()

    assert re.search(r'class="newsfeed-site-name"[^>]*>The Daily Example</a>', html)


def test_masthead_falls_back_to_the_site_name(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {}
    Site.objects.filter(is_default_site=True).update(site_name="Wire Desk")

    html = client.get(news_index.url).content.decode()

    assert re.search(r'class="newsfeed-site-name"[^>]*>Wire Desk</a>', html)


def test_live_feeds_may_be_created_only_under_a_news_index(news_index):
    home = factories.root_page()

    assert LiveFeedPage.can_create_at(news_index)
    assert not LiveFeedPage.can_create_at(home)


def test_admin_refuses_a_live_feed_under_the_home_page(admin_client, news_index):
    home = factories.root_page()
    url = f"/admin/pages/add/wagtail_newsfeed/livefeedpage/{home.pk}/"

    shown = admin_client.get(url)
    posted = admin_client.post(url, {"title": "Stray feed", "slug": "stray-feed"})

    assert shown.status_code == 302 and shown["Location"] == "/admin/"
    assert posted.status_code == 302
    assert not LiveFeedPage.objects.filter(title="Stray feed").exists()
    assert (
        admin_client.get(
            f"/admin/pages/add/wagtail_newsfeed/livefeedpage/{news_index.pk}/"
        ).status_code
        == 200
    )


def test_page_outside_every_site_gets_no_empty_canonical(news_index):
    """A page Wagtail cannot give a URL (no Site above it) gets no share tags at all."""
    article = factories.make_article(news_index, "Orphan")
    Site.objects.all().delete()
    request = RequestFactory().get("/")

    assert newsfeed_share_meta({"request": request}, article) == {"meta": None}


@pytest.mark.parametrize("number", ["²", "１２", "-1"])
def test_a_page_number_that_is_not_ascii_digits_is_no_page(client, news_index, number):
    response = client.get(news_index.url, {"page": number})

    assert response.status_code == 404
    assert "canonical" not in head(response.content.decode())


def test_a_topic_listing_is_shared_as_its_topic(client, news_index):
    topic = factories.make_topic("Science")
    topic.description = "Research & discovery."
    topic.save()
    factories.make_article(news_index, "Story", topics=[topic])

    tags = head(client.get(news_index.url, {"topic": topic.slug}).content.decode())
    plain = head(client.get(news_index.url).content.decode())

    assert tags["og:title"] == tags["twitter:title"] == [f"Science | {news_index.title}"]
    assert tags["og:description"] == ["Research & discovery."]
    assert plain["og:title"] == [news_index.title]


#: What an ORM write, a script or an old import can leave in a name: the escape and delete
#: controls and a non-character are dropped, a vertical tab is a space.
CONTROLS = "\x1bSci\x7fence\ufffe\x0bnews"


def test_share_tags_drop_stored_control_characters(client, news_index, public_site):
    from wagtail_newsfeed.models import Topic

    topic = factories.make_topic("Science")
    article = factories.make_article(news_index, "Story", topics=[topic])
    Topic.objects.filter(pk=topic.pk).update(name=CONTROLS, description=f"Re{CONTROLS}")
    NewsArticlePage.objects.filter(pk=article.pk).update(
        title="A\x1b title\x0bhere", standfirst=f"Stand\x7f{CONTROLS}"
    )
    article.refresh_from_db()

    by_topic = head(client.get(news_index.url, {"topic": topic.slug}).content.decode())
    story = head(client.get(article.url).content.decode())

    assert by_topic["og:title"] == ["Science news | News"]
    assert by_topic["og:description"] == ["ReScience news"]
    assert story["og:title"] == ["A title here"]
    assert story["og:description"] == ["StandScience news"]
    assert story["article:section"] == ["Science news"]


def test_a_topic_of_invisible_characters_leaves_the_index_title(client, news_index):
    from wagtail_newsfeed.models import Topic

    topic = factories.make_topic("Science")
    factories.make_article(news_index, "Story", topics=[topic])
    Topic.objects.filter(pk=topic.pk).update(name="\u200b\x1b")

    tags = head(client.get(news_index.url, {"topic": topic.slug}).content.decode())

    assert tags["og:title"] == ["News"]
