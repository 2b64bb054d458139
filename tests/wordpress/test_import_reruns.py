"""Re-runs over a post's life in WordPress (published, trashed, restored, drafted), posts that
cannot be read failing the run, and what a run prints and parses along the way."""

# ruff: noqa: E501

from __future__ import annotations

import io
import warnings
from datetime import UTC, datetime

import pytest
from bs4 import MarkupResemblesLocatorWarning
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Revision

from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage, WordPressOrigin
from wagtail_newsfeed.wordpress import wxr

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
PERMALINK = "/2024/03/talks/"


def story(status: str = "publish", **options) -> Export:
    options.setdefault("slug", "talks")
    return Export().post(1, "Talks", "Leaders met.", status=status, **options)


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def redirects_to(page: NewsArticlePage) -> set[str]:
    return set(Redirect.objects.filter(redirect_page=page).values_list("old_path", flat=True))


# Trash, drafts and restores ---------------------------------------------------------------------


def test_a_post_restored_from_the_trash_is_published_again_at_its_original_times(
    run_import, client
):
    run_import(story())
    run_import(story("trash"))
    assert not page_of(1).live
    output = run_import(story())
    page = page_of(1)
    assert page.live and "articles: 1 updated" in output
    assert page.first_published_at == page.published_at == PUBLISHED
    assert client.get(page.url).status_code == 200
    response = client.get(PERMALINK)
    assert response.status_code == 301 and response["Location"] == page.url


def test_a_post_back_from_draft_is_published_again_at_its_original_times(run_import, client):
    run_import(story())
    run_import(story("draft"))
    assert not page_of(1).live and redirects_to(page_of(1)) == set()
    run_import(story())
    page = page_of(1)
    assert page.live and page.first_published_at == page.published_at == PUBLISHED
    assert client.get(PERMALINK).status_code == 301


def test_a_trashed_post_loses_its_redirects_as_a_draft_does(run_import, client, count_rows):
    run_import(story())
    assert redirects_to(page_of(1)) == {"/2024/03/talks", "/2024/03/talks/feed", "/?p=1"}
    output = run_import(story("trash"))
    assert redirects_to(page_of(1)) == set()
    assert "3 removed (the post is not public)" in output
    assert client.get(PERMALINK).status_code == 404
    before = count_rows()
    assert "items skipped: 1 trash" in run_import(story("trash"))
    assert count_rows() == before


def test_a_trashed_post_loses_the_redirect_of_the_slug_it_had_before_the_trash(run_import):
    """WordPress renames a trashed post ``talks__trashed`` and keeps ``talks`` in a meta key."""
    run_import(story())
    trashed = story(
        "trash",
        slug="talks__trashed",
        link="https://old.example.com/2024/03/talks__trashed/",
        meta={"_wp_desired_post_slug": "talks", "_wp_trash_meta_status": "publish"},
    )
    run_import(trashed)
    assert redirects_to(page_of(1)) == set()


def test_an_editors_redirect_to_a_trashed_post_is_left_alone(run_import):
    run_import(story())
    page = page_of(1)
    Redirect.objects.create(old_path="/talks-special", redirect_page=page)
    run_import(story("trash"))
    assert redirects_to(page) == {"/talks-special"}


def test_a_scheduled_post_moved_to_the_trash_never_goes_live(run_import):
    future = (timezone.now().replace(microsecond=0) + timezone.timedelta(days=3)).astimezone(UTC)
    stamp = future.strftime("%Y-%m-%d %H:%M:%S")
    run_import(story("future", date=stamp, date_gmt=stamp))
    page = page_of(1)
    assert Revision.page_revisions.filter(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    ).exists()
    output = run_import(story("trash", date=stamp, date_gmt=stamp))
    assert "articles: 1 unscheduled (trashed)" in output
    assert not Revision.page_revisions.filter(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    ).exists()
    assert not page_of(1).live


# Posts that cannot be read ---------------------------------------------------------------------


def run_command(news_index, tmp_path, export: Export) -> tuple[str, CommandError | None]:
    path = export.write(tmp_path / "export.xml")
    out = io.StringIO()
    try:
        call_command(
            "import_wordpress",
            str(path),
            index=str(news_index.pk),
            stdout=out,
            stderr=io.StringIO(),
        )
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_an_oversized_post_fails_the_run_with_exit_status_1(news_index, tmp_path, monkeypatch):
    monkeypatch.setitem(wxr.FIELD_LIMITS, "content:encoded", 1000)
    export = Export().post(1, "Huge", "x" * 5000).post(2, "Small", "ok")
    export.post(3, "About us", "x" * 5000, post_type="page")  # not a post: only reported
    output, error = run_command(news_index, tmp_path, export)
    assert error is not None and error.returncode == 1
    assert str(error) == "1 posts could not be imported (see 'failed' above)."
    assert "failed (1): posts that could not be imported" in output
    assert "unreadable (1)" in output and "page 3 'About us'" in output
    assert (
        "post 1 'Huge' (line " in output
        and "could not be read: its <content:encoded> is larger than the importer accepts" in output
    )
    assert list(WordPressOrigin.objects.filter(kind="post").values_list("wp_id", flat=True)) == [2]


def test_a_post_whose_text_runs_past_the_token_cap_fails_alone(news_index, tmp_path, monkeypatch):
    """A pasted base64 image is one long text node, not a runaway tag: only its post fails."""
    monkeypatch.setattr(wxr, "MAX_TOKEN_BYTES", 100_000)
    monkeypatch.setattr(wxr, "CHUNK_BYTES", 8192)
    monkeypatch.setitem(wxr.FIELD_LIMITS, "content:encoded", 50_000)
    pasted = f'<p><img src="data:image/png;base64,{"iVBORw0KGgo" * 30_000}"></p>'
    export = Export().post(1, "Before", "ok").post(2, "Pasted", pasted).post(3, "After", "ok")
    output, error = run_command(news_index, tmp_path, export)
    assert error is not None and error.returncode == 1
    assert "post 2 'Pasted' (line " in output and "larger than the importer accepts" in output
    posts = WordPressOrigin.objects.filter(kind="post")
    assert set(posts.values_list("wp_id", flat=True)) == {1, 3}


# Content nested too deep -----------------------------------------------------------------------


def test_a_list_nested_200_deep_is_flattened_and_the_post_imported(run_import):
    deep = "<ul><li>" * 200 + "bottom" + "</li></ul>" * 200
    output = run_import(Export().post(1, "Deep", f"<p>Intro</p>{deep}"))
    body = page_of(1).body.raw_data[0]["value"]
    assert page_of(1).live and "bottom" in body
    assert body.count("<ul>") == 20  # 20 levels (40 elements) kept, the rest as text
    assert "too_deep (1)" in output


def test_formatting_nested_500_deep_is_flattened_and_the_post_imported(run_import):
    deep = "<b>" * 500 + "bold" + "</b>" * 500
    output = run_import(Export().post(1, "Bold", f"Very {deep} claims"))
    assert page_of(1).live and "bold" in page_of(1).body.raw_data[0]["value"]
    assert "too_deep (1)" in output


# What a run prints and parses ------------------------------------------------------------------


def test_verbose_lines_show_the_old_url_and_the_new_one(run_import):
    output = run_import(story(), verbosity=2)
    page = page_of(1)
    old = f"https://old.example.com{PERMALINK}"
    assert f"created article 'Talks' (WordPress 1): {old} → {page.url}\n" in output
    assert "/home/" not in output
    output = run_import(story(), verbosity=2)
    assert f"unchanged article 'Talks' (WordPress 1): {old} → {page.url}\n" in output
    output = run_import(story("draft"), verbosity=2)
    assert (
        f"updated article 'Talks' (WordPress 1): {old} → {page.url} (not public: no redirect)\n"
        in output
    )


def test_a_liveblog_entry_that_is_only_a_url_parses_without_a_warning(run_import):
    export = Export().post(
        3,
        "Live",
        "Intro",
        meta={"liveblog": "enable"},
        entries=[Entry(100, "https://example.com/story", "2024-03-01 10:00:00")],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_import(export)
    assert LiveEntry.objects.count() == 1
    assert [w for w in caught if issubclass(w.category, MarkupResemblesLocatorWarning)] == []
