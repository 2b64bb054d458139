"""Bylines and topics keep who and what they were: logins that slugify alike stay different
authors (only ``--authors-map`` merges them), topics from exports without the channel's category
list keep their names, and tags beyond the cap are reported."""

from __future__ import annotations

import pytest
from taggit.models import Tag

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import Author, NewsArticlePage, Topic, WordPressOrigin
from wagtail_newsfeed.wordpress.taxonomy import MAX_TAGS

pytestmark = pytest.mark.django_db


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def byline(wp_id: int) -> list[tuple[str, str]]:
    page = page_of(wp_id)
    return [(link.author.name, link.author.slug) for link in page.article_authors.all()]


def two_does() -> Export:
    export = Export()
    export.author(1, "jdoe", "Jane & Doe").author(2, "j.doe", "John Other")
    export.post(1, "By jdoe", "x", creator="jdoe")
    export.post(2, "By j.doe", "x", creator="j.doe")
    return export


def test_logins_that_slugify_alike_stay_different_authors_and_are_reported(run_import):
    output = run_import(two_does())
    assert byline(1) == [("Jane & Doe", "jdoe")]
    [(name, slug)] = byline(2)
    assert name == "John Other" and slug.startswith("jdoe-") and slug != "jdoe"
    assert (
        f"logins 'jdoe' and 'j.doe' both make the author slug jdoe: 'j.doe' became {slug}"
        " (--authors-map can merge them)" in output
    )
    assert "authors: 2 created" in output


def test_a_re_run_finds_the_same_authors(run_import):
    run_import(two_does())
    before = {wp_id: byline(wp_id) for wp_id in (1, 2)}
    output = run_import(two_does())
    assert {wp_id: byline(wp_id) for wp_id in (1, 2)} == before
    assert "authors: 2 matched" in output and Author.objects.count() == 2


def test_the_authors_map_still_merges_them(run_import, tmp_path):
    mapping = tmp_path / "authors.csv"
    mapping.write_text("login,author,username\nj.doe,jdoe,\n")
    output = run_import(two_does(), authors_map=str(mapping))
    assert byline(1) == byline(2) and byline(1)[0][1] == "jdoe"
    assert Author.objects.count() == 1 and "both make the author slug" not in output


def test_a_login_of_the_authors_map_the_export_does_not_have_is_reported(run_import, tmp_path):
    mapping = tmp_path / "authors.csv"
    mapping.write_text("login,author,username\njdoe,jane-doe,\njdeo,jane-doe,\n")
    output = run_import(two_does(), authors_map=str(mapping))
    assert (
        "the authors map names the login 'jdeo', which the export does not have (a typo?)" in output
    )
    assert "'jdoe', which" not in output
    assert "authors_map (1): logins of --authors-map that the export does not have" in output
    assert "authors (" not in output


def test_an_author_slug_of_the_map_in_capitals_finds_the_existing_author(run_import, tmp_path):
    from tests import factories

    existing = factories.make_author("Jane Doe", slug="jane-doe")
    mapping = tmp_path / "authors.csv"
    mapping.write_text("login,author,username\njdoe,Jane-Doe,\nj.doe,JANE-DOE,\n")
    run_import(two_does(), authors_map=str(mapping))
    assert list(Author.objects.all()) == [existing]
    assert byline(1) == byline(2) == [("Jane Doe", "jane-doe")]


def test_topics_of_a_posts_only_export_are_named_as_the_posts_name_them(run_import):
    """``wp export --post_type=post`` and "Posts" in Tools > Export list no wp:category."""
    export = Export()
    export.post(1, "Filed", "x", categories=[("undeclared-cat", "Undeclared &amp; Cat")])
    run_import(export)
    topic = Topic.objects.get(slug="undeclared-cat")
    assert topic.name == "Undeclared & Cat" and topic.parent is None
    assert [t.name for t in page_of(1).topics.all()] == ["Undeclared & Cat"]


def test_the_channel_category_name_wins_over_the_posts(run_import):
    export = Export().category(5, "world", "World news")
    export.post(1, "Filed", "x", categories=[("world", "World")])
    run_import(export)
    assert Topic.objects.get(slug="world").name == "World news"


def test_tags_beyond_the_cap_are_left_out_with_a_report_line(run_import):
    tags = [(f"tag-{n:04}", f"Tag {n:04}") for n in range(MAX_TAGS + 20)]
    output = run_import(Export().post(1, "Tagged", "x", tags=tags))
    assert page_of(1).tags.count() == MAX_TAGS and Tag.objects.count() == MAX_TAGS
    assert (
        f"post 1 'Tagged' (line 19): it has {MAX_TAGS + 20:,} tags; the 20 after the first"
        f" {MAX_TAGS} (in alphabetical order) were left out" in output
    )
