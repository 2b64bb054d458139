"""Hostile and odd exports found by attacking the importer with real-world quirks: an XML
declaration naming a codec expat cannot use, Gutenberg blocks nested past the parser's depth cap,
and a Liveblog entry in one post editing an entry of another."""

# ruff: noqa: E501

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.checks import nothing_saved
from tests.wordpress.converting import converter
from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage, WordPressOrigin
from wagtail_newsfeed.wordpress.gutenberg import MAX_DEPTH
from wagtail_newsfeed.wordpress.survey import Catalog
from wagtail_newsfeed.wordpress.wxr import ExportError, ExportReader


@pytest.fixture
def converted():
    """``converted(markup)`` -> (raw blocks, warnings as (kind, message)), no database."""
    return converter(Catalog(hosts={"old.example.com"}))


@pytest.mark.parametrize("encoding", ["x-nonsense", "shift_jis", "utf-7", "base64", "idna"])
def test_an_encoding_expat_cannot_use_is_a_clear_error(tmp_path, encoding):
    data = Export().author(1, "alice", "Alice").post(1, "Hello", "Text").xml()
    path = tmp_path / "x.xml"
    path.write_bytes(data.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1))
    with pytest.raises(ExportError, match=r"line 1: .*names an encoding the importer cannot read"):
        list(ExportReader(path))


def test_the_command_refuses_an_unknown_encoding_without_a_traceback(tmp_path, news_index):
    data = Export().author(1, "alice", "Alice").post(1, "Hello", "Text").xml()
    path = tmp_path / "x.xml"
    path.write_bytes(data.replace(b'encoding="UTF-8"', b'encoding="x-nonsense"', 1))
    with (
        nothing_saved(),
        pytest.raises(CommandError, match=r"x\.xml: line 1: .*cannot read .*x-nonsense"),
    ):
        call_command("import_wordpress", str(path), index=str(news_index.pk))


def test_text_in_blocks_nested_past_the_depth_cap_is_kept_and_reported(converted):
    depth = 500
    markup = (
        '<!-- wp:group --><div class="wp-block-group">' * depth
        + "<!-- wp:paragraph --><p>Deep text</p><!-- /wp:paragraph -->"
        + "</div><!-- /wp:group -->" * depth
        + "<!-- wp:paragraph --><p>After</p><!-- /wp:paragraph -->"
    )
    raw, warnings = converted(markup)
    text = " ".join(str(block["value"]) for block in raw)
    assert "Deep text" in text and "After" in text
    assert ("unknown_block", f"blocks nested more than {MAX_DEPTH} deep in core/group") in warnings


def test_balanced_blocks_after_an_overflow_are_parsed_again():
    from wagtail_newsfeed.wordpress.gutenberg import Block, parse

    deep = "<!-- wp:group -->" * (MAX_DEPTH + 5) + "<!-- /wp:group -->" * (MAX_DEPTH + 5)
    parts = parse(deep + "<!-- wp:heading --><h2>Next</h2><!-- /wp:heading -->")
    assert [part.name for part in parts if isinstance(part, Block)] == [
        "core/group",
        "core/heading",
    ]


def two_live_blogs() -> Export:
    export = Export().author(1, "alice", "Alice Reporter")
    export.post(
        20,
        "Feed A",
        "Intro A",
        meta={"liveblog": "archive"},
        entries=[Entry(100, "A's entry", "2024-05-02 06:00:00")],
    )
    return export.post(
        21,
        "Feed B",
        "Intro B",
        meta={"liveblog": "archive"},
        entries=[
            Entry(200, "B's entry", "2024-05-02 06:00:00"),
            Entry(201, "B edits A's entry", "2024-05-02 07:00:00", replaces=100),
        ],
    )


def entries_of(title: str) -> list[str]:
    feed = LiveFeedPage.objects.get(title=title)
    return sorted(
        str(entry.body[0].value)
        for entry in LiveEntry.objects.filter(feed=feed, deleted_at__isnull=True)
    )


@pytest.mark.django_db
def test_an_edit_of_another_posts_entry_never_takes_it_over(run_import, count_rows):
    output = run_import(two_live_blogs())
    assert "entry 201 edits entry 100, which this post does not hold" in output
    assert entries_of("Feed A") == ["<p>A's entry</p>"]
    assert entries_of("Feed B") == ["<p>B edits A's entry</p>", "<p>B's entry</p>"]
    origin = WordPressOrigin.objects.get(kind="entry", wp_id=100)
    assert origin.entry.feed.title == "Feed A"
    before = count_rows()
    for _run in range(2):
        output = run_import(two_live_blogs())
        assert count_rows() == before
        assert "live entries: 3 unchanged" in output


@pytest.mark.django_db
def test_an_import_into_another_sites_index_says_the_pages_stay_where_they_are(
    run_import, news_index, count_rows
):
    from wagtail.models import Page, Site

    from wagtail_newsfeed.models import NewsArticlePage, NewsIndexPage

    home = Page.get_first_root_node().add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", port=80, root_page=home)
    other_index = home.add_child(instance=NewsIndexPage(title="Other news", slug="other-news"))
    export = Export().author(1, "alice", "Alice").post(1, "Hello", "Text")
    run_import(export)
    before = count_rows()
    output = run_import(export, index="/other-news/")
    assert "elsewhere (1)" in output
    assert "imported before as page" in output and "it stays where it is" in output
    assert count_rows() == before
    page = NewsArticlePage.objects.get()
    assert page.get_parent().pk == news_index.pk and not other_index.get_children().exists()
    assert "elsewhere" not in run_import(export)


@pytest.mark.django_db
@pytest.mark.parametrize("row", ["alice,,bo\x00b", "al\x00ice,,", "alice,,bob\x1b[31m"])
def test_an_authors_map_with_control_characters_is_refused(run_import, tmp_path, row):
    mapping = tmp_path / "authors.csv"
    mapping.write_text(f"login,author,username\n{row}\n", encoding="utf-8")
    with (
        nothing_saved(),
        pytest.raises(CommandError, match=r"authors\.csv, row 2: it holds a control character"),
    ):
        run_import(Export().post(1, "x", "x"), authors_map=str(mapping))
