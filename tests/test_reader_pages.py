"""The reader pages: news index, article and live feed, and what they must never show."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import ArticleCorrection, ArticleRelatedLink

pytestmark = pytest.mark.django_db


def ago(**kwargs) -> datetime:
    return timezone.now() - timedelta(**kwargs)


def headlines(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="newsfeed-card__headline">.*?<a href="[^"]+">([^<]+)</a>', html, re.S
    )


# News index ---------------------------------------------------------------------------------


def test_index_lists_visible_articles_newest_first(client, news_index):
    factories.make_article(news_index, "Older", published_at=ago(hours=5))
    factories.make_article(news_index, "Newest", published_at=ago(hours=1))
    factories.make_article(news_index, "Middle", published_at=ago(hours=3))
    factories.make_article(news_index, "Draft story", publish=False)

    response = client.get(news_index.url)

    assert response.status_code == 200
    assert headlines(response.content.decode()) == ["Newest", "Middle", "Older"]


def test_index_paginates_and_keeps_the_topic_in_page_links(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"ARTICLES_PER_PAGE": 2}
    topic = factories.make_topic("Climate", slug="climate")
    for hours in range(1, 6):
        factories.make_article(
            news_index, f"Story {hours}", published_at=ago(hours=hours), topics=[topic]
        )

    first = client.get(news_index.url, {"topic": "climate"}).content.decode()
    third = client.get(news_index.url, {"topic": "climate", "page": 3}).content.decode()

    assert headlines(first) == ["Story 1", "Story 2"]
    assert 'href="?topic=climate&amp;page=2"' in first
    assert headlines(third) == ["Story 5"]
    assert "Page 3 of 3" in third


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "01", "\uff12", "\u00b2", "1.0", " 1"])
def test_index_bad_page_numbers_are_404(client, news_index, page):
    factories.make_article(news_index, "Only story")
    response = client.get(news_index.url, {"page": page})
    assert response.status_code == 404
    assert "Only story" not in response.content.decode()


def test_a_bad_page_number_cannot_change_what_another_page_shows(client, news_index, settings):
    """Page numbers are the listing's cache key: a request for ``?page=-1`` (or "２", or 9999999)
    must not leave the last page kept as the first for every reader."""
    settings.WAGTAIL_NEWSFEED = {"ARTICLES_PER_PAGE": 1}
    factories.make_article(news_index, "Older", published_at=ago(hours=2))
    factories.make_article(news_index, "Newest", published_at=ago(hours=1))

    for page in ["-1", "\uff12", "9999999", "2x"]:
        assert client.get(news_index.url, {"page": page}).status_code == 404
    first = client.get(news_index.url).content.decode()
    explicit_first = client.get(news_index.url, {"page": "1"}).content.decode()

    assert headlines(first) == headlines(explicit_first) == ["Newest"]
    assert "Page 1 of 2" in first


def test_index_topic_filter_shows_only_that_topic(client, news_index):
    climate = factories.make_topic("Climate", slug="climate")
    economy = factories.make_topic("Economy", slug="economy")
    factories.make_article(news_index, "Heatwave", topics=[climate])
    factories.make_article(news_index, "Rates on hold", topics=[economy])

    html = client.get(news_index.url, {"topic": "climate"}).content.decode()

    assert headlines(html) == ["Heatwave"]
    assert 'aria-current="page">Climate</a>' in html
    assert 'href="/' in html and "?topic=economy" in html  # the filter links every topic


def test_index_unknown_topic_is_404(client, news_index):
    factories.make_article(news_index)
    assert client.get(news_index.url, {"topic": "no-such-topic"}).status_code == 404


def test_index_shows_live_now_feeds_only_while_live(client, news_index):
    factories.make_feed(news_index, "Summit live")
    factories.make_feed(news_index, "Old match live", coverage_status="ended")
    html = client.get(news_index.url).content.decode()
    assert "Summit live" in html
    assert "Old match live" not in html


def test_index_list_costs_a_fixed_number_of_queries(
    client, news_index, django_assert_max_num_queries
):
    topic = factories.make_topic()
    author = factories.make_author()

    def add(n):
        for _ in range(n):
            factories.make_article(
                news_index, topics=[topic], authors=[author], lead_image=factories.make_image()
            )

    add(2)
    client.get(news_index.url)
    with CaptureQueriesContext(connection) as few:
        client.get(news_index.url)
    queries_for_two = len(few)  # read now: each request resets Django's query log
    add(8)
    client.get(news_index.url)  # renditions are generated once, on first view
    with django_assert_max_num_queries(queries_for_two):
        client.get(news_index.url)


# Hidden content -------------------------------------------------------------------------------


def hidden_articles(news_index):
    """Articles a reader must never see, by reason."""
    draft = factories.make_article(news_index, "Draft story", publish=False)
    unpublished = factories.make_article(news_index, "Withdrawn story")
    unpublished.unpublish()
    private = factories.make_article(news_index, "Private story")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    expired = factories.make_article(news_index, "Expired story")
    type(expired).objects.filter(pk=expired.pk).update(expire_at=ago(minutes=5))
    return {"draft": draft, "unpublished": unpublished, "private": private, "expired": expired}


def test_hidden_articles_are_absent_from_the_index_and_home_page(client, news_index):
    factories.make_article(news_index, "Public story")
    hidden = hidden_articles(news_index)

    index_html = client.get(news_index.url).content.decode()
    home_html = client.get("/").content.decode()

    assert headlines(index_html) == ["Public story"]
    for page in hidden.values():
        assert page.title not in index_html
        assert page.title not in home_html


@pytest.mark.parametrize("reason", ["draft", "unpublished", "private", "expired"])
def test_hidden_article_pages_do_not_show_their_content(client, news_index, reason):
    page = hidden_articles(news_index)[reason]
    response = client.get(page.url)
    assert "Body text of article" not in response.content.decode()
    if reason == "private":  # Wagtail's password form, in place of the page
        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()
    else:
        assert response.status_code == 404


def test_hidden_related_articles_are_not_linked(client, news_index):
    article = factories.make_article(news_index, "Main story")
    visible = factories.make_article(news_index, "Visible background")
    hidden = hidden_articles(news_index)
    for order, related in enumerate([visible, *hidden.values()]):
        ArticleRelatedLink.objects.create(page=article, related=related, sort_order=order)

    html = client.get(article.url).content.decode()

    assert f'<a href="{visible.url}">Visible background</a>' in html
    for page in hidden.values():
        assert page.title not in html


# Article ---------------------------------------------------------------------------------------


def test_article_renders_all_its_parts(client, news_index):
    topic = factories.make_topic("US China Relations", slug="us-china-relations")
    author = factories.make_author("Mei Lin Harper", role="Diplomatic correspondent")
    source = factories.make_source("Reuters", url="https://www.reuters.com/")
    image = factories.make_image("Anchorage harbour")
    article = factories.make_article(
        news_index,
        "China-US dialogue must pave the way for follow-up contacts",
        standfirst="Talks restart a channel.",
        topics=[topic],
        authors=[author],
        source=source,
        dateline="ANCHORAGE",
        is_breaking=True,
        lead_image=image,
        lead_image_caption="Anchorage at dusk.",
        lead_image_credit="Reuters/Jane Doe",
        published_at=ago(hours=3),
        updated_at=ago(hours=1),
        body=[
            {"type": "paragraph", "value": "<p>The relationship affects everyone.</p>"},
            {"type": "source_credit", "value": {"source": source.pk, "note": ""}},
            {"type": "quote", "value": {"text": "Compete.", "attribution": "A. Blinken"}},
        ],
    )
    ArticleCorrection.objects.create(
        page=article, kind="correction", text="An earlier version misspelt a name."
    )
    article.tags.add("diplomacy")
    article.save()

    response = client.get(article.url)
    html = response.content.decode()

    assert response.status_code == 200
    assert "/?topic=us-china-relations" in html and "US China Relations</a>" in html
    assert "<h1" in html and "China-US dialogue must pave the way" in html
    assert "Talks restart a channel." in html
    assert 'class="newsfeed-dateline">ANCHORAGE<' in html
    assert '<bdi class="newsfeed-author">Mei Lin Harper</bdi>' in html
    assert '(<a href="https://www.reuters.com/" rel="noopener"><bdi>Reuters</bdi></a>)' in html
    published = timezone.localtime(article.published_at).isoformat(timespec="seconds")
    assert f'<time datetime="{published}"' in html
    assert "Updated <time" in html
    assert "Breaking news" in html
    assert 'alt="Anchorage harbour"' in html and "srcset=" in html
    assert "Anchorage at dusk." in html and "Reuters/Jane Doe" in html
    assert "<p>The relationship affects everyone.</p>" in html
    assert "<cite>A. Blinken</cite>" in html
    assert "An earlier version misspelt a name." in html
    assert "<li>diplomacy</li>" in html


def test_article_without_update_shows_no_updated_time(client, news_index):
    article = factories.make_article(news_index, published_at=ago(hours=2))
    assert "Updated <time" not in client.get(article.url).content.decode()


# Live feed -------------------------------------------------------------------------------------


def entry_ids(html: str) -> list[int]:
    list_html = html.split("data-newsfeed-entries", 1)[1]
    return [int(i) for i in re.findall(r'<article id="entry-(\d+)"', list_html)]


def test_live_page_shows_pinned_entry_key_events_and_permalinks(client, feed):
    author = factories.make_author("Sofia Brandt")
    first = factories.make_entry(feed, headline="Doors open", display_time=ago(minutes=30))
    key = factories.make_entry(
        feed, headline="Result declared", is_key_event=True, display_time=ago(minutes=20)
    )
    pinned = factories.make_entry(
        feed, headline="Read this first", is_pinned=True, display_time=ago(minutes=40)
    )
    latest = factories.make_entry(feed, display_time=ago(minutes=5), authors=[author])

    response = client.get(feed.url)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<p class="newsfeed-badge newsfeed-badge--live" data-newsfeed-status>Live</p>' in html
    pinned_html = html.split("data-newsfeed-pinned", 1)[1].split("data-newsfeed-entries", 1)[0]
    assert f'id="entry-{pinned.pk}"' in pinned_html
    assert entry_ids(html) == [latest.pk, key.pk, first.pk]
    assert f'href="#entry-{key.pk}"' in html.split("data-newsfeed-key-events", 1)[1]
    assert f'href="{feed.url}?entry={first.pk}#entry-{first.pk}"' in html
    assert f'data-entry-id="{first.pk}" data-version="{first.version}"' in html
    local = timezone.localtime(first.display_time).isoformat(timespec="seconds")
    assert f'<time datetime="{local}">' in html
    assert "By Sofia Brandt" in html
    assert f'data-live-cursor="{delta.encode_cursor(feed, delta.current_version(feed))}"' in html


def test_live_page_says_each_entry_time_with_its_full_date_in_the_site_time_zone(client, feed):
    """Without JavaScript the time and the date screen readers hear beside it are both the
    site's (New York in the tests): the same day, not UTC's. live.js rewrites both
    (``[data-newsfeed-date]``) into the reader's time zone and language."""
    entry = factories.make_entry(feed, display_time=datetime(2025, 12, 4, 3, 30, tzinfo=UTC))
    html = client.get(feed.url).content.decode()
    assert (
        f'<a class="newsfeed-entry__time" href="{feed.url}?entry={entry.pk}#entry-{entry.pk}" '
        'title="Link to this update"><time datetime="2025-12-03T22:30:00-05:00">22:30</time>'
        '<span class="newsfeed-visually-hidden" data-newsfeed-date> 3 December 2025</span></a>'
    ) in html


def test_live_page_shows_entries_oldest_first_when_the_feed_asks(client, news_index):
    feed = factories.make_feed(news_index, entry_order="oldest_first")
    older = factories.make_entry(feed, display_time=ago(minutes=30))
    newer = factories.make_entry(feed, display_time=ago(minutes=10))
    assert entry_ids(client.get(feed.url).content.decode()) == [older.pk, newer.pk]


@pytest.mark.parametrize("status", ["upcoming", "ended"])
def test_live_page_badge_shows_coverage_status(client, news_index, status):
    feed = factories.make_feed(news_index, coverage_status=status)
    html = client.get(feed.url).content.decode()
    assert f"newsfeed-badge--{status}" in html
    assert status.capitalize() in html


def test_live_page_paginates_older_entries(client, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 3}
    entries = [factories.make_entry(feed, display_time=ago(minutes=m)) for m in range(1, 8)]

    html = client.get(feed.url).content.decode()
    assert entry_ids(html) == [e.pk for e in entries[:3]]
    assert f'href="?before={entries[2].pk}"' in html

    older = client.get(feed.url, {"before": entries[2].pk}).content.decode()
    assert entry_ids(older) == [e.pk for e in entries[3:6]]
    last = client.get(feed.url, {"before": entries[5].pk}).content.decode()
    assert entry_ids(last) == [entries[6].pk]
    assert "?before=" not in last


@pytest.mark.parametrize("before", ["abc", "999999", "0", ""])
def test_live_page_bad_before_value_shows_the_first_page(client, feed, before):
    """...and it is the first page to live.js too: not marked as an older page, which would
    stop new and pinned entries arriving (the pinned entry is shown)."""
    entry = factories.make_entry(feed)
    pinned = factories.make_entry(feed, is_pinned=True)
    response = client.get(feed.url, {"before": before})
    assert response.status_code == 200
    html = response.content.decode()
    assert entry_ids(html) == [entry.pk]
    assert f'id="entry-{pinned.pk}"' in html
    assert "data-paginated" not in html


def test_live_page_after_a_good_before_is_marked_as_an_older_page(client, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 1}
    older = factories.make_entry(feed, display_time=ago(minutes=2))
    newer = factories.make_entry(feed, display_time=ago(minutes=1))
    html = client.get(feed.url, {"before": newer.pk}).content.decode()
    assert entry_ids(html) == [older.pk]
    assert re.search(r'<article class="newsfeed-live"[^>]*data-paginated', html)


@pytest.mark.parametrize("spelling", [" {}", "+{}", "{}.0", "{}\x00", "{fullwidth}"])
def test_live_page_takes_only_the_one_spelling_of_an_entry_id(client, feed, settings, spelling):
    """The API's id rule (``converters.parse_id``): another spelling of an id is not another
    cached URL of the same page; it is a bad value, so the first page."""
    settings.WAGTAIL_NEWSFEED = {"ENTRIES_PER_PAGE": 1}
    older = factories.make_entry(feed, display_time=ago(minutes=2))
    newer = factories.make_entry(feed, display_time=ago(minutes=1))
    fullwidth = str(newer.pk).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert entry_ids(client.get(feed.url, {"before": newer.pk}).content.decode()) == [older.pk]

    response = client.get(feed.url, {"before": spelling.format(newer.pk, fullwidth=fullwidth)})

    assert response.status_code == 200
    assert entry_ids(response.content.decode()) == [newer.pk]


def test_live_page_hides_draft_and_deleted_entries(client, feed):
    user = factories.make_superuser("editor")
    shown = factories.make_entry(feed, text="Published update")
    factories.make_entry(feed, text="Draft update", status="draft")
    deleted = factories.make_entry(feed, text="Deleted update", is_key_event=True)
    entry_rules.delete_entry(deleted, user)

    html = client.get(feed.url).content.decode()

    assert entry_ids(html) == [shown.pk]
    assert "Draft update" not in html
    assert "Deleted update" not in html
    assert f"entry-{deleted.pk}" not in html


def test_unpublished_feed_is_404(client, feed):
    factories.make_entry(feed, text="Secret update")
    feed.unpublish()
    response = client.get(feed.url)
    assert response.status_code == 404


def test_live_page_costs_the_same_queries_for_5_and_60_entries(
    client, feed, django_assert_max_num_queries
):
    author = factories.make_author()

    def add(n):
        for _ in range(n):
            factories.make_entry(feed, authors=[author], display_time=ago(seconds=len(added)))
            added.append(1)

    added: list[int] = []
    add(3)
    factories.make_entry(feed, is_pinned=True, is_key_event=True)
    client.get(feed.url)
    add(1)  # a change: the page's entries are rendered afresh, as they will be for 60
    with CaptureQueriesContext(connection) as five:
        client.get(feed.url)
    queries_for_five = len(five)  # read now: each request resets Django's query log
    add(55)
    with django_assert_max_num_queries(queries_for_five):
        response = client.get(feed.url)
    assert len(entry_ids(response.content.decode())) == 20


@pytest.mark.parametrize("index_state", ["live", "unpublished"])
def test_an_articles_topics_link_to_its_index_only_while_readers_may_see_it(client, index_state):
    """A topic link to an unpublished index would be a 404 (its articles stay served)."""
    index = factories.make_index(slug="desk")
    if index_state == "unpublished":
        index.refresh_from_db()  # live in the database, not yet in memory
        index.unpublish()
    climate = factories.make_topic("Climate")
    article = factories.make_article(index, topics=[climate])
    html = client.get(article.url).content.decode()
    assert "Climate" in html
    assert (f"/desk/?topic={climate.slug}" in html) == (index_state == "live")
