"""The demo newsroom ``load_newsfeed_demo`` builds, loaded once for the module.

Every test here reads the same demo (the command's runs with flags and other starting points are in
``test_demo_command``): it is loaded once in ``module_transaction``, and each test's changes roll
back in its own savepoint.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from wagtail.models import Page, Site

from tests import factories
from tests.test_demo_command import counts, entry_writers, load_demo, users
from wagtail_newsfeed import caching
from wagtail_newsfeed.demo.accounts import WRITER_USERNAME
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage, NewsArticlePage, NewsIndexPage, Source

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(module_transaction) -> str:
    return load_demo()


@pytest.fixture(autouse=True)
def _media_and_cache():
    """The demo's images stay where the module's load wrote them (the session's ``MEDIA_ROOT``)."""
    cache.clear()
    caching.forget_process_state()


def test_demo_without_the_flag_creates_no_admin_user(demo):
    assert "Created superuser" not in demo
    assert not get_user_model().objects.filter(username="admin").exists()
    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_demo_without_a_superuser_writes_entries_as_a_user_who_cannot_sign_in(client, demo):
    assert users() == [WRITER_USERNAME]
    writer = get_user_model().objects.get(username=WRITER_USERNAME)
    assert entry_writers() == {WRITER_USERNAME}
    assert not writer.has_usable_password()
    assert not (writer.is_superuser or writer.is_staff)
    assert not writer.has_perm("wagtailadmin.access_admin")
    assert authenticate(username=WRITER_USERNAME, password="") is None
    assert not client.login(username=WRITER_USERNAME, password="")


def test_demo_writer_may_edit_only_the_demo_feed(demo, news_index):
    writer = get_user_model().objects.get(username=WRITER_USERNAME)
    assert LiveFeedPage.objects.get().permissions_for_user(writer).can_publish()
    other = factories.make_feed(news_index, "Another desk's feed")
    assert not other.permissions_for_user(writer).can_edit()
    assert not NewsArticlePage.objects.first().permissions_for_user(writer).can_edit()


def test_demo_replaces_the_welcome_page_with_the_home_page(demo):
    site = Site.objects.get(is_default_site=True)
    assert type(site.root_page.specific).__name__ == "HomePage"
    assert site.root_page.slug == "home"
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page.pk).exists()


def test_demo_content_covers_the_newsroom(demo):
    assert NewsArticlePage.objects.live().count() >= 6
    assert {"Reuters", "AP", "AFP"} <= set(Source.objects.values_list("name", flat=True))
    reference = NewsArticlePage.objects.get(
        title="China-US dialogue must pave the way for follow-up contacts"
    )
    assert reference.source.name == "Reuters"
    assert [t.name for t in reference.topics.all()] == ["US China Relations"]
    assert reference.published_at.date().isoformat() == "2021-04-20"
    block_types = {block.block_type for block in reference.body}
    assert {"paragraph", "quote", "source_credit"} <= block_types
    all_types = {
        block.block_type for article in NewsArticlePage.objects.all() for block in article.body
    }
    assert {"key_points", "fact_box", "timeline", "table", "pull_quote", "related_article"} <= (
        all_types
    )
    assert all(article.lead_image_id for article in NewsArticlePage.objects.all())
    feed = LiveFeedPage.objects.get()
    assert feed.title.startswith("Live: ")
    entries = LiveEntry.objects.published().filter(feed=feed)
    assert entries.count() == 20
    assert entries.filter(is_pinned=True).count() == 1
    assert entries.filter(is_key_event=True).count() >= 3


def test_running_the_demo_twice_creates_no_duplicates(demo):
    first = counts()
    again = load_demo()
    assert "cannot sign in" not in again  # the writer was made by the first run
    assert counts() == first


def test_demo_reader_pages_render(client, demo):
    index = NewsIndexPage.objects.get()
    # International relations lists the US China story through its subtopic.
    urls = ["/", index.url, index.url + "?topic=us-china-relations"]
    urls += [index.url + "?topic=international-relations"]
    urls += [article.url for article in NewsArticlePage.objects.all()]
    urls += [LiveFeedPage.objects.get().url]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    home = client.get("/").content.decode()
    assert "Live: Climate summit" in home
    assert "Heatwave warnings extended across southern Europe" in home


def test_demo_home_page_lists_only_what_is_below_it(client, demo):
    """A news index beside the Sites' roots (a superuser may add one) has no URL: the home page
    must not link its stories as ``href="None"``."""
    orphan = factories.make_index(Page.get_first_root_node(), "Outside every Site")
    factories.make_article(orphan, "Unreachable story")
    feed = factories.make_feed(orphan, "Unreachable live feed")
    feed.coverage_status = "live"
    feed.save_revision().publish()
    home = client.get("/").content.decode()
    assert "Unreachable" not in home and 'href="None"' not in home
    assert "Heatwave warnings extended across southern Europe" in home
