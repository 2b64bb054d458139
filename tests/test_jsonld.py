"""schema.org JSON-LD on article and live feed pages: right fields, nothing hidden, no breakout."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.jsonld import dumps_jsonld

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def _jsonld(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    (raw,) = SCRIPT.findall(html)
    return json.loads(raw), html


def test_article_page_has_a_news_article(client, news_index):
    published = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    updated = published + timedelta(hours=2)
    image = factories.make_image(width=1600, height=1000)
    topics = [factories.make_topic("Politics"), factories.make_topic("Europe")]
    authors = [factories.make_author("Ada Reporter", role="Political editor")]
    article = factories.make_article(
        news_index,
        "Talks resume in Brussels",
        standfirst="Negotiators return after a week-long pause.",
        lead_image=image,
        topics=topics,
        authors=authors,
        published_at=published,
        updated_at=updated,
    )
    data, _ = _jsonld(client, article)
    url = article.get_full_url()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Talks resume in Brussels"
    assert data["description"] == "Negotiators return after a week-long pause."
    assert data["datePublished"] == timezone.localtime(published).isoformat()
    assert data["dateModified"] == timezone.localtime(updated).isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "Ada Reporter", "jobTitle": "Political editor"}
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Test Newsroom"
    assert sorted(data["articleSection"]) == ["Europe", "Politics"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert len(data["image"]) == 3
    assert data["image"] == [
        f"http://localhost{image.get_rendition(spec).url}"
        for spec in ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
    ]


def test_publisher_falls_back_to_the_site_name_and_carries_the_logo(client, news_index, settings):
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(site_name="Harbour Gazette")
    settings.WAGTAIL_NEWSFEED = {"PUBLISHER_LOGO_URL": "/static/logo.png"}
    article = factories.make_article(news_index)
    data, _ = _jsonld(client, article)
    assert data["publisher"]["name"] == "Harbour Gazette"
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": "http://localhost/static/logo.png",
    }


def test_script_breakout_in_a_headline_is_escaped(client, news_index):
    hostile = "</script><script>alert(1)</script><!-- & more"
    article = factories.make_article(news_index, hostile, standfirst=hostile)
    data, html = _jsonld(client, article)
    assert data["headline"] == hostile
    assert data["description"] == hostile
    assert "</script><script>alert(1)" not in html
    assert "<!-- & more" not in html


def test_dumps_jsonld_escapes_markup_characters():
    text = dumps_jsonld({"a": "</script><!--&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&\u2028"}


def test_live_feed_page_has_a_live_blog_posting_with_visible_updates(client, news_index, superuser):
    start = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    end = start + timedelta(hours=2)
    feed = factories.make_feed(
        news_index, "Storm live", coverage_start=start, coverage_end=end, coverage_status="ended"
    )
    older = factories.make_entry(
        feed, superuser, headline="Winds pick up", display_time=start + timedelta(minutes=5)
    )
    newer = factories.make_entry(
        feed, superuser, text="Power is out &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    factories.make_entry(feed, superuser, headline="Unchecked rumour", status="draft")
    deleted = factories.make_entry(feed, superuser, headline="Retracted")
    entry_rules.delete_entry(deleted, superuser)

    data, html = _jsonld(client, feed)
    url = feed.get_full_url()
    assert data["@type"] == "LiveBlogPosting"
    assert data["headline"] == "Storm live"
    assert data["url"] == url
    assert data["coverageStartTime"] == timezone.localtime(start).isoformat()
    assert data["coverageEndTime"] == timezone.localtime(end).isoformat()
    updates = data["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [
        f"{url}?entry={newer.pk}#entry-{newer.pk}",
        f"{url}?entry={older.pk}#entry-{older.pk}",
    ]
    assert all(u["@type"] == "BlogPosting" for u in updates)
    assert updates[1]["headline"] == "Winds pick up"
    assert updates[0]["articleBody"] == "Power is out </script><script>alert(1)</script>"
    assert updates[1]["datePublished"] == timezone.localtime(older.display_time).isoformat()
    assert "Unchecked rumour" not in html.split("</head>")[0]
    assert "Retracted" not in json.dumps(data)
    assert "</script><script>alert(1)" not in html


@pytest.mark.parametrize(
    ("status", "planned", "expected"),
    [
        ("upcoming", None, None),  # it has not begun: no start in the past
        ("upcoming", "planned", "planned"),
        ("live", None, "published"),  # begun, no start recorded: when the page appeared
        ("live", "planned", "planned"),
    ],
)
def test_a_live_blogs_coverage_start_is_one_it_has_or_will_have(
    client, news_index, status, planned, expected
):
    start = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    feed = factories.make_feed(
        news_index,
        "Count night",
        coverage_status=status,
        coverage_start=start if planned else None,
    )
    times = {"planned": start, "published": feed.first_published_at, None: None}

    data, _html = _jsonld(client, feed)

    want = times[expected]
    assert data.get("coverageStartTime") == (timezone.localtime(want).isoformat() if want else None)


def test_an_upcoming_live_blogs_cached_data_drops_its_planned_end_once_it_passes(
    client, news_index
):
    # The JSON-LD is kept in the cache for an hour (FRAGMENT_CACHE_TIMEOUT); the planned end
    # of coverage that has not begun is stated only until it passes, as the API states it.
    end = timezone.now() + timedelta(seconds=2)
    feed = factories.make_feed(
        news_index, "Count night", coverage_status="upcoming", coverage_start=None, coverage_end=end
    )
    before, _html = _jsonld(client, feed)
    assert before["coverageEndTime"] == timezone.localtime(end).isoformat()

    time.sleep(max(0.0, (end - timezone.now()).total_seconds()) + 0.05)

    after, _html = _jsonld(client, feed)
    assert "coverageEndTime" not in after
    api = client.get(f"/api/newsfeed/v1/feeds/{feed.pk}/").json()
    assert api["coverage_end"] is None


def test_live_blog_lists_at_most_one_page_of_updates(client, feed, superuser, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 3}
    for n in range(5):
        factories.make_entry(feed, superuser, headline=f"Update {n}")
    data, _ = _jsonld(client, feed)
    assert [u["headline"] for u in data["liveBlogUpdate"]] == ["Update 4", "Update 3", "Update 2"]


def test_pages_link_their_rss_and_atom_feeds(client, news_index, feed):
    article = factories.make_article(news_index)
    article_html = client.get(article.url).content.decode()
    assert 'type="application/rss+xml"' in article_html
    assert 'href="http://localhost/newsfeed/feeds/latest.atom"' in article_html
    feed_html = client.get(feed.url).content.decode()
    assert f'href="http://localhost/newsfeed/feeds/live/{feed.pk}.rss"' in feed_html
    index_html = client.get(news_index.url).content.decode()
    assert f'href="http://localhost/newsfeed/feeds/index/{news_index.pk}.atom"' in index_html
    assert not SCRIPT.findall(index_html)
