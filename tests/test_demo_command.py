"""``load_newsfeed_demo`` builds a browsable demo newsroom and can be run again safely."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

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


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_newsfeed_demo", stdout=out)
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


def test_demo_creates_the_admin_user_and_says_so(demo):
    assert "Created superuser 'admin' with password 'admin'." in demo
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("admin")


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
    assert "Created superuser" not in again
    assert counts() == first


def test_demo_reader_pages_render(client, demo):
    index = NewsIndexPage.objects.get()
    urls = ["/", index.url, index.url + "?topic=us-china-relations"]
    urls += [article.url for article in NewsArticlePage.objects.all()]
    urls += [LiveFeedPage.objects.get().url]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    home = client.get("/").content.decode()
    assert "Live: Climate summit" in home
    assert "Heatwave warnings extended across southern Europe" in home
