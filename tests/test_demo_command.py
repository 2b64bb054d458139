"""``load_newsfeed_demo`` builds a browsable demo newsroom and can be run again safely."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from tests import factories
from wagtail_newsfeed.management.commands.load_newsfeed_demo import WRITER_USERNAME
from wagtail_newsfeed.models import (
    ArticleAuthor,
    ArticleCorrection,
    ArticleRelatedLink,
    Author,
    LiveEntry,
    LiveFeedPage,
    NewsArticlePage,
    NewsIndexPage,
    Source,
    Topic,
)

pytestmark = pytest.mark.django_db

COUNTED = [
    Page,
    NewsArticlePage,
    NewsIndexPage,
    LiveFeedPage,
    LiveEntry,
    Topic,
    Author,
    Source,
    ArticleAuthor,
    ArticleCorrection,
    ArticleRelatedLink,
    Site,
    PageViewRestriction,
]


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_newsfeed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    found = {model.__name__: model.objects.count() for model in COUNTED}
    found["Image"] = get_image_model().objects.count()
    found["User"] = get_user_model().objects.count()
    found["pinned"] = LiveEntry.objects.filter(is_pinned=True).count()
    return found


@pytest.fixture
def demo(db):
    return load_demo()


@pytest.fixture
def debug(settings):
    """A development site (``make demo``'s): the only place the demo superuser is allowed."""
    settings.DEBUG = True


def users() -> list[str]:
    return sorted(get_user_model().objects.values_list("username", flat=True))


def entry_writers() -> set[str]:
    return set(LiveEntry.objects.values_list("created_by__username", flat=True))


def test_demo_superuser_flag_creates_admin_admin_and_says_so(db, debug):
    out = load_demo("--demo-superuser")
    assert "Created superuser 'admin' with password 'admin'." in out
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("admin")
    assert users() == ["admin"]
    assert entry_writers() == {"admin"}


def test_demo_superuser_flag_is_refused_with_debug_off_and_saves_nothing(db, settings):
    settings.DEBUG = False
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="production"):
        load_demo("--demo-superuser")
    assert users() == []
    assert Page.objects.count() == pages
    assert not LiveEntry.objects.exists()


def test_demo_superuser_flag_never_changes_an_existing_admin(db, debug):
    get_user_model().objects.create_user("admin", password="a-real-secret")
    out = load_demo("--demo-superuser")
    assert "Created superuser" not in out
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("a-real-secret") and not admin.is_superuser


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


def test_demo_writes_entries_as_an_existing_superuser_and_creates_no_user(db):
    factories.make_superuser("editor-in-chief")
    out = load_demo()
    assert "cannot sign in" not in out
    assert users() == ["editor-in-chief"]
    assert entry_writers() == {"editor-in-chief"}


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


def test_running_the_demo_twice_with_the_superuser_flag_creates_no_duplicates(db, debug):
    load_demo("--demo-superuser")
    first = counts()
    again = load_demo("--demo-superuser")
    assert "Created superuser" not in again
    assert counts() == first
    assert get_user_model().objects.get(username="admin").check_password("admin")


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


def test_another_projects_home_page_is_left_as_it_is(db, monkeypatch):
    """A ``wagtail start`` project has a ``home.HomePage`` of its own: the demo goes under the
    site's root and retitles neither the page nor the Site."""
    from home.models import HomePage

    monkeypatch.delattr(HomePage, "newsfeed_demo_home")
    site = Site.objects.get(is_default_site=True)
    home = HomePage(title="My own home", slug="my-home")
    Page.get_first_root_node().add_child(instance=home)
    site.root_page = home
    site.site_name = ""
    site.save()

    load_demo()

    home.refresh_from_db()
    site.refresh_from_db()
    assert (home.title, home.live, site.site_name, site.root_page_id) == (
        "My own home",
        True,
        "",
        home.pk,
    )
    assert NewsIndexPage.objects.child_of(home).exists()
