"""The Google News sitemap and the page sitemap: right shape, two-day window, nothing hidden."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed.sitemaps import news_language

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _news_urls(client):
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return root.findall("sm:url", NS)


def _validate_news_url(url):
    """The shape Google News requires of each <url>."""
    assert [child.tag.split("}")[1] for child in url] == ["loc", "news"]
    news = url.find("news:news", NS)
    assert [child.tag.split("}")[1] for child in news] == [
        "publication",
        "publication_date",
        "title",
    ]
    publication = news.find("news:publication", NS)
    assert [child.tag.split("}")[1] for child in publication] == ["name", "language"]
    assert publication.find("news:name", NS).text
    assert publication.find("news:language", NS).text
    return {
        "loc": url.find("sm:loc", NS).text,
        "name": publication.find("news:name", NS).text,
        "language": publication.find("news:language", NS).text,
        "date": news.find("news:publication_date", NS).text,
        "title": news.find("news:title", NS).text,
    }


def test_news_sitemap_lists_recent_articles_in_googles_shape(client, news_index):
    published = timezone.now().replace(microsecond=0) - timedelta(hours=6)
    article = factories.make_article(news_index, "Rates & <jobs>", published_at=published)
    (url,) = _news_urls(client)
    data = _validate_news_url(url)
    assert data == {
        "loc": article.get_full_url(),
        "name": "Test Newsroom",
        "language": "en",
        "date": timezone.localtime(published).isoformat(),
        "title": "Rates & <jobs>",
    }


def test_news_sitemap_honours_the_two_day_window(client, news_index):
    now = timezone.now()
    factories.make_article(news_index, "Fresh", published_at=now - timedelta(hours=47))
    factories.make_article(news_index, "Stale", published_at=now - timedelta(hours=49))
    titles = [_validate_news_url(url)["title"] for url in _news_urls(client)]
    assert titles == ["Fresh"]


def test_news_sitemap_leaves_out_articles_dated_in_the_future(client, news_index):
    now = timezone.now()
    factories.make_article(news_index, "Now", published_at=now - timedelta(minutes=1))
    factories.make_article(news_index, "Tomorrow", published_at=now + timedelta(days=1))
    titles = [_validate_news_url(url)["title"] for url in _news_urls(client)]
    assert titles == ["Now"]


def test_news_sitemap_window_follows_the_setting(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"NEWS_SITEMAP_MAX_AGE_DAYS": 5}
    factories.make_article(news_index, "Four days", published_at=timezone.now() - timedelta(days=4))
    assert len(_news_urls(client)) == 1


def test_news_sitemap_excludes_hidden_articles(client, news_index):
    factories.make_article(news_index, "Visible")
    factories.make_hidden_articles(news_index)
    titles = [_validate_news_url(url)["title"] for url in _news_urls(client)]
    assert titles == ["Visible"]


def test_news_sitemap_lists_newest_first_and_costs_fixed_queries(
    client, news_index, django_assert_max_num_queries
):
    now = timezone.now()
    for hours in (5, 1, 3, 2, 4):
        factories.make_article(news_index, f"{hours}h", published_at=now - timedelta(hours=hours))
    with django_assert_max_num_queries(6):
        urls = _news_urls(client)
    assert [_validate_news_url(url)["title"] for url in urls] == ["1h", "2h", "3h", "4h", "5h"]


def test_news_sitemap_stops_at_the_limit(client, news_index, monkeypatch):
    from wagtail_newsfeed import sitemaps

    for _ in range(3):
        factories.make_article(news_index)
    monkeypatch.setattr(sitemaps, "NEWS_SITEMAP_LIMIT", 2)
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 2)
    assert len(_news_urls(client)) == 2


@pytest.mark.parametrize(
    "code,expected",
    [("en-gb", "en"), ("fr", "fr"), ("zh-hans", "zh-cn"), ("zh-tw", "zh-tw"), ("pt_BR", "pt")],
)
def test_news_language_codes(code, expected):
    assert news_language(code) == expected


def test_page_sitemap_lists_visible_pages_only(client, news_index):
    visible = factories.make_article(news_index, "Visible")
    draft = factories.make_article(news_index, "Draft", publish=False)
    expired = factories.make_article(news_index, "Expired")
    type(expired).objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    private = factories.make_article(news_index, "Private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    locs = {url.find("sm:loc", NS).text for url in root.findall("sm:url", NS)}
    assert visible.get_full_url() in locs
    assert news_index.get_full_url() in locs
    for hidden in (draft, expired, private):
        assert hidden.get_full_url() not in locs


def test_sitemaps_are_public_for_proxies(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"PAGE_CACHE_MAX_AGE": 90}
    factories.make_article(news_index)

    for url in ("/news-sitemap.xml", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=90", url


def _page_lastmods(client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def _feed_with_entry(news_index, published_days_ago: int, entry_days_ago: int):
    """A live feed last published, and its one published entry last changed, days ago."""
    from wagtail_newsfeed.models import LiveEntry, LiveFeedPage

    now = timezone.now()
    feed = factories.make_feed(news_index)
    entry = factories.make_entry(feed)
    LiveFeedPage.objects.filter(pk=feed.pk).update(
        last_published_at=now - timedelta(days=published_days_ago)
    )
    LiveEntry.objects.filter(pk=entry.pk).update(updated_at=now - timedelta(days=entry_days_ago))
    return feed


def _day(days_ago: int) -> str:
    return timezone.localdate(timezone.now() - timedelta(days=days_ago)).isoformat()


def test_page_sitemap_lastmod_of_a_live_feed_is_its_latest_visible_entry_change(client, news_index):
    feed = _feed_with_entry(news_index, published_days_ago=5, entry_days_ago=2)
    factories.make_entry(feed, status="draft")  # changed now, but readers do not see it
    assert _page_lastmods(client)[feed.get_full_url()] == _day(2)


def test_page_sitemap_lastmod_of_a_live_feed_is_its_publish_when_later(client, news_index):
    feed = _feed_with_entry(news_index, published_days_ago=1, entry_days_ago=4)
    quiet = factories.make_feed(news_index)
    lastmods = _page_lastmods(client)
    assert lastmods[feed.get_full_url()] == _day(1)
    assert lastmods[quiet.get_full_url()] == _day(0)


def test_page_sitemap_lastmod_of_live_feeds_costs_fixed_queries(
    client, news_index, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _feed_with_entry(news_index, published_days_ago=5, entry_days_ago=2)
    factories.make_article(news_index)
    _page_lastmods(client)  # Wagtail's Site root paths, read once after publishing
    with CaptureQueriesContext(connection) as one_feed:
        _page_lastmods(client)
    budget = len(one_feed)  # now: the next request forgets the queries it captured
    feeds = [_feed_with_entry(news_index, 5, days) for days in (1, 2, 3, 3, 4, 1, 2)]
    _page_lastmods(client)
    with django_assert_max_num_queries(budget):
        lastmods = _page_lastmods(client)
    assert [lastmods[feed.get_full_url()] for feed in feeds] == [
        _day(days) for days in (1, 2, 3, 3, 4, 1, 2)
    ]


@pytest.mark.parametrize("url", ["/sitemap.xml", "/news-sitemap.xml"])
@pytest.mark.parametrize("spelling", ["01", " 1", "+1", "1.0", "\u0661", "\uff11", "", "0", "-1"])
def test_a_sitemap_page_has_one_spelling(client, news_index, url, spelling):
    """Each other spelling of ``?p=`` would be one more cached copy of the same page."""
    factories.make_article(news_index, "Story")
    assert client.get(url).status_code == 200
    assert client.get(url, {"p": "1"}).status_code == 200
    assert client.get(url, {"p": spelling}).status_code == 404
