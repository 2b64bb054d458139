"""Liveblog posts (Automattic's Liveblog plugin) become live feeds whose entries keep their
original times, authors and key events, show the last edit, leave deletions out, and are stamped
through the feed's counter so delta sync sees them."""

# ruff: noqa: E501

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage, WordPressOrigin

pytestmark = pytest.mark.django_db

KEY_SPAN = '<span class="liveblog-command type-key">key</span>'


def election(*extra: Entry, state: str = "enable") -> Export:
    export = Export().author(1, "alice", "Alice Reporter").author(2, "bob", "Bob Editor")
    entries = [
        Entry(100, "Polls open at 7am.", "2024-05-02 06:00:00", user_id=1),
        Entry(
            101, f"{KEY_SPAN}First result: Sunderland declares.", "2024-05-02 23:10:00", user_id=2
        ),
        Entry(
            102,
            "Turnout looks high /key",
            "2024-05-02 22:00:00",
            user_id=1,
            meta={"liveblog_contributors": "a:1:{i:0;i:2;}"},
        ),
        Entry(103, "Typo-ridden entry", "2024-05-02 21:00:00", user_id=1),
        Entry(
            104,
            "Corrected entry, now <strong>fixed</strong>.",
            "2024-05-02 21:30:00",
            user_id=2,
            replaces=103,
        ),
        Entry(105, "Entry to be deleted", "2024-05-02 21:40:00"),
        Entry(106, "", "2024-05-02 21:45:00", replaces=105),
        Entry(107, "Trashed original", "2024-05-02 21:50:00", approved="trash"),
        Entry(
            108,
            "Reader comment, not an entry",
            "2024-05-02 21:55:00",
            comment_type="comment",
            approved="1",
        ),
        Entry(109, "Flagged by meta", "2024-05-02 23:30:00", key=True),
        *extra,
    ]
    return export.post(
        20,
        "Election night live",
        "Follow the results as they come in. [liveblog_key_events]",
        date_gmt="2024-05-02 05:00:00",
        meta={"liveblog": state},
        entries=entries,
    )


def feed() -> LiveFeedPage:
    return LiveFeedPage.objects.get(pk=WordPressOrigin.objects.get(kind="post", wp_id=20).page_id)


def texts(entries) -> list[str]:
    return [entry.body.raw_data[0]["value"] for entry in entries]


def test_a_liveblog_post_becomes_a_live_feed_with_its_entries_at_their_times(run_import):
    run_import(election())
    page = feed()
    assert page.live and page.coverage_status == "live"
    assert page.summary == "<p>Follow the results as they come in.</p>"
    assert page.coverage_start == datetime(2024, 5, 2, 5, 0, tzinfo=UTC)
    entries = list(LiveEntry.objects.filter(feed=page).order_by("display_time"))
    assert texts(entries) == [
        "<p>Polls open at 7am.</p>",
        "<p>Corrected entry, now <strong>fixed</strong>.</p>",
        "<p>Turnout looks high</p>",
        "<p>First result: Sunderland declares.</p>",
        "<p>Flagged by meta</p>",
    ]
    corrected = entries[1]
    assert (
        corrected.display_time
        == corrected.first_published_at
        == datetime(2024, 5, 2, 21, 0, tzinfo=UTC)
    )
    assert all(entry.is_published and entry.deleted_at is None for entry in entries)


def test_entries_keep_their_authors_and_key_events(run_import):
    run_import(election())
    entries = {e.body.raw_data[0]["value"]: e for e in LiveEntry.objects.filter(feed=feed())}
    assert [a.name for a in entries["<p>Polls open at 7am.</p>"].authors.all()] == [
        "Alice Reporter"
    ]
    assert sorted(a.name for a in entries["<p>Turnout looks high</p>"].authors.all()) == [
        "Alice Reporter",
        "Bob Editor",
    ]
    # An edit keeps the original writer, as the plugin shows it.
    assert [
        a.name for a in entries["<p>Corrected entry, now <strong>fixed</strong>.</p>"].authors.all()
    ] == ["Alice Reporter"]
    keys = sorted(text for text, e in entries.items() if e.is_key_event)
    assert keys == [
        "<p>First result: Sunderland declares.</p>",
        "<p>Flagged by meta</p>",
        "<p>Turnout looks high</p>",
    ]


def test_entries_are_stamped_through_the_feed_counter_for_delta_sync(run_import, client):
    run_import(election())
    page = feed()
    changes, more = delta.changes_since(page, 0, 100)
    assert len(changes) == 5 and not more
    assert [e.version for e in changes] == list(range(1, 6))
    assert delta.current_version(page) == 5
    response = client.get(f"/api/newsfeed/v1/feeds/{page.pk}/entries/")
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 5


def test_the_reader_page_shows_the_entries(run_import, client):
    run_import(election())
    html = client.get(feed().url).content.decode()
    assert (
        "Sunderland declares" in html
        and "Entry to be deleted" not in html
        and "Reader comment" not in html
    )


def test_a_re_run_changes_nothing_and_a_later_deletion_leaves_a_tombstone(run_import, count_rows):
    run_import(election())
    before = count_rows()
    version = delta.current_version(feed())
    output = run_import(election())
    assert count_rows() == before and delta.current_version(feed()) == version
    assert "live entries: 2 left out (deleted in WordPress), 5 unchanged" in output
    output = run_import(
        election(
            Entry(110, "", "2024-05-03 00:00:00", replaces=100),
            Entry(111, "Late news", "2024-05-03 00:05:00"),
        )
    )
    gone = LiveEntry.objects.get(feed=feed(), deleted_at__isnull=False)
    assert texts([gone]) == ["<p>Polls open at 7am.</p>"]
    changes, _ = delta.changes_since(feed(), version, 100)
    assert sorted(texts(changes)) == ["<p>Late news</p>", "<p>Polls open at 7am.</p>"]
    assert "1 created" in output and "1 deleted" in output


def test_an_edit_on_a_re_run_updates_the_entry_in_place(run_import):
    run_import(election())
    run_import(
        election(Entry(110, "Polls open at 7am sharp.", "2024-05-02 23:59:00", replaces=100))
    )
    entry = LiveEntry.objects.get(feed=feed(), display_time=datetime(2024, 5, 2, 6, 0, tzinfo=UTC))
    assert texts([entry]) == ["<p>Polls open at 7am sharp.</p>"]
    assert LiveEntry.objects.filter(feed=feed()).count() == 5


def test_an_archived_liveblog_is_an_ended_feed(run_import):
    run_import(election(state="archive"))
    page = feed()
    assert page.coverage_status == "ended"
    assert page.coverage_end == datetime(2024, 5, 2, 23, 30, tzinfo=UTC)


def test_entries_with_bad_times_or_oversized_bodies_are_reported_and_skipped(run_import, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRY_BODY_MAX_BYTES": 300}
    bad = [
        Entry(120, "No time", "0000-00-00 00:00:00"),
        Entry(121, "Far future", "2999-01-01 00:00:00"),
        Entry(122, "long " * 200, "2024-05-02 12:00:00"),
    ]
    output = run_import(election(*bad))
    assert LiveEntry.objects.filter(feed=feed()).count() == 5
    assert (
        "entry (3)" in output
        and "has no valid time" in output
        and "the most it may be is" in output
    )


def test_finding_the_key_command_stays_linear_on_hostile_text():
    from wagtail_newsfeed.wordpress.liveblog import strip_key_command

    hostile = '<span class="liveblog-command type-key type-key' * 20_000
    # This process's CPU time: a guard against runaway (super-linear) work that a busy
    # machine cannot make fail.
    started = time.process_time()
    strip_key_command(hostile + "/key " + KEY_SPAN)
    assert time.process_time() - started < 2
    assert strip_key_command(f"A {KEY_SPAN}goal /key!") == "A goal !"
    assert strip_key_command("see example.com/key and a/key") == "see example.com/key and a/key"


def test_entries_wordpress_did_not_show_are_left_out_with_a_report_line(run_import):
    output = run_import(
        election(
            Entry(130, "Held for moderation", "2024-05-02 12:00:00", approved="0"),
            Entry(131, "Approved as a comment", "2024-05-02 12:01:00", approved="1"),
            Entry(132, "Held edit", "2024-05-02 12:02:00", replaces=100, approved="0"),
            Entry(133, "Trashed edit", "2024-05-02 12:03:00", replaces=109, approved="trash"),
        )
    )
    entries = LiveEntry.objects.filter(feed=feed()).order_by("display_time")
    assert texts(entries) == [
        "<p>Polls open at 7am.</p>",
        "<p>Corrected entry, now <strong>fixed</strong>.</p>",
        "<p>Turnout looks high</p>",
        "<p>First result: Sunderland declares.</p>",
        "<p>Flagged by meta</p>",
    ]
    assert "entry 130 was not shown in WordPress (comment_approved '0'): left out" in output
    assert "entry 131 was not shown in WordPress (comment_approved '1'): left out" in output
    assert "entry 132 was not shown in WordPress (comment_approved '0'): left out" in output
    assert "live entries: 5 created, 4 left out (deleted in WordPress)" in output


def test_an_entry_held_after_an_import_is_deleted_here_too(run_import):
    run_import(election(Entry(130, "Shown at first", "2024-05-02 12:00:00")))
    run_import(election(Entry(130, "Shown at first", "2024-05-02 12:00:00", approved="0")))
    held = LiveEntry.objects.get(feed=feed(), deleted_at__isnull=False)
    assert texts([held]) == ["<p>Shown at first</p>"]


def test_an_entry_held_and_shown_again_in_wordpress_comes_back(run_import):
    run_import(election(Entry(130, "Shown at first", "2024-05-02 12:00:00")))
    run_import(election(Entry(130, "Shown at first", "2024-05-02 12:00:00", approved="0")))
    output = run_import(election(Entry(130, "Shown at first", "2024-05-02 12:00:00")))
    assert entry_of(130).deleted_at is None and "1 updated" in output


def test_a_co_contributor_who_wrote_nothing_else_is_an_author_of_the_entry(run_import):
    export = election(
        Entry(
            140,
            "Written together",
            "2024-05-02 12:00:00",
            user_id=1,
            meta={"liveblog_contributors": 'a:1:{i:0;s:1:"3";}'},
        )
    )
    export.author(3, "carol", "Carol Contributor")
    run_import(export)
    entry = LiveEntry.objects.get(feed=feed(), display_time=datetime(2024, 5, 2, 12, 0, tzinfo=UTC))
    assert sorted(a.name for a in entry.authors.all()) == ["Alice Reporter", "Carol Contributor"]


def entry_of(wp_id: int) -> LiveEntry:
    return WordPressOrigin.objects.get(kind="entry", wp_id=wp_id).entry


def test_an_entry_deleted_in_wagtail_stays_deleted_when_wordpress_has_not_changed_it(
    run_import, admin_user, count_rows
):
    run_import(election())
    entry_rules.delete_entry(entry_of(100), admin_user)
    before, version = count_rows(), delta.current_version(feed())
    output = run_import(election())
    assert entry_of(100).deleted_at is not None
    assert count_rows() == before and delta.current_version(feed()) == version
    assert "1 left deleted (deleted in Wagtail)" in output and "updated" not in output


def test_an_entry_deleted_in_wagtail_stays_deleted_when_wordpress_edited_it(run_import, admin_user):
    run_import(election())
    entry_rules.delete_entry(entry_of(100), admin_user)
    version = delta.current_version(feed())
    edit = Entry(110, "Polls open at 7am sharp.", "2024-05-02 23:59:00", replaces=100)
    for _ in range(2):  # the line comes back on every run
        output = run_import(election(edit))
        assert entry_of(100).deleted_at is not None
        assert texts([entry_of(100)]) == ["<p>Polls open at 7am.</p>"]
        assert delta.current_version(feed()) == version
        assert "entry 100 was deleted in Wagtail: its edit in WordPress was not imported" in output


def test_a_dry_run_counts_an_entry_deleted_in_wagtail_as_left_deleted(run_import, admin_user):
    run_import(election())
    entry_rules.delete_entry(entry_of(100), admin_user)
    output = run_import(election(), dry_run=True)
    assert "1 left deleted (deleted in Wagtail)" in output and "to update" not in output
