"""The headless preview from a frontend developer's and an attacker's side: the preview URL as
configured (its query kept exactly, per-site entries in any letter case), who can mint a token,
and what a previewed draft shows of the pages it links to."""

from __future__ import annotations

import json

from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import Site

from tests import factories
from wagtail_newsfeed import preview
from wagtail_newsfeed.models import ArticleRelatedLink, HeadlessPreview

PREVIEW_API = "/api/newsfeed/v1/preview/"


def test_the_configured_query_and_fragment_are_kept_exactly():
    # Bare flags and blank values are how many frontends spell switches (``?draft``); parsing
    # and re-encoding the query dropped them and rewrote escapes.
    base = "https://f.example/preview?draft&lang=&path=%2Fnews%2F&token=old&Content_Type=x#top"
    assert preview.frontend_url(base, "T.k:1", "app.model") == (
        "https://f.example/preview?draft&lang=&path=%2Fnews%2F&Content_Type=x"
        "&token=T.k%3A1&content_type=app.model#top"
    )
    assert preview.frontend_url("/headless/preview/", "T", "ct") == (
        "/headless/preview/?token=T&content_type=ct"
    )


def test_a_per_site_entry_matches_the_hostname_in_any_letter_case(news_index, settings):
    site = Site.objects.get(is_default_site=True)  # Wagtail stores hostnames in lower case
    article = factories.make_article(news_index, publish=False)
    settings.WAGTAIL_NEWSFEED = {
        "HEADLESS_PREVIEW_URL": {
            f"{site.hostname.upper()}:{site.port}": "https://with-port.example/p",
            "default": "https://fallback.example/p",
        }
    }
    assert preview.preview_base_url(article) == "https://with-port.example/p"
    settings.WAGTAIL_NEWSFEED = {
        "HEADLESS_PREVIEW_URL": {site.hostname.title(): "https://front.example/p"}
    }
    assert preview.preview_base_url(article) == "https://front.example/p"
    assert [mode for mode, _ in article.preview_modes] == ["", "headless"]


def test_only_editors_of_the_page_can_mint_a_token(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"HEADLESS_PREVIEW_URL": "https://front.example/p"}
    article = factories.make_article(news_index, publish=False)
    other_feed = factories.make_feed(news_index)
    outsider = factories.make_user(groups=[factories.feed_group(other_feed, publish=True)])
    client.force_login(outsider)
    for url in (
        reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk]),
        reverse("wagtailadmin_pages:view_draft", args=[article.pk]),
    ):
        response = client.get(url, {"mode": "headless"})
        # An admin user, but not this page's editor: refused (Wagtail sends her to the dashboard).
        assert (response.status_code, response.get("Location")) in ((403, None), (302, "/admin/"))
    assert not HeadlessPreview.objects.exists()


def test_a_previewed_draft_shows_nothing_of_the_drafts_it_links_to(news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"HEADLESS_PREVIEW_URL": "https://front.example/p"}
    hidden = factories.make_article(news_index, publish=False, title="Embargoed merger")
    public = factories.make_article(news_index, title="Published story")
    article = factories.make_article(news_index, publish=False)
    # As the editor's unsaved form leaves it: a related draft and a link to it in the body.
    article.related_links.add(ArticleRelatedLink(related=hidden))
    article.related_links.add(ArticleRelatedLink(related=public))
    article.body = [
        {"type": "paragraph", "value": f'<p><a linktype="page" id="{hidden.pk}">more</a></p>'}
    ]
    response = APIClient().get(PREVIEW_API, {"token": preview.create_preview_token(article)})
    assert response.status_code == 200, response.content
    shown = response.json()
    assert [related["id"] for related in shown["related"]] == [public.pk]
    text = json.dumps(shown)
    assert "Embargoed merger" not in text and hidden.slug not in text
    assert "more" in text  # the link's text stays, its target does not


def test_head_answers_as_get_without_a_body_and_options_reads_no_token(news_index):
    article = factories.make_article(news_index, publish=False)
    token = preview.create_preview_token(article)
    head = APIClient().head(PREVIEW_API, {"token": token})
    assert (head.status_code, head.content) == (200, b"")
    assert "no-store" in head["Cache-Control"] and not head.has_header("ETag")
    options = APIClient().options(PREVIEW_API, {"token": "junk"})
    assert options.status_code == 200 and "GET" in options["Allow"]
    assert "no-store" in options["Cache-Control"]
