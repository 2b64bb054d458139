"""A site with Wagtail's i18n on: the German translation of the home page is a sibling of the
Site's root page, served at ``/de/...`` on the same Site (``Site.get_site_root_paths``). Its
feeds, its articles in the site-wide feeds, ``find`` and the sitemaps are the Site's too; hidden
German pages stay out as hidden English ones do."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import Locale, Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage

pytestmark = pytest.mark.django_db

FORMATS = ("rss", "atom")
FIND = "/api/newsfeed/v1/articles/find/"
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
LANGUAGES = [("en-gb", "English"), ("de", "German")]


@pytest.fixture
def i18n(settings, db):
    """Wagtail's i18n as its docs set it up: content languages, ``LocaleMiddleware`` and
    Wagtail's URLs in ``i18n_patterns`` (``tests.urls_i18n``); the German locale."""
    settings.WAGTAIL_I18N_ENABLED = True
    settings.LANGUAGES = settings.WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
    settings.ROOT_URLCONF = "tests.urls_i18n"
    middleware = list(settings.MIDDLEWARE)
    sessions = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    middleware.insert(sessions + 1, "django.middleware.locale.LocaleMiddleware")
    settings.MIDDLEWARE = middleware
    return Locale.objects.create(language_code="de")


def translate(page: Page, locale: Locale, title: str, *, publish: bool = True) -> Page:
    """Wagtail's own translation action (a draft copy in ``locale``), then, as a translator
    would, a German title and a publish."""
    copy = page.specific.copy_for_translation(locale)
    copy.title = title
    revision = copy.save_revision()
    if publish:
        revision.publish()
    copy.refresh_from_db()
    return copy


@dataclass
class German:
    home: Page
    index: NewsIndexPage
    article: NewsArticlePage
    feed: LiveFeedPage
    english_article: NewsArticlePage


@pytest.fixture
def german(i18n, news_index, feed) -> German:
    english_article = factories.make_article(news_index, "Storm hits the coast", slug="storm")
    home = translate(factories.root_page(), i18n, "Startseite")
    index = translate(news_index, i18n, "Nachrichten")
    article = translate(english_article, i18n, "Sturm trifft die Küste")
    live = translate(feed, i18n, "Wahlabend live")
    return German(home, index, article, live, english_article)


def _text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_the_german_pages_are_served_under_de_on_the_same_site(client, german):
    """The control: Wagtail serves the translations at /de/..., the originals unprefixed."""
    assert german.home.get_url() == "/de/"
    assert german.article.get_url() == f"/de/{german.index.slug}/storm/"
    assert "Sturm trifft die Küste" in _text(client.get(german.article.get_url()))
    assert "Storm hits the coast" in _text(client.get(german.english_article.get_url()))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_german_live_feeds_advertised_feed_lists_its_entries(client, german, fmt):
    factories.make_entry(german.feed, text="Eilmeldung aus Berlin")
    href = reverse(f"wagtail_newsfeed:live_{fmt}", args=[german.feed.pk])
    assert href in _text(client.get(german.feed.get_url()))

    body = _text(client.get(href))
    assert "Eilmeldung aus Berlin" in body
    assert german.feed.get_full_url() in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_german_news_indexs_advertised_feed_lists_its_german_articles(client, german, fmt):
    href = reverse(f"wagtail_newsfeed:index_{fmt}", args=[german.index.pk])
    assert href in _text(client.get(german.index.get_url()))

    body = _text(client.get(href))
    assert "Sturm trifft die Küste" in body
    assert german.article.get_full_url() in body
    assert "Storm hits the coast" not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_latest_feeds_list_german_and_english_articles(client, german, fmt):
    body = _text(client.get(reverse(f"wagtail_newsfeed:latest_{fmt}")))

    assert "Sturm trifft die Küste" in body
    assert german.article.get_full_url() in body
    assert "Storm hits the coast" in body


def test_find_answers_the_path_the_api_gives_for_a_german_article(german):
    api = APIClient()
    detail = api.get(f"/api/newsfeed/v1/articles/{german.article.pk}/")
    path = detail.json()["path"]
    assert path == f"/de/{german.index.slug}/storm/"

    found = api.get(FIND, {"path": path})
    assert found.status_code == 200, found.content[:300]
    assert found.json() == detail.json()
    # The same path without the prefix is the English original's, as for a reader.
    english = api.get(FIND, {"path": f"/{german.index.slug}/storm/"})
    assert english.status_code == 200, english.content[:300]
    assert english.json()["id"] == german.english_article.pk


def test_find_answers_404_for_a_german_path_with_nothing_there(german):
    api = APIClient()
    assert api.get(FIND, {"path": f"/de/{german.index.slug}/nothing/"}).status_code == 404
    assert api.get(FIND, {"path": "/de/"}).status_code == 404  # the German home: no article


def _locs(client, url: str) -> list[str]:
    root = ElementTree.fromstring(_text(client.get(url)))
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def test_the_sitemaps_list_the_german_urls(client, german):
    pages = _locs(client, "/sitemap.xml")
    for page in (german.home, german.index, german.article, german.feed):
        assert page.get_full_url() in pages
    assert german.english_article.get_full_url() in pages

    news = _locs(client, "/news-sitemap.xml")
    assert german.article.get_full_url() in news
    assert german.english_article.get_full_url() in news
    root = ElementTree.fromstring(_text(client.get("/news-sitemap.xml")))
    languages = {
        url.find("sm:loc", SITEMAP_NS).text: url.find(".//news:language", SITEMAP_NS).text
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert languages[german.article.get_full_url()] == "de"


def _listings(german: German) -> list[str]:
    """Every feed and sitemap that lists the German article."""
    feeds = [reverse(f"wagtail_newsfeed:latest_{fmt}") for fmt in FORMATS]
    feeds += [reverse(f"wagtail_newsfeed:index_{fmt}", args=[german.index.pk]) for fmt in FORMATS]
    return [*feeds, "/sitemap.xml", "/news-sitemap.xml"]


def test_private_and_draft_german_articles_stay_out_of_feeds_sitemaps_and_find(
    client, german, i18n
):
    index = german.english_article.get_parent()
    private = translate(factories.make_article(index, slug="private"), i18n, "Privatsache")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    translate(factories.make_article(index, slug="draft"), i18n, "Entwurfssache", publish=False)
    hidden_paths = [f"/de/{german.index.slug}/{slug}/" for slug in ("private", "draft")]

    for url in _listings(german):
        body = _text(client.get(url))
        assert german.article.get_full_url() in body, url  # the control: German items listed
        assert not [path for path in hidden_paths if path in body], url
        assert "Privatsache" not in body and "Entwurfssache" not in body, url
    api = APIClient()
    for path in hidden_paths:
        assert api.get(FIND, {"path": path}).status_code == 404, path


def test_a_draft_german_live_feed_has_no_feeds(client, german, i18n, news_index):
    draft = translate(factories.make_feed(news_index), i18n, "Entwurf live", publish=False)

    for fmt in FORMATS:
        response = client.get(reverse(f"wagtail_newsfeed:live_{fmt}", args=[draft.pk]))
        assert response.status_code == 404
