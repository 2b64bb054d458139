"""View restrictions on re-runs: the import changes only the restriction it gave a page itself;
those an editor added or changed in Wagtail are kept, with a report line when WordPress says the
post is public."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def restrictions(wp_id: int) -> set[tuple[str, str]]:
    return set(
        PageViewRestriction.objects.filter(page=page_of(wp_id)).values_list(
            "restriction_type", "password"
        )
    )


def export(body: str = "x", **second) -> Export:
    return Export().post(1, "Public", body).post(2, "Also public", body, **second)


def test_restrictions_an_editor_added_to_public_posts_survive_a_re_run(run_import):
    run_import(export())
    PageViewRestriction.objects.create(page=page_of(1), restriction_type="login")
    PageViewRestriction.objects.create(
        page=page_of(2), restriction_type="password", password="editorpw"
    )
    output = run_import(export(body="edited"))
    assert "articles: 2 updated" in output
    assert restrictions(1) == {("login", "")}
    assert restrictions(2) == {("password", "editorpw")}
    assert "WordPress says it is public; the view restriction set in Wagtail is kept" in output


def test_a_password_an_editor_changed_is_not_reset_to_wordpresss(run_import):
    run_import(export(password="wppw"))
    restriction = PageViewRestriction.objects.get(page=page_of(2))
    restriction.password = "editorpw"
    restriction.save()
    output = run_import(export(body="edited", password="wppw"))
    assert "articles: 2 updated" in output
    assert restrictions(2) == {("password", "editorpw")}
    assert "kept the view restriction set in Wagtail" in output


def test_the_restriction_the_import_gave_follows_wordpress(run_import):
    run_import(export(password="wppw"))
    assert restrictions(2) == {("password", "wppw")}
    run_import(export(password="newpw"))
    assert restrictions(2) == {("password", "newpw")}
    run_import(export(status="private"))
    assert restrictions(2) == {("login", "")}
    output = run_import(export())
    assert restrictions(2) == set() and page_of(2).live
    assert "view restriction" not in output


def test_an_editors_restriction_next_to_the_imports_is_kept_when_the_post_becomes_public(
    run_import,
):
    run_import(export(password="wppw"))
    PageViewRestriction.objects.create(page=page_of(2), restriction_type="login")
    run_import(export(password="newpw"))
    assert restrictions(2) == {("password", "newpw"), ("login", "")}
    output = run_import(export())
    assert restrictions(2) == {("login", "")}
    assert "WordPress says it is public; the view restriction set in Wagtail is kept" in output
