"""One publisher name everywhere the site names itself: the masthead, ``og:site_name``, JSON-LD,
RSS/Atom and the Google News sitemap. ``PUBLISHER_NAME``, else the Wagtail Site's name, else
``WAGTAIL_SITE_NAME``, else "News": never the Site's hostname."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from tests import factories, tools
from wagtail_newsfeed.jsonld import publisher_name

feedparser = tools.import_or_missing("feedparser")

pytestmark = pytest.mark.django_db

NEWS = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
SITE_NAME = re.compile(r'<meta property="og:site_name" content="([^"]*)">')


def everywhere(client, article) -> dict[str, object]:
    """The publisher's name as each surface gives it."""
    html = client.get(article.url).content.decode()
    (jsonld,) = SCRIPT.findall(html)
    rss = feedparser.parse(client.get(reverse("wagtail_newsfeed:latest_rss")).content)
    atom = feedparser.parse(client.get(reverse("wagtail_newsfeed:latest_atom")).content)
    sitemap = ElementTree.fromstring(client.get("/news-sitemap.xml").content)
    return {
        "masthead": re.search(r'class="newsfeed-site-name"[^>]*>([^<]*)</a>', html)[1],
        "og:site_name": SITE_NAME.findall(html),
        "json-ld": json.loads(jsonld)["publisher"]["name"],
        "rss": rss.feed.title,
        "atom": (atom.feed.title, atom.feed.author),
        "news:name": {name.text for name in sitemap.iterfind(".//news:name", NEWS)},
    }


@pytest.fixture
def unnamed_site(settings):
    """What ``wagtail start`` leaves: no ``PUBLISHER_NAME``, a Site with no name, on an IP."""
    settings.WAGTAIL_NEWSFEED = {}
    if hasattr(settings, "WAGTAIL_SITE_NAME"):
        del settings.WAGTAIL_SITE_NAME
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port, site.site_name = "127.0.0.1", 8000, ""
    site.save()
    return site


def test_an_unnamed_site_is_news_everywhere_never_its_hostname(client, news_index, unnamed_site):
    article = factories.make_article(news_index, "Rates rise")

    assert everywhere(client, article) == {
        "masthead": "News",
        "og:site_name": ["News"],
        "json-ld": "News",
        "rss": "Latest news",
        "atom": ("Latest news", "News"),
        "news:name": {"News"},
    }


def test_wagtail_site_name_setting_names_a_site_without_a_name(
    client, news_index, unnamed_site, settings
):
    settings.WAGTAIL_SITE_NAME = "Harbour Gazette"
    article = factories.make_article(news_index, "Rates rise")

    assert everywhere(client, article) == {
        "masthead": "Harbour Gazette",
        "og:site_name": ["Harbour Gazette"],
        "json-ld": "Harbour Gazette",
        "rss": "Harbour Gazette: latest news",
        "atom": ("Harbour Gazette: latest news", "Harbour Gazette"),
        "news:name": {"Harbour Gazette"},
    }


def test_the_sites_name_wins_over_the_setting(client, news_index, unnamed_site, settings):
    settings.WAGTAIL_SITE_NAME = "mysite"
    unnamed_site.site_name = "Wire Desk"
    unnamed_site.save()
    article = factories.make_article(news_index, "Rates rise")

    names = everywhere(client, article)

    assert names["masthead"] == names["json-ld"] == "Wire Desk"
    assert names["og:site_name"] == ["Wire Desk"] and names["news:name"] == {"Wire Desk"}


def test_publisher_name_wins_over_both(client, news_index, unnamed_site, settings):
    settings.WAGTAIL_SITE_NAME = "mysite"
    settings.WAGTAIL_NEWSFEED = {"PUBLISHER_NAME": "The Daily Example"}
    unnamed_site.site_name = "Wire Desk"
    unnamed_site.save()
    article = factories.make_article(news_index, "Rates rise")

    names = everywhere(client, article)

    assert names["masthead"] == names["json-ld"] == "The Daily Example"
    assert names["og:site_name"] == ["The Daily Example"]
    assert names["news:name"] == {"The Daily Example"}


def test_a_blank_site_name_is_no_name(client, news_index, unnamed_site):
    unnamed_site.site_name = "   "
    unnamed_site.save()
    article = factories.make_article(news_index, "Rates rise")

    assert everywhere(client, article)["json-ld"] == "News"


def test_the_neutral_name_is_translated(unnamed_site):
    with translation.override("de"):
        assert publisher_name() == "Nachrichten"


def test_the_document_title_ends_with_the_publisher_s_name(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"PUBLISHER_NAME": "The Daily Bugle"}
    article = factories.make_article(news_index, "Spider sighted")

    html = client.get(article.url).content.decode()

    assert "<title>Spider sighted | The Daily Bugle</title>" in html
