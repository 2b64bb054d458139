"""The console header's line about the reader page: a link to it, or why there is none (not
published yet, or published where no site reaches it)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page

from tests import factories

pytestmark = pytest.mark.django_db


def header(client, feed):
    response = client.get(reverse("wagtail_newsfeed_console:console", args=[feed.pk]))
    assert response.status_code == 200
    note = response.context["live_page_note"]
    assert not note or escape(str(note)) in response.content.decode()  # the header shows it
    return response.context


def test_a_published_feed_in_a_site_links_to_its_reader_page(admin_client, feed):
    context = header(admin_client, feed)

    assert context["live_url"] == feed.get_url()
    assert not context["live_page_note"]


def test_a_feed_never_published_says_so(admin_client, news_index):
    feed = factories.make_feed(news_index, "Not yet", publish=False)

    context = header(admin_client, feed)

    assert context["live_url"] is None
    assert context["live_page_note"] == "The live page is not published yet."


def test_a_published_feed_outside_every_site_says_no_reader_can_reach_it(admin_client):
    orphan_index = factories.make_index(Page.get_first_root_node(), "Outside every site")
    feed = factories.make_feed(orphan_index, "Lost coverage")
    assert feed.live

    context = header(admin_client, feed)

    assert context["live_url"] is None
    note = str(context["live_page_note"])
    assert "published" in note and "outside every site" in note
    assert "not published" not in note
