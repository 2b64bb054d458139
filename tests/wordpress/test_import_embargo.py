"""Unpublished posts stay unfindable: only public posts' old URLs redirect (``/?p=1``, ``/?p=2``...
can be walked by anyone), a post no longer public loses its redirects, and the WordPress
redirect middleware never answers a redirect to a page readers may not see."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction, Revision

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

WORDPRESS_MIDDLEWARE = "wagtail_newsfeed.wordpress.middleware.WordPressRedirectMiddleware"


@pytest.fixture
def with_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, WORDPRESS_MIDDLEWARE]


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def redirected_paths(wp_id: int) -> set[str]:
    return set(
        Redirect.objects.filter(redirect_page=page_of(wp_id)).values_list("old_path", flat=True)
    )


def scheduled_revisions(page: NewsArticlePage) -> list:
    return list(
        Revision.page_revisions.filter(
            object_id=str(page.pk), approved_go_live_at__isnull=False
        ).values_list("approved_go_live_at", flat=True)
    )


def in_days(days: int) -> str:
    moment = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def statuses() -> Export:
    export = Export()
    export.post(1, "Draft one", "x", status="draft", slug="")
    export.post(2, "Pending post", "x", status="pending")
    export.post(3, "CEO to resign", "x", status="future", date=in_days(30))
    export.post(4, "Private post", "x", status="private")
    export.post(5, "Protected scoop", "x", password="secret")
    export.post(6, "Public story", "x", slug="public-story")
    return export


def test_only_public_posts_old_urls_redirect(run_import, client, with_middleware):
    run_import(statuses())
    for wp_id in (1, 2, 3, 4, 5):
        assert redirected_paths(wp_id) == set()
        response = client.get(f"/?p={wp_id}")
        assert response.status_code == 200 and "Location" not in response  # the home page
    assert redirected_paths(6) == {"/?p=6", "/2024/03/public-story", "/2024/03/public-story/feed"}
    response = client.get("/?p=6")
    assert response.status_code == 301 and response["Location"] == page_of(6).url


def test_a_re_run_adds_the_redirects_of_a_post_made_public_and_drops_those_of_one_hidden(
    run_import, client, with_middleware
):
    export = Export().post(1, "Embargoed", "x", status="draft", slug="embargoed")
    run_import(export)
    assert redirected_paths(1) == set()

    published = Export().post(1, "Embargoed", "x", slug="embargoed")
    output = run_import(published)
    assert redirected_paths(1) == {"/?p=1", "/2024/03/embargoed", "/2024/03/embargoed/feed"}
    assert "redirects: 6 created" in output  # and /feed/, /feed/rss2/, /feed/atom/
    assert client.get("/?p=1").status_code == 301

    output = run_import(Export().post(1, "Embargoed", "x", status="private", slug="embargoed"))
    assert redirected_paths(1) == set()
    assert "3 removed (the post is not public)" in output
    assert client.get("/?p=1").status_code == 200
    assert client.get("/2024/03/embargoed/").status_code == 404


def test_the_middleware_does_not_redirect_to_a_page_readers_cannot_see(
    run_import, client, with_middleware
):
    run_import(Export().post(1, "Story", "x"))
    page = page_of(1)
    assert client.get("/?p=1").status_code == 301

    page.unpublish()
    response = client.get("/?p=1")
    assert response.status_code == 200 and "Location" not in response

    page.save_revision().publish()
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/?p=1")
    assert response.status_code == 200 and "Location" not in response


def test_the_dry_run_says_which_posts_get_no_redirects(run_import):
    output = run_import(statuses(), dry_run=True)
    assert "(WordPress 4) at" in output
    lines = {
        line.split("(WordPress ")[1][0]: line
        for line in output.splitlines()
        if "(WordPress " in line
    }
    assert all(lines[n].endswith("no redirects: not public]") for n in "12345")
    assert lines["6"].endswith("[live, 1 blocks, 2 old URLs]")


@pytest.mark.parametrize("status", ["draft", "pending"])
def test_a_scheduled_post_made_a_draft_again_loses_its_schedule(run_import, status):
    stamp = in_days(3)
    run_import(Export().post(1, "Embargoed", "x", status="future", date=stamp))
    assert scheduled_revisions(page_of(1)) and page_of(1).go_live_at

    run_import(Export().post(1, "Embargoed", "x", status=status, date=stamp))
    page = page_of(1)
    assert scheduled_revisions(page) == [] and page.go_live_at is None
    # The old publish time comes: nothing is left to go live.
    Revision.page_revisions.filter(approved_go_live_at__isnull=False).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    assert not page_of(1).live


def test_a_live_post_rescheduled_to_a_later_date_is_taken_down_until_then(run_import, client):
    run_import(Export().post(1, "Rescheduled", "Energy deal.", slug="rescheduled"))
    page = page_of(1)
    url = page.url
    assert client.get(url).status_code == 200

    stamp = in_days(5)
    run_import(Export().post(1, "Rescheduled", "Energy deal.", status="future", date=stamp))
    page = page_of(1)
    assert not page.live and page.live_revision is None
    assert scheduled_revisions(page) == [page.go_live_at] and page.go_live_at.year > 2024
    assert client.get(url).status_code == 404
    assert client.get("/api/newsfeed/v1/articles/").json()["results"] == []
    assert client.get(f"/api/newsfeed/v1/articles/{page.pk}/").status_code == 404
    assert "Rescheduled" not in client.get("/newsfeed/feeds/latest.rss").content.decode()
    call_command("publish_scheduled")
    assert not page_of(1).live
