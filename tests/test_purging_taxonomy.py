"""A renamed topic, author or source purges what shows its name beyond its own listings: the
API answer, the lookup by path and the page of each visible article that names it (the most
recently published, to a cap), and the topic feeds that list those articles (their items carry
the byline and the topic names)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed.invalidation import cascades

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
API = f"{ROOT}/api/newsfeed/v1"


def topic_feeds(*slugs: str) -> set[str]:
    return {
        f"{ROOT}/newsfeed/feeds/topics/{slug}.{fmt}" for slug in slugs for fmt in ("rss", "atom")
    }


def article_copies(*articles) -> set[str]:
    """An article's page, its API answer and its lookup by path."""
    urls = set()
    for article in articles:
        lookup = urlencode({"path": article.url})
        urls |= {
            article.get_full_url(),
            f"{API}/articles/{article.pk}/",
            f"{API}/articles/find/?{lookup}",
        }
    return urls


def renamed_taxonomy_urls(index, kind: str, slug: str) -> set[str]:
    """What any rename purges: the news index and its feeds, the latest feeds, the taxonomy's
    endpoints and the article list and lookup."""
    return {
        index.get_full_url(),
        f"{ROOT}/newsfeed/feeds/index/{index.pk}.rss",
        f"{ROOT}/newsfeed/feeds/index/{index.pk}.atom",
        f"{ROOT}/newsfeed/feeds/latest.rss",
        f"{ROOT}/newsfeed/feeds/latest.atom",
        f"{API}/{kind}s/",
        f"{API}/{kind}s/{slug}/",
        f"{API}/articles/",
        f"{API}/articles/find/",
    }


def test_renaming_an_author_purges_their_articles_and_the_topic_feeds_listing_them(
    news_index, purged, committed
):
    world = factories.make_topic(slug="world")
    europe = factories.make_topic(slug="europe", parent=world)
    sport = factories.make_topic(slug="sport")
    weather = factories.make_topic(slug="weather")
    sam = factories.make_author("Sam", slug="sam")
    first = factories.make_article(news_index, topics=[europe, sport], authors=[sam])
    second = factories.make_article(news_index, authors=[sam])
    factories.make_article(news_index, topics=[weather])  # by someone else: not purged
    factories.make_article(news_index, publish=False, authors=[sam])  # a draft: never shown
    RecordingBackend.reset()

    with committed():
        sam.name = "Sam Jones"
        sam.save()

    assert set(purged) == (
        renamed_taxonomy_urls(news_index, "author", "sam")
        | article_copies(first, second)
        | topic_feeds("europe", "world", "sport")
    )


def test_renaming_a_topic_purges_the_other_topic_feeds_of_its_articles(
    news_index, purged, committed
):
    climate = factories.make_topic("Climate", slug="climate")
    energy = factories.make_topic("Energy", slug="energy")
    article = factories.make_article(news_index, topics=[climate, energy])
    factories.make_article(news_index, topics=[factories.make_topic(slug="sport")])
    RecordingBackend.reset()

    with committed():
        climate.name, climate.slug = "Climate and energy", "climate-energy"
        climate.save()

    assert set(purged) == (
        renamed_taxonomy_urls(news_index, "topic", "climate-energy")
        | {
            f"{API}/topics/climate/",
            f"{news_index.get_full_url()}?topic=climate",
            f"{news_index.get_full_url()}?topic=climate-energy",
        }
        | topic_feeds("climate", "climate-energy", "energy")
        | article_copies(article)
    )


def test_renaming_a_source_purges_its_articles(news_index, purged, committed):
    wire = factories.make_source("Wire", slug="wire")
    article = factories.make_article(news_index, source=wire)
    RecordingBackend.reset()

    with committed():
        wire.name = "The Wire"
        wire.save()

    assert set(purged) == renamed_taxonomy_urls(news_index, "source", "wire") | article_copies(
        article
    )


def test_a_rename_names_no_private_article(news_index, purged, committed):
    members = factories.make_index(title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    sam = factories.make_author(slug="sam")
    shown = factories.make_article(news_index, authors=[sam])
    hidden = factories.make_article(members, authors=[sam], topics=[factories.make_topic(slug="x")])
    RecordingBackend.reset()

    with committed():
        sam.name = "Sam Jones"
        sam.save()

    urls = set(purged)
    assert article_copies(shown) <= urls
    assert not article_copies(hidden) & urls
    assert not [url for url in urls if "members" in url or "topics/x" in url]


def test_a_rename_purges_the_most_recently_published_articles_up_to_the_cap(
    news_index, purged, committed, monkeypatch
):
    monkeypatch.setattr(cascades, "MAX_AFFECTED_ARTICLES", 2)
    sam = factories.make_author(slug="sam")
    now = timezone.now()
    oldest, older, newest = (
        factories.make_article(
            news_index,
            authors=[sam],
            topics=[factories.make_topic(slug=f"beat-{days}")],
            published_at=now - timedelta(days=days),
        )
        for days in (3, 2, 1)
    )
    RecordingBackend.reset()

    with committed():
        sam.name = "Sam Jones"
        sam.save()

    assert set(purged) == (
        renamed_taxonomy_urls(news_index, "author", "sam")
        | article_copies(older, newest)
        | topic_feeds("beat-2", "beat-1")
    )
    assert not article_copies(oldest) & set(purged)


def test_a_rename_costs_the_same_queries_for_many_articles_as_for_few(
    news_index, django_assert_max_num_queries
):
    sam = factories.make_author(slug="sam")
    world = factories.make_topic(slug="world")
    europe = factories.make_topic(slug="europe", parent=world)  # as deep as the topics below
    for _ in range(2):
        factories.make_article(news_index, authors=[sam], topics=[europe])
        factories.make_entry(factories.make_feed(news_index), authors=[sam])
    cascades.taxonomy_change(sam)  # the Site root paths, now cached
    with django_assert_max_num_queries(10) as few:
        cascades.taxonomy_change(sam)
    for n in range(8):
        topic = factories.make_topic(slug=f"beat-{n}", parent=world)
        factories.make_article(news_index, authors=[sam], topics=[topic])
        factories.make_entry(factories.make_feed(news_index), authors=[sam])
    with django_assert_max_num_queries(len(few.captured_queries)):
        stale = cascades.taxonomy_change(sam)
    assert len([path for path in stale.api_paths if "/articles/find/?" in path]) == 10
    assert len([path for path in stale.api_paths if path.endswith("/entries/")]) == 10


def live_feed_copies(feed, *entries) -> set[str]:
    """A live feed's page, RSS/Atom feeds, fragments and entries endpoints, and ``entries``'
    API answers."""
    feed_api = f"{API}/feeds/{feed.pk}"
    return {
        feed.get_full_url(),
        f"{ROOT}/newsfeed/feeds/live/{feed.pk}.rss",
        f"{ROOT}/newsfeed/feeds/live/{feed.pk}.atom",
        f"{ROOT}/newsfeed/live/{feed.pk}/fragments/",
        f"{API}/feeds/",
        f"{feed_api}/",
        f"{feed_api}/entries/",
        *(f"{feed_api}/entries/{entry.pk}/" for entry in entries),
    }


def test_renaming_an_author_purges_the_live_feeds_showing_their_entries(
    news_index, purged, committed
):
    sam = factories.make_author(slug="sam")
    feed = factories.make_feed(news_index)
    bylined = factories.make_entry(feed, authors=[sam])
    factories.make_entry(feed)  # someone else's: its own answer is not purged
    # Never shown, but its byline changes too (``entry_rules.restamp_entries``): its API URL
    # is purged as after an editor's edit of it.
    draft = factories.make_entry(feed, authors=[sam], status="draft")
    other = factories.make_feed(news_index)
    factories.make_entry(other)  # a feed without Sam: not purged
    unpublished = factories.make_feed(news_index, publish=False)
    factories.make_entry(unpublished, authors=[sam])
    RecordingBackend.reset()

    with committed():
        sam.name = "Sam Jones"
        sam.save()

    urls = set(purged)
    expected = live_feed_copies(feed, bylined, draft)
    assert renamed_taxonomy_urls(news_index, "author", "sam") | expected <= urls
    assert not (live_feed_copies(other) - {f"{API}/feeds/"}) & urls
    assert len([url for url in urls if f"/feeds/{feed.pk}/entries/" in url]) == 3
    # Sam's name shows on no page of the unpublished feed (its entry's change is purged as an
    # editor's edit there would be, like the draft's).
    by_name = cascades.taxonomy_change(sam).urls([ROOT])
    assert not (live_feed_copies(unpublished) - {f"{API}/feeds/"}) & by_name
