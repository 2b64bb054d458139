"""The lines the importer prints say what readers will see: the URL a renamed post moves to (in
a dry run and with ``-v 2``) and post titles as text, not as the markup WordPress stores."""

from __future__ import annotations

import pytest

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import WordPressOrigin
from wagtail_newsfeed.wordpress.records import Item

pytestmark = pytest.mark.django_db


def story(slug: str) -> Export:
    return Export().author(1, "alice", "Alice").post(1, "Story", f"Text of {slug}", slug=slug)


def test_after_a_post_name_change_the_lines_show_the_new_url(run_import, news_index):
    run_import(story("old-name"))
    output = run_import(story("new-name"), dry_run=True, verbosity=2)
    assert f"update article 'Story' (WordPress 1) at {news_index.url}new-name/ [" in output
    output = run_import(story("new-name"), verbosity=2)
    assert f"/2024/03/new-name/ → {news_index.url}new-name/" in output
    page = WordPressOrigin.objects.get(kind="post", wp_id=1).page
    assert page.slug == "new-name"


def test_report_labels_show_titles_as_text():
    title = "Classic <em>story</em> &amp; entities &#8211; dash"
    item = Item(wp_id=3, raw_id="3", line=12, title=title, post_type="post")
    assert item.label == "post 3 'Classic story & entities – dash' (line 12)"


def test_a_warning_names_the_post_by_its_plain_title(run_import):
    export = Export().author(1, "alice", "Alice")
    export.post(1, "Classic <em>story</em> &amp; more", "Text<script>x()</script>")
    output = run_import(export)
    assert "post 1 'Classic story & more' (line" in output


def test_a_title_over_255_characters_is_cut_at_a_word_and_reported(run_import):
    title = "Breaking " + "news " * 60 + "end"
    run_import(Export().post(1, title, "x"))
    page = WordPressOrigin.objects.get(kind="post", wp_id=1).page
    output = run_import(Export().post(1, title, "x"))
    assert len(page.title) <= 255 and page.title.endswith("news…")
    assert title.startswith(page.title[:-1])
    assert "its title is 312 characters long: cut at a word to fit 255" in output
