"""Redirects across re-runs and across WordPress sites: two sites imported into one Wagtail site
never take each other's old URLs, a redirect a post lost comes back, and an editor's retarget of
a post's old URL stays."""

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

SITE_A, SITE_B = "https://site-a.example.com", "https://site-b.example.com"


def page_of(wp_id: int, site: str = "old.example.com") -> NewsArticlePage:
    origin = WordPressOrigin.objects.get(kind="post", wp_id=wp_id, site=site)
    return NewsArticlePage.objects.get(pk=origin.page_id)


def target(path: str) -> int | None:
    return Redirect.objects.get(old_path=path).redirect_page_id


def test_a_draft_of_another_wordpress_site_leaves_the_first_sites_redirects_alone(run_import):
    run_import(Export(base=SITE_A).post(13, "Published on A", "x"))
    output = run_import(Export(base=SITE_B).post(13, "Draft on B", "x", status="draft"))
    assert target("/?p=13") == target("/2024/03/post-13") == page_of(13, "site-a.example.com").pk
    assert "removed" not in output


def test_alternating_imports_of_two_sites_never_take_each_others_redirects(run_import):
    site_a = Export(base=SITE_A).post(10, "Ten", "x")
    site_b = Export(base=SITE_B).post(10, "Ten", "x")
    run_import(site_a)
    for _ in range(2):
        output_b = run_import(site_b)
        output_a = run_import(site_a)
        first = page_of(10, "site-a.example.com").pk
        assert target("/?p=10") == target("/2024/03/post-10") == first
        assert "updated" not in output_a + output_b
        assert "'/?p=10' already redirects elsewhere; left alone" in output_b


def test_an_unchanged_post_gets_back_a_redirect_it_lost(run_import):
    export = Export().post(13, "Thirteen", "x")
    run_import(export)
    Redirect.objects.filter(old_path="/?p=13").delete()
    output = run_import(export)
    assert "articles: 1 unchanged" in output and "redirects: 1 created" in output
    assert target("/?p=13") == page_of(13).pk


def test_an_editors_retarget_of_a_posts_own_url_to_another_imported_page_stays(run_import):
    export = Export().post(14, "Fourteen", "x").post(15, "Fifteen", "x")
    run_import(export)
    Redirect.objects.filter(old_path="/?p=14").update(redirect_page=page_of(15))
    output = run_import(export)
    assert target("/?p=14") == page_of(15).pk
    assert "'/?p=14' already redirects elsewhere; left alone" in output
    assert "updated" not in output


def test_an_editors_retarget_stays_when_the_post_changes_or_is_unpublished(run_import):
    run_import(Export().post(14, "Fourteen", "x").post(15, "Fifteen", "x"))
    Redirect.objects.filter(old_path="/?p=14").update(redirect_page=page_of(15))
    output = run_import(Export().post(14, "Fourteen, updated", "y").post(15, "Fifteen", "x"))
    assert target("/?p=14") == page_of(15).pk
    assert "'/?p=14' already redirects elsewhere; left alone" in output
    run_import(Export().post(14, "Fourteen", "y", status="draft").post(15, "Fifteen", "x"))
    assert target("/?p=14") == page_of(15).pk
