"""A renamed or moved section (a news index, or any page above stories) gives every page below it
a new URL: what named the old ones is purged, the API's lookup of each old path first (it must
not go on answering 200 from a cache), without relying on Wagtail's redirects app."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from tests import factories
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed.invalidation import cascades

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
API = "/api/newsfeed/v1"


@pytest.fixture(autouse=True)
def _no_redirects(settings):
    """Wagtail's redirects app purges the old page URLs it makes redirects for: without it, what
    is purged is this app's doing alone."""
    settings.WAGTAILREDIRECTS_AUTO_CREATE = False


def stories(index):
    """Two articles (one on a subtopic) and a live feed in ``index``."""
    world = factories.make_topic(slug="world")
    europe = factories.make_topic(slug="europe", parent=world)
    first = factories.make_article(index, slug="first", topics=[europe])
    second = factories.make_article(index, slug="second")
    feed = factories.make_feed(index, slug="results")
    return first, second, feed


def site_paths(index, *, topics=("europe", "world")) -> set[str]:
    """What lists a Site's stories wherever they are: its feeds and sitemaps."""
    paths = {"/sitemap.xml", "/news-sitemap.xml"}
    for name in ("latest", f"index/{index.pk}", *(f"topics/{slug}" for slug in topics)):
        paths |= {f"/newsfeed/feeds/{name}.rss", f"/newsfeed/feeds/{name}.atom"}
    return paths


def old_story_paths(old: str, first, second, feed) -> set[str]:
    """The stories' old pages (below the section's old path ``old``) and what names them."""
    fragments = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    return {
        old,
        f"{old}first/",
        f"{old}second/",
        f"{old}results/",
        f"/newsfeed/feeds/live/{feed.pk}.rss",
        f"/newsfeed/feeds/live/{feed.pk}.atom",
        fragments,
    }


def api_paths(old: str, first, second, feed) -> set[str]:
    return {
        f"{API}/articles/",
        f"{API}/articles/find/",
        f"{API}/articles/{first.pk}/",
        f"{API}/articles/{second.pk}/",
        f"{API}/articles/find/?{urlencode({'path': f'{old}first/'})}",
        f"{API}/articles/find/?{urlencode({'path': f'{old}second/'})}",
        f"{API}/feeds/",
        f"{API}/feeds/{feed.pk}/",
        f"{API}/feeds/{feed.pk}/entries/",
    }


def on(root: str, paths: set[str]) -> set[str]:
    return {root + path for path in paths}


def test_renaming_a_news_index_purges_what_named_its_stories_old_urls(purged, committed):
    index = factories.make_index(slug="news")
    first, second, feed = stories(index)
    RecordingBackend.reset()

    with committed():
        index.slug = "world-news"
        index.save_revision().publish()

    expected = site_paths(index) | old_story_paths("/news/", first, second, feed)
    expected |= api_paths("/news/", first, second, feed)
    # Wagtail's own purge of the published page, at its new URL.
    assert set(purged) == on(ROOT, expected) | {f"{ROOT}/world-news/"}


def test_moving_a_section_purges_what_named_its_stories_old_urls(purged, committed):
    home = factories.root_page()
    section = home.add_child(instance=Page(title="Sections", slug="sections"))
    archive = home.add_child(instance=Page(title="Archive", slug="archive"))
    index = factories.make_index(section, slug="news")
    first, second, feed = stories(index)
    RecordingBackend.reset()

    with committed():
        section.move(archive, pos="last-child")

    old = "/sections/news/"
    expected = site_paths(index) | old_story_paths(old, first, second, feed) | {"/sections/"}
    expected |= api_paths(old, first, second, feed)
    assert set(purged) == on(ROOT, expected)


def test_moving_a_section_into_a_private_one_purges_its_old_lookups(purged, committed):
    """Its stories are hidden now: their cached answers at the old paths must go too."""
    home = factories.root_page()
    members = home.add_child(instance=Page(title="Members", slug="members"))
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    index = factories.make_index(slug="news")
    first, second, feed = stories(index)
    RecordingBackend.reset()

    with committed():
        index.move(members, pos="last-child")

    assert on(ROOT, api_paths("/news/", first, second, feed)) <= set(purged)


def test_moving_a_section_to_another_site_purges_both_sites(purged, committed):
    other_home = Page.get_first_root_node().add_child(
        instance=Page(title="Other home", slug="other-home")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    index = factories.make_index(slug="news")
    first, second, feed = stories(index)
    RecordingBackend.reset()

    with committed():
        index.move(other_home, pos="last-child")

    other = "http://other.example"
    reader_paths = site_paths(index) | {
        f"/newsfeed/feeds/live/{feed.pk}.rss",
        f"/newsfeed/feeds/live/{feed.pk}.atom",
        reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]),
    }
    old_pages = {"/news/", "/news/first/", "/news/second/", "/news/results/"}
    api = api_paths("/news/", first, second, feed)
    assert set(purged) == (
        on(ROOT, reader_paths | old_pages)
        | on(other, reader_paths)
        | on(ROOT, api)
        | on(other, api)
    )


def test_reordering_a_section_among_its_siblings_purges_nothing(purged, committed):
    index = factories.make_index(slug="news")
    factories.make_index(slug="sport")
    stories(index)
    RecordingBackend.reset()

    with committed():
        index.move(factories.root_page(), pos="last-child")

    assert purged == []


def test_renaming_a_site_s_root_page_purges_nothing_below_it(purged, committed):
    stories(factories.make_index(slug="news"))
    home = factories.root_page().specific
    RecordingBackend.reset()

    with committed():
        home.slug = "start"
        home.save_revision().publish()

    assert set(purged) == {f"{ROOT}/"}  # Wagtail's own purge of the published page


def test_a_section_purges_its_most_recently_published_articles_up_to_the_cap(
    purged, committed, monkeypatch
):
    monkeypatch.setattr(cascades, "MAX_AFFECTED_ARTICLES", 2)
    index = factories.make_index(slug="news")
    now = timezone.now()
    oldest, older, newest = (
        factories.make_article(index, slug=f"day-{days}", published_at=now - timedelta(days=days))
        for days in (3, 2, 1)
    )
    RecordingBackend.reset()

    with committed():
        index.slug = "world-news"
        index.save_revision().publish()

    urls = set(purged)
    for article in (older, newest):
        assert f"{ROOT}{API}/articles/{article.pk}/" in urls
        assert f"{ROOT}/news/{article.slug}/" in urls
    assert f"{ROOT}{API}/articles/{oldest.pk}/" not in urls
    assert f"{ROOT}{API}/articles/find/" in urls  # the proxy's ban of every lookup


def test_a_section_change_costs_the_same_queries_for_many_stories_as_for_few(
    django_assert_max_num_queries,
):
    index = factories.make_index(slug="news")
    stories(index)
    old_path = index.url_path.replace("/news/", "/old-news/")
    cascades.section_change(index, old_path)  # the Site root paths, now cached
    with django_assert_max_num_queries(12) as few:
        cascades.section_change(index, old_path)
    world = factories.make_topic(slug="planet")
    for n in range(8):
        topic = factories.make_topic(slug=f"beat-{n}", parent=world)
        factories.make_article(index, topics=[topic])
        factories.make_feed(index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        stale = cascades.section_change(index, old_path)
    assert len([path for path in stale.api_paths if "/articles/find/?" in path]) == 10
