"""The Wagtail page editor for news index, article and live feed pages, through the real views."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests import factories
from tests.page_forms import add_url, article_data, edit_url, feed_data
from wagtail_newsfeed.modeladmin import entry_admin_urls
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


# News index -----------------------------------------------------------------------------------


def test_index_create_view_saves_a_news_index(admin_client):
    home = factories.root_page()
    assert admin_client.get(add_url(NewsIndexPage, home)).status_code == 200
    data = nested_form_data(
        {
            "title": "World news",
            "slug": "world",
            "intro": rich_text("<p>Reporting from <b>everywhere</b>.</p>"),
            "comments": inline_formset([]),
        }
    )
    response = admin_client.post(add_url(NewsIndexPage, home), data)
    assert response.status_code == 302
    index = NewsIndexPage.objects.get(slug="world")
    assert index.title == "World news" and index.get_parent().pk == home.pk
    assert "<b>everywhere</b>" in index.intro
    assert not index.live  # saved as a draft, not published


def test_index_create_without_title_shows_errors_and_saves_nothing(admin_client):
    home = factories.root_page()
    data = nested_form_data({"title": "", "slug": "", "comments": inline_formset([])})
    response = admin_client.post(add_url(NewsIndexPage, home), data)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not NewsIndexPage.objects.exists()


def test_index_edit_view_saves_and_publishes(admin_client, news_index):
    assert admin_client.get(edit_url(news_index)).status_code == 200
    data = nested_form_data(
        {
            "title": "Renamed news",
            "slug": news_index.slug,
            "intro": rich_text("<p>New intro</p>"),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    assert admin_client.post(edit_url(news_index), data).status_code == 302
    news_index.refresh_from_db()
    assert news_index.title == "Renamed news" and "New intro" in news_index.intro


# Articles -------------------------------------------------------------------------------------


def test_article_create_saves_every_tab(admin_client, news_index):
    jane, john = factories.make_author("Jane Doe"), factories.make_author("John Roe")
    trade, china = factories.make_topic("Trade"), factories.make_topic("US China Relations")
    reuters = factories.make_source("Reuters")
    assert admin_client.get(add_url(NewsArticlePage, news_index)).status_code == 200
    data = article_data(
        source=str(reuters.pk),
        is_breaking="on",
        article_authors=inline_formset([{"author": str(john.pk)}, {"author": str(jane.pk)}]),
        corrections=inline_formset(
            [{"kind": "correction", "noted_at": "2021-04-19 10:00", "text": "Fixed a name."}]
        ),
    )
    data["topics"] = [str(china.pk)]
    response = admin_client.post(add_url(NewsArticlePage, news_index), data)
    assert response.status_code == 302, response.content[:2000]
    article = NewsArticlePage.objects.get(slug="us-china-climate")
    assert article.get_parent().pk == news_index.pk
    assert (article.dateline, article.source, article.is_breaking) == ("SHANGHAI", reuters, True)
    assert article.published_at == datetime(2021, 4, 18, 8, 30, tzinfo=NEW_YORK)
    assert article.get_authors() == [john, jane]
    assert list(article.topics.all()) == [china]
    assert trade not in article.topics.all()
    assert sorted(article.tags.names()) == ["climate", "diplomacy"]
    assert [c.text for c in article.corrections.all()] == ["Fixed a name."]
    assert [block.block_type for block in article.body] == ["paragraph", "quote", "heading"]
    assert article.body[1].value["attribution"] == "John Kerry"
    assert "said on Sunday" in article.body[0].value.source


def test_article_create_with_an_invalid_block_shows_errors_and_saves_nothing(
    admin_client, news_index
):
    data = article_data(
        body=streamfield([("heading", {"text": "Reaction from Beijing", "level": "h9"})]),
    )
    response = admin_client.post(add_url(NewsArticlePage, news_index), data)
    assert response.status_code == 200
    assert "The page could not be created due to validation errors" in response.text
    assert "Reaction from Beijing" in response.text  # what the editor typed is still there
    assert not NewsArticlePage.objects.exists()


def test_article_publish_with_an_empty_required_block_field_is_refused(admin_client, news_index):
    # Drafts may leave required fields empty (Wagtail defers that check); publishing may not.
    data = article_data(body=streamfield([("quote", {"text": "", "attribution": "Nobody"})]))
    data["action-publish"] = "action-publish"
    response = admin_client.post(add_url(NewsArticlePage, news_index), data)
    assert response.status_code == 200
    assert "Nobody" in response.text
    assert not NewsArticlePage.objects.exists()


def test_article_create_without_title_or_slug_is_refused(admin_client, news_index):
    response = admin_client.post(add_url(NewsArticlePage, news_index), article_data(title=""))
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not NewsArticlePage.objects.exists()


def test_article_cannot_be_created_outside_a_news_index(admin_client):
    home = factories.root_page()
    response = admin_client.get(add_url(NewsArticlePage, home))
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    response = admin_client.post(add_url(NewsArticlePage, home), article_data(), follow=True)
    assert "do not have permission" in response.text
    assert not NewsArticlePage.objects.exists()
    assert not Page.objects.filter(slug="us-china-climate").exists()


def test_article_edit_view_changes_authors_topics_and_corrections(admin_client, news_index):
    jane, john = factories.make_author("Jane Doe"), factories.make_author("John Roe")
    topic = factories.make_topic("Climate")
    article = factories.make_article(news_index, "Old headline", authors=[jane])
    assert admin_client.get(edit_url(article)).status_code == 200
    link = NewsArticlePage.objects.get(pk=article.pk).article_authors.get()
    data = article_data(
        title="New headline",
        slug=article.slug,
        article_authors=inline_formset(
            [
                {"id": str(link.pk), "author": str(jane.pk), "DELETE": "on"},
                {"author": str(john.pk)},
            ],
            initial=1,
        ),
        corrections=inline_formset(
            [{"kind": "update", "noted_at": "2021-04-20 12:00", "text": "Added reaction."}]
        ),
    )
    data["topics"] = [str(topic.pk)]
    data["action-publish"] = "action-publish"
    assert admin_client.post(edit_url(article), data).status_code == 302
    article = NewsArticlePage.objects.get(pk=article.pk)
    assert article.title == "New headline" and article.live
    assert article.get_authors() == [john]
    assert list(article.topics.all()) == [topic]
    assert [(c.kind, c.text) for c in article.corrections.all()] == [("update", "Added reaction.")]


def test_article_edit_with_invalid_data_keeps_the_stored_page(admin_client, news_index):
    article = factories.make_article(news_index, "Kept headline")
    data = article_data(title="", slug=article.slug, standfirst="My unsaved standfirst")
    response = admin_client.post(edit_url(article), data)
    assert response.status_code == 200
    assert "My unsaved standfirst" in response.text
    article.refresh_from_db()
    assert article.title == "Kept headline"


# Live feeds -----------------------------------------------------------------------------------


def test_feed_create_view_saves_a_live_feed(admin_client, news_index):
    response = admin_client.get(add_url(LiveFeedPage, news_index))
    assert response.status_code == 200
    assert "Save the feed once before adding entries." in response.text
    assert admin_client.post(add_url(LiveFeedPage, news_index), feed_data()).status_code == 302
    feed = LiveFeedPage.objects.get(slug="election-live")
    assert (feed.coverage_status, feed.entry_order) == ("live", "newest_first")
    assert feed.coverage_start == datetime(2026, 11, 3, 18, 0, tzinfo=NEW_YORK)
    assert "Polls close at 8pm" in feed.summary


def test_feed_create_with_invalid_choice_shows_errors_and_saves_nothing(admin_client, news_index):
    data = feed_data(coverage_status="finished", title="")
    response = admin_client.post(add_url(LiveFeedPage, news_index), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not LiveFeedPage.objects.exists()


def test_feed_edit_view_shows_latest_entries_and_the_add_entry_link(admin_client, feed):
    factories.make_entry(feed, headline="Polls close", is_pinned=True)
    factories.make_entry(feed, text="First results from Ohio.", status="draft")
    response = admin_client.get(edit_url(feed))
    assert response.status_code == 200
    html = response.content.decode()
    urls = entry_admin_urls(feed)
    assert f'href="{urls["add_entry_url"]}"' in html.replace("&amp;", "&")
    assert "Add entry" in html
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    assert f'href="{console}"' in html
    assert "Polls close" in html and "Pinned" in html
    assert "First results from Ohio." in html and "Draft" in html


def test_feed_edit_view_saves_changes(admin_client, feed):
    data = feed_data(title="Election night: results", slug=feed.slug, coverage_status="ended")
    data["action-publish"] = "action-publish"
    assert admin_client.post(edit_url(feed), data).status_code == 302
    feed.refresh_from_db()
    assert (feed.title, feed.coverage_status) == ("Election night: results", "ended")


# The session engine ---------------------------------------------------------------------------

ENGINE = "wagtail_newsfeed.sessions"


@pytest.mark.parametrize("cookie", ["abcdefgh\x00ijkl", "\x00" * 32, "ABCDEFGHIJKLMNOP"], ids=repr)
def test_a_session_cookie_django_never_gives_out_is_no_session_on_admin_pages(
    client, settings, cookie
):
    """``wagtail_newsfeed.sessions`` (the example site's ``SESSION_ENGINE``) never looks up a key
    with a character Django's own keys do not have: PostgreSQL refuses a NUL in a query, which
    Django's database sessions would make a 500 on every page."""
    settings.SESSION_ENGINE = ENGINE
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_the_session_engine_keeps_a_real_session(client, settings, superuser):
    from importlib import import_module

    settings.SESSION_ENGINE = ENGINE
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    store = import_module(ENGINE).SessionStore
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert store(key).session_key == key and store(key).load()
    assert store(key.upper()).session_key is None
    assert store(key[:-1] + "\x00").load() == {}
