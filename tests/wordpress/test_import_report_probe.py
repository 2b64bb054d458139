"""Report lines for what an import leaves out or changes on its own, one line each and never two
that contradict each other: permalinks that can get no redirect, a canonical URL that is a page,
posts scheduled more than a year ahead, and Liveblog entries left out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def test_permalinks_that_get_no_redirect_are_reported(run_import):
    export = Export()
    export.post(1, "Spaced", "x", link="https://old.example.com/space link/")
    export.post(2, "Home", "x", link="https://old.example.com/")
    export.post(3, "Elsewhere", "x", link="https://partner.example.net/story/")
    export.post(4, "Draft", "x", status="draft", link="https://partner.example.net/draft/")
    output = run_import(export)
    assert "'https://old.example.com/space link/' is not a valid URL; no redirect" in output
    assert "'https://old.example.com/' is the site's home page; no redirect" in output
    assert "'https://partner.example.net/story/' is on another site; no redirect" in output
    assert "draft/" not in output
    assert "articles: 4 created" in output


def test_a_canonical_url_that_is_an_existing_page_gets_one_line(run_import, news_index):
    canonical = f"https://old.example.com{news_index.url}"
    output = run_import(Export().post(1, "Story", "x", meta={"_yoast_wpseo_canonical": canonical}))
    assert f"{news_index.url.rstrip('/')}' is the URL of an existing page; no redirect" in output
    assert "kept as a redirect to the page" not in output
    assert not Redirect.objects.filter(old_path=news_index.url.rstrip("/")).exists()


def test_a_post_scheduled_more_than_a_year_ahead_is_imported_as_scheduled(run_import):
    stamp = "2099-01-01 10:00:00"
    output = run_import(Export().post(1, "Far", "x", status="future", date=stamp, date_gmt=stamp))
    page = page_of(1)
    assert "articles: 1 created" in output and "failed" not in output
    assert not page.live and page.go_live_at == datetime(2099, 1, 1, 10, tzinfo=UTC)
    assert page.published_at is None
    assert "scheduled for 2099-01-01 10:00 UTC, more than a year ahead" in output


def live(*entries: Entry) -> Export:
    return Export().post(20, "Live", "x", meta={"liveblog": "enable"}, entries=list(entries))


def test_an_oversized_entry_gets_one_line(run_import):
    big = "<p>" + "words " * 200_000 + "</p>"  # 1.2 MB
    small = Entry(1, "<p>small</p>", "2024-03-01 10:00:00")
    output = run_import(live(small, Entry(2, big, "2024-03-01 10:05:00")))
    assert "liveblog entry 2 is larger than 1 MB and was left out" in output
    assert "without a valid comment id" not in output
    assert LiveEntry.objects.count() == 1


def test_a_comment_id_twice_in_one_post_is_reported(run_import):
    first = Entry(1, "<p>first</p>", "2024-03-01 10:00:00")
    output = run_import(live(first, Entry(1, "<p>again</p>", "2024-03-01 10:05:00")))
    assert "entry 1 is in the post twice: the later one was left out" in output
    entry = LiveEntry.objects.get()
    assert "first" in str(entry.body) and "again" not in str(entry.body)
