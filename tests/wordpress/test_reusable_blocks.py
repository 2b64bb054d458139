"""Reusable blocks (``<!-- wp:block {"ref":N} /-->``) expand once per use, within a budget per
post: a block that holds itself is a cycle reported once, and blocks that use each other many
times cannot multiply the work (the import stays linear in the export's size)."""

# Markup reads better unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import json

import pytest

from tests.wordpress.converting import converter
from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage
from wagtail_newsfeed.wordpress import gutenberg
from wagtail_newsfeed.wordpress.survey import Catalog

SHARED = "<!-- wp:paragraph --><p>Shared</p><!-- /wp:paragraph -->"


def use(ref, times: int = 1) -> str:
    return f'<!-- wp:block {{"ref":{json.dumps(ref)}}} /-->' * times


@pytest.fixture
def blocks_of():
    """``blocks_of(markup, reusable)`` -> (raw blocks, warnings as (kind, message))."""
    return converter(Catalog(hosts={"old.example.com"}))


def shared_count(raw) -> int:
    return sum(block["value"].count("Shared") for block in raw)


def test_a_block_that_holds_itself_is_read_once_and_reported_as_a_cycle(blocks_of):
    raw, warnings = blocks_of(use(9), {9: SHARED + use(9)})
    assert shared_count(raw) == 1
    assert warnings == [("unknown_block", "reusable block 9 contains itself (a cycle); read once")]


def test_a_self_referencing_bomb_does_work_bounded_by_the_budget(blocks_of):
    """K self-references used K times was K**4 reads (20,736 here; 2.5e10 for K=400)."""
    k = 12
    reusable = gutenberg.Reusable({1: SHARED + use(1, k)})
    raw, warnings = blocks_of(use(1, k), reusable)
    assert shared_count(raw) == k  # each use read once, its self-references are the cycle
    assert warnings == [("unknown_block", "reusable block 1 contains itself (a cycle); read once")]
    granted = gutenberg.MAX_REUSABLE_EXPANSION + gutenberg.REUSABLE_PER_CHAR * len(use(1, k))
    spent = k * (len(SHARED + use(1, k)) + gutenberg.REUSABLE_EXPANSION_COST)
    assert reusable.left == granted - spent


def test_blocks_that_use_each_other_many_times_stop_at_the_budget(blocks_of):
    """No cycle: 1 uses 2 forty times, 2 uses 3 forty times (40**3 reads without a budget)."""
    k = 40
    blocks = {n: SHARED + use(n + 1, k) for n in (1, 2)} | {3: SHARED}
    reusable = gutenberg.Reusable(blocks)
    raw, warnings = blocks_of(use(1, k), reusable)
    cheapest = len(SHARED) + gutenberg.REUSABLE_EXPANSION_COST
    granted = gutenberg.MAX_REUSABLE_EXPANSION + gutenberg.REUSABLE_PER_CHAR * len(use(1, k))
    assert shared_count(raw) <= granted // cheapest
    assert reusable.left == 0
    assert warnings == [
        (
            "unknown_block",
            "reusable blocks expand to more characters than this post may hold (65,536 plus 8 for each of its own); reusable block 2 and the ones after it were left out",
        )
    ]


def test_a_string_ref_is_the_same_block_as_a_number(blocks_of):
    raw, warnings = blocks_of(use("161") + use(162), {161: SHARED, 162: SHARED})
    assert shared_count(raw) == 2 and warnings == []
    _, warnings = blocks_of(use("16x") + use(True) + use("²"), {16: SHARED, 1: SHARED, 2: SHARED})
    assert warnings == [
        ("unknown_block", "reusable block 16x not in the export"),
        ("unknown_block", "reusable block True not in the export"),
        ("unknown_block", "reusable block ² not in the export"),
    ]


def test_nesting_deeper_than_the_limit_is_reported_as_such(blocks_of):
    blocks = {n: SHARED + use(n + 1) for n in range(1, 6)} | {6: SHARED}
    raw, warnings = blocks_of(use(1), blocks)
    assert shared_count(raw) == gutenberg.MAX_REUSABLE_DEPTH
    assert warnings == [("unknown_block", "reusable block 4 is nested more than 3 deep; left out")]


@pytest.mark.django_db
def test_a_bomb_in_a_post_and_its_liveblog_entries_imports_with_few_report_lines(run_import):
    """The post and its entries share one budget: the import finishes, reports each problem
    once per post, and leaves out what the budget does not cover."""
    k = 30
    export = Export()
    export.post(500, "Bomb", SHARED + use(500, k), post_type="wp_block", slug="bomb")
    entries = [Entry(9000 + n, use(500, k), "2024-03-01 10:00:00") for n in range(5)]
    export.post(1, "Live", use(500, k), meta={"liveblog": "enable"}, entries=entries)
    export.post(2, "Article", "<p>Intro</p>" + use(500, k))
    output = run_import(export)
    lines = [line.strip() for line in output.splitlines() if "reusable block" in line]
    assert lines == [
        "- post 1 'Live' (line 43): reusable block 500 contains itself (a cycle); read once",
        "- post 1 'Live' (line 43): reusable blocks expand to more characters than this post may hold (65,536 plus 8 for each of its own); reusable block 500 and the ones after it were left out",
        "- post 2 'Article' (line 73): reusable block 500 contains itself (a cycle); read once",
    ]
    assert "articles: 1 created" in output and "live feeds: 1 created" in output
    assert NewsArticlePage.objects.get().body.raw_data[0]["value"].count("Shared") == k
    assert 1 <= LiveEntry.objects.count() < 5


@pytest.mark.django_db
def test_a_reusable_block_wordpress_does_not_show_is_left_out_with_a_report_line(
    run_import, client
):
    """WordPress renders nothing for a reusable block that is not published or has a password
    (``render_block_core_block``): its text never reaches a public page or feed."""
    export = Export()
    hidden = {
        70: {"status": "draft"},
        71: {"status": "trash"},
        72: {"status": "pending"},
        73: {"status": "private"},
        74: {"status": "future"},
        75: {"password": "secret"},
    }
    for ref, how in hidden.items():
        text = f"<!-- wp:paragraph --><p>Hidden {ref}</p><!-- /wp:paragraph -->"
        export.post(ref, f"Block {ref}", text, post_type="wp_block", slug=f"block-{ref}", **how)
    export.post(76, "Public", SHARED, post_type="wp_block", slug="public")
    export.post(1, "Article", "<p>Intro</p>" + "".join(use(ref) for ref in [*hidden, 76, 70]))
    output = run_import(export)
    page = NewsArticlePage.objects.get()
    text = json.dumps(list(page.body.raw_data))
    assert "Shared" in text and "Hidden" not in text
    assert "Hidden" not in client.get(page.url).content.decode()
    lines = [line.strip() for line in output.splitlines() if "reusable block" in line]
    assert all(line.startswith("- post 1 'Article' (line ") for line in lines)
    assert [line.split("): ", 1)[1] for line in lines] == [
        f"reusable block {ref} {why}, which WordPress does not show; left out"
        for ref, why in [
            (70, "is a draft"),
            (71, "is in the trash"),
            (72, "is pending review"),
            (73, "is private"),
            (74, "is scheduled"),
            (75, "is password-protected"),
        ]
    ]


def test_a_hidden_reusable_block_inside_a_public_one_is_left_out(blocks_of):
    reusable = gutenberg.Reusable({9: SHARED + use(8)}, hidden={8: "is a draft"})
    raw, warnings = blocks_of(use(9) + use(8), reusable)
    assert shared_count(raw) == 1
    assert warnings == [
        ("unknown_block", "reusable block 8 is a draft, which WordPress does not show; left out")
    ]
