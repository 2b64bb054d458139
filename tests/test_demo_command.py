"""``load_newsfeed_demo`` builds a browsable demo newsroom and can be run again safely."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from tests import factories
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


def test_demo_writes_entries_as_an_existing_superuser_and_creates_no_user(db):
    factories.make_superuser("editor-in-chief")
    out = load_demo()
    assert "cannot sign in" not in out
    assert users() == ["editor-in-chief"]
    assert entry_writers() == {"editor-in-chief"}


def test_running_the_demo_twice_with_the_superuser_flag_creates_no_duplicates(db, debug):
    load_demo("--demo-superuser")
    first = counts()
    again = load_demo("--demo-superuser")
    assert "Created superuser" not in again
    assert counts() == first
    assert get_user_model().objects.get(username="admin").check_password("admin")


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


def test_the_demo_is_refused_on_a_site_with_news_pages_of_its_own(db):
    """A newsroom's real site: the demo would publish its stories into /news/ (found through
    the W003 hint, say). Refused, naming a page, with nothing written; --force loads it."""
    index = factories.make_index(title="Our news", slug="our-news")
    factories.make_article(index, "A real story", slug="a-real-story")
    before = counts()

    with pytest.raises(CommandError, match="'A real story'|'Our news'"):
        load_demo()

    assert counts() == before
    assert "Demo loaded" in load_demo("--force")
    assert NewsArticlePage.objects.filter(slug="a-real-story").exists()
