"""The console header: the feed's title, its coverage status with a one-click change, and a link
to the reader page. Changing the status publishes it, and nothing else."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import nothing_saved
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed import coverage
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage

pytestmark = pytest.mark.django_db

ACTION = "wagtail_newsfeed.feed.coverage_status"
DAY = timedelta(days=1)


def change(client, feed, status, expected=None):
    data = {"status": status}
    if expected is not None:
        data["expected"] = expected
    return client.post(reverse("wagtail_newsfeed_console:coverage", args=[feed.pk]), data)


def now():
    """In whole seconds, as the coverage times are recorded (and as revisions keep them)."""
    return timezone.now().replace(microsecond=0)


def stored(feed) -> LiveFeedPage:
    return LiveFeedPage.objects.get(pk=feed.pk)


def test_header_shows_the_feed_its_status_a_next_step_and_the_reader_page(admin_client, feed):
    html = admin_client.get(reverse("wagtail_newsfeed_console:console", args=[feed.pk])).text
    flat = " ".join(html.split())
    assert re.search(r'id="console-feed-title"[^>]*>.*?Election night live </h2>', flat)
    assert re.search(r"data-newsfeed-coverage-status>[^/]*Live", flat)
    assert 'name="status" value="ended"' in html and "End coverage" in html
    assert 'name="status" value="upcoming"' in html
    assert f'href="{feed.get_url()}"' in html and "View the live page" in html


def test_contributors_see_the_status_but_no_buttons(client, feed, contributor):
    client.force_login(contributor)
    html = client.get(reverse("wagtail_newsfeed_console:console", args=[feed.pk])).text
    assert "data-newsfeed-coverage-status" in html
    assert "End coverage" not in html


def test_one_click_ends_coverage_for_readers_and_logs_it(admin_client, client, feed, superuser):
    response = change(admin_client, feed, "ended", expected="live")

    assert response.status_code == 302
    feed = stored(feed)
    assert feed.coverage_status == "ended" and feed.live and not feed.has_unpublished_changes
    assert feed.live_revision.as_object().coverage_status == "ended"
    log = PageLogEntry.objects.get(page=feed, action=ACTION)
    assert log.user == superuser and log.revision == feed.live_revision
    assert (log.data["old"], log.data["new"]) == ("live", "ended")
    history = admin_client.get(reverse("wagtailadmin_pages:history", args=[feed.pk])).text
    assert "Changed coverage status from &#x27;Live&#x27; to &#x27;Ended&#x27;" in history
    assert "newsfeed-badge--ended" in client.get(feed.url).text  # readers see it


def test_one_click_takes_upcoming_coverage_live_for_readers_and_logs_it(
    admin_client, client, news_index, superuser
):
    feed = factories.make_feed(news_index, "Count night", coverage_status="upcoming")
    api_url = f"/api/newsfeed/v1/feeds/{feed.pk}/"
    assert client.get(api_url).json()["status"] == "upcoming"
    console = admin_client.get(reverse("wagtail_newsfeed_console:console", args=[feed.pk])).text
    # "Go live" is the next step, offered first (the primary button).
    assert re.search(r'value="live" class="button button-small">\s*Go live', console)

    response = change(admin_client, feed, "live", expected="upcoming")

    assert response.status_code == 302
    feed = stored(feed)
    assert feed.coverage_status == "live" and feed.live and not feed.has_unpublished_changes
    assert feed.live_revision.as_object().coverage_status == "live"
    log = PageLogEntry.objects.get(page=feed, action=ACTION)
    assert log.user == superuser and log.revision == feed.live_revision
    assert (log.data["old"], log.data["new"]) == ("upcoming", "live")
    history = admin_client.get(reverse("wagtailadmin_pages:history", args=[feed.pk])).text
    assert "Changed coverage status from &#x27;Upcoming&#x27; to &#x27;Live&#x27;" in history
    page = client.get(feed.url).text  # readers see it
    assert "newsfeed-badge--live" in page and "newsfeed-badge--upcoming" not in page
    assert client.get(api_url).json()["status"] == "live"  # and so does the API


def live_blog(html: str) -> dict:
    """The page's schema.org LiveBlogPosting."""
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_ending_coverage_records_when_it_ended_for_readers_and_search_engines(
    admin_client, client, feed
):
    assert stored(feed).coverage_end is None
    before = now()

    assert change(admin_client, feed, "ended", expected="live").status_code == 302

    feed = stored(feed)
    assert before <= feed.coverage_end <= timezone.now()
    assert feed.live_revision.as_object().coverage_end == feed.coverage_end
    html = client.get(feed.url).text
    assert re.search(r"Ended <time datetime=\"[^\"]+\">", html)
    ended = datetime.fromisoformat(live_blog(html)["coverageEndTime"])
    assert ended == feed.coverage_end


def test_an_end_time_an_editor_set_is_kept(admin_client, news_index):
    end = now() - timedelta(minutes=10)
    feed = factories.make_feed(
        news_index, "Count night", coverage_start=end - DAY, coverage_end=end
    )

    change(admin_client, feed, "ended")

    assert stored(feed).coverage_end == end


def test_ending_before_the_planned_end_records_now(admin_client, news_index):
    feed = factories.make_feed(news_index, "Count night", coverage_end=timezone.now() + DAY)

    change(admin_client, feed, "ended")

    assert stored(feed).coverage_end <= timezone.now()


def test_going_live_records_when_coverage_started(admin_client, client, news_index):
    feed = factories.make_feed(
        news_index, "Count night", coverage_status="upcoming", coverage_start=None
    )
    before = now()

    assert change(admin_client, feed, "live", expected="upcoming").status_code == 302

    feed = stored(feed)
    assert before <= feed.coverage_start <= timezone.now()
    html = client.get(feed.url).text
    assert re.search(r"Started <time datetime=\"[^\"]+\">", html)
    assert datetime.fromisoformat(live_blog(html)["coverageStartTime"]) == feed.coverage_start


def test_going_live_early_moves_the_planned_start_to_now(admin_client, news_index):
    feed = factories.make_feed(
        news_index, "Count night", coverage_status="upcoming", coverage_start=timezone.now() + DAY
    )

    change(admin_client, feed, "live")

    assert stored(feed).coverage_start <= timezone.now()


def test_reopening_ended_coverage_keeps_its_start_and_drops_its_end(
    admin_client, client, news_index
):
    start = now() - DAY
    feed = factories.make_feed(news_index, "Count night", coverage_start=start)
    change(admin_client, feed, "ended")

    change(admin_client, feed, "live", expected="ended")

    feed = stored(feed)
    assert (feed.coverage_start, feed.coverage_end) == (start, None)
    assert "coverageEndTime" not in live_blog(client.get(feed.url).text)


@pytest.mark.parametrize("start", [None, "planned"])
def test_going_live_from_ended_without_a_past_start_records_now(
    admin_client, client, news_index, start
):
    # Back to upcoming (drops the start that passed), ended at once, then live after all.
    feed = factories.make_feed(
        news_index,
        "Count night",
        coverage_status="ended",
        coverage_start=now() + DAY if start else None,
    )
    before = now()

    assert change(admin_client, feed, "live", expected="ended").status_code == 302

    feed = stored(feed)
    assert feed.coverage_status == "live"
    assert before <= feed.coverage_start <= timezone.now()
    assert feed.live_revision.as_object().coverage_start == feed.coverage_start
    html = client.get(feed.url).text
    assert re.search(r"Started <time datetime=\"[^\"]+\">", html)
    assert datetime.fromisoformat(live_blog(html)["coverageStartTime"]) == feed.coverage_start


def test_upcoming_then_ended_then_live_records_the_start(admin_client, feed):
    change(admin_client, feed, "upcoming", expected="live")
    change(admin_client, feed, "ended", expected="upcoming")
    before = now()

    change(admin_client, feed, "live", expected="ended")

    feed = stored(feed)
    assert feed.coverage_status == "live" and before <= feed.coverage_start <= timezone.now()


@pytest.mark.parametrize("back_from", ["live", "ended"])
def test_back_to_upcoming_drops_the_times_that_have_passed(
    admin_client, client, news_index, back_from
):
    feed = factories.make_feed(news_index, "Count night", coverage_start=now() - DAY)
    change(admin_client, feed, "live")
    if back_from == "ended":
        change(admin_client, feed, "ended")

    change(admin_client, feed, "upcoming", expected=back_from)

    feed = stored(feed)
    assert (feed.coverage_status, feed.coverage_start, feed.coverage_end) == (
        "upcoming",
        None,
        None,
    )
    markup = live_blog(client.get(feed.url).text)
    assert "coverageStartTime" not in markup and "coverageEndTime" not in markup


def test_back_to_upcoming_keeps_a_planned_end_still_to_come(admin_client, news_index):
    planned = now() + DAY
    feed = factories.make_feed(news_index, "Count night", coverage_end=planned)
    change(admin_client, feed, "live")

    change(admin_client, feed, "upcoming", expected="live")

    assert (stored(feed).coverage_start, stored(feed).coverage_end) == (None, planned)


@pytest.mark.parametrize("end", [None, "planned"])
def test_ending_coverage_that_never_began_states_no_start_after_its_end(
    admin_client, client, news_index, end
):
    feed = factories.make_feed(
        news_index,
        "Count night",
        coverage_status="upcoming",
        coverage_start=now() + DAY,
        coverage_end=now() + 2 * DAY if end else None,
    )

    change(admin_client, feed, "ended", expected="upcoming")

    feed = stored(feed)
    assert feed.coverage_start is None and feed.coverage_end <= timezone.now()
    markup = live_blog(client.get(feed.url).text)
    start = markup.get("coverageStartTime")
    assert start is None or start <= markup["coverageEndTime"]


def test_the_page_editor_refuses_coverage_that_ends_before_it_starts(news_index):
    feed = factories.make_feed(news_index, "Count night")
    feed.coverage_start, feed.coverage_end = now(), now() - DAY

    with pytest.raises(ValidationError) as refused:
        feed.full_clean()

    assert "coverage_end" in refused.value.message_dict


def test_upcoming_coverage_states_no_end_that_has_passed(client, news_index):
    feed = factories.make_feed(
        news_index,
        "Count night",
        coverage_status="upcoming",
        coverage_start=now() - 2 * DAY,
        coverage_end=now() - DAY,
    )

    assert "coverageEndTime" not in live_blog(client.get(feed.url).text)


def test_draft_edits_of_the_feed_stay_a_draft(admin_client, client, feed):
    draft = stored(feed)
    draft.title = "Unfinished new title"
    draft.save_revision()

    assert change(admin_client, feed, "ended").status_code == 302

    feed = stored(feed)
    assert feed.title == "Election night live" and feed.coverage_status == "ended"
    assert "Unfinished new title" not in client.get(feed.url).text
    latest = feed.get_latest_revision_as_object()
    assert (latest.title, latest.coverage_status) == ("Unfinished new title", "ended")
    assert latest.coverage_end == feed.coverage_end is not None  # the same end, recorded once
    assert feed.has_unpublished_changes
    # Publishing that draft later does not bring the old status back.
    feed.get_latest_revision().publish()
    assert (stored(feed).title, stored(feed).coverage_status) == ("Unfinished new title", "ended")


def test_a_feed_never_published_only_gets_a_draft(admin_client, news_index):
    feed = factories.make_feed(news_index, "Not yet", publish=False)
    assert change(admin_client, feed, "upcoming").status_code == 302
    feed = stored(feed)
    assert not feed.live
    assert feed.get_latest_revision_as_object().coverage_status == "upcoming"


def test_a_feed_never_published_says_and_shows_the_status_set(admin_client, news_index):
    feed = factories.make_feed(news_index, "Not yet", publish=False)
    LiveFeedPage.objects.filter(pk=feed.pk).update(coverage_status="upcoming")
    response = change(admin_client, feed, "live", expected="upcoming")
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("Coverage is now “Live”" in m for m in shown), shown
    assert stored(feed).coverage_status == "live" and not stored(feed).live
    console = admin_client.get(reverse("wagtail_newsfeed_console:console", args=[feed.pk]))
    assert re.search(r"data-newsfeed-coverage-status>[^/]*Live", " ".join(console.text.split()))
    revisions = stored(feed).revisions.count()
    with nothing_saved():
        change(admin_client, feed, "ended", expected="upcoming")  # a stale second click
    assert stored(feed).coverage_status == "live" and stored(feed).revisions.count() == revisions


def test_the_change_purges_the_feed_like_any_publish(admin_client, feed):
    RecordingBackend.reset()
    with override_settings(
        WAGTAILFRONTENDCACHE={"test": {"BACKEND": "tests.purge_backend.RecordingBackend"}}
    ):
        change(admin_client, feed, "ended")
    assert feed.get_full_url() in RecordingBackend.purged
    RecordingBackend.reset()


def test_contributor_cannot_change_the_status(client, feed, contributor):
    client.force_login(contributor)
    with nothing_saved():
        response = change(client, feed, "ended")
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert stored(feed).coverage_status == "live"
    assert not PageLogEntry.objects.filter(action=ACTION).exists()


def test_a_status_changed_meanwhile_is_not_overwritten(admin_client, feed, superuser):
    coverage.set_coverage_status(feed, superuser, "ended")
    with nothing_saved():
        response = change(admin_client, feed, "upcoming", expected="live")
    assert response.status_code == 302
    assert stored(feed).coverage_status == "ended"
    assert PageLogEntry.objects.filter(action=ACTION).count() == 1


@pytest.mark.parametrize("status", ["", "over", "live\x00", "<b>ended</b>", "x" * 5000])
def test_unknown_statuses_are_refused_without_a_change(admin_client, feed, status):
    with nothing_saved():
        response = change(admin_client, feed, status)
    assert response.status_code == 302
    assert stored(feed).coverage_status == "live"
    assert not PageLogEntry.objects.filter(action=ACTION).exists()


def test_the_change_needs_post_and_a_known_feed(admin_client, feed):
    url = reverse("wagtail_newsfeed_console:coverage", args=[feed.pk])
    missing = reverse("wagtail_newsfeed_console:coverage", args=[feed.pk + 999])
    with nothing_saved():
        assert admin_client.get(url, {"status": "ended"}).status_code == 405
        assert admin_client.post(missing, {"status": "ended"}).status_code == 404


def test_a_page_locked_by_someone_else_is_not_changed_and_the_console_says_why(
    client, feed, editor, superuser
):
    feed.locked, feed.locked_by = True, superuser
    feed.save(update_fields=["locked", "locked_by"])
    client.force_login(editor)
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    header = client.get(console).content.decode()
    assert "End coverage" not in header and "locked" in header.lower()

    with nothing_saved():
        response = change(client, feed, "ended")

    assert response.status_code == 302 and response.url == console
    assert stored(feed).coverage_status == "live"
    page = client.get(console).content.decode()
    assert "locked" in page.lower() and "permission to access this area" not in page


def test_a_feed_with_a_publish_scheduled_is_not_changed_and_the_console_says_why(
    admin_client, feed
):
    feed.title = "Retitled at noon"
    feed.go_live_at = timezone.now() + timedelta(hours=2)
    feed.save_revision().publish()  # scheduled: Wagtail locks the page until then
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    assert "End coverage" not in admin_client.get(console).content.decode()

    with nothing_saved():
        response = change(admin_client, feed, "ended")

    assert response.url == console
    assert stored(feed).coverage_status == "live"
    assert "scheduled" in admin_client.get(console).content.decode().lower()


def submit_for_moderation(feed, editor, title):
    """The editor changes the feed and submits it to its workflow (Wagtail's "Moderators
    approval", which Wagtail's migrations apply to the whole tree)."""
    draft = stored(feed)
    draft.title = title
    draft.save_revision(user=editor)
    workflow = draft.get_workflow()
    assert workflow is not None
    return workflow.start(draft, editor)


def test_the_change_leaves_a_review_in_progress_and_approving_it_keeps_the_status(
    admin_client, client, feed, editor, superuser
):
    state = submit_for_moderation(feed, editor, "Retitled under review")

    response = change(admin_client, feed, "ended", expected="live")

    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS
    assert not PageLogEntry.objects.filter(page=feed, action="wagtail.workflow.cancel").exists()
    feed = stored(feed)
    assert (feed.title, feed.coverage_status) == ("Election night live", "ended")
    assert "newsfeed-badge--ended" in client.get(feed.url).text  # readers see only the status
    # The moderator approves the edit under review: it goes live, and the status stays ended.
    task_state = feed.current_workflow_task_state
    task_state.task.specific.on_action(task_state, superuser, "approve")
    state.refresh_from_db()
    assert state.status == state.STATUS_APPROVED
    assert (stored(feed).title, stored(feed).coverage_status) == ("Retitled under review", "ended")
    assert not stored(feed).has_unpublished_changes


def test_a_publisher_who_may_not_review_is_refused_naming_the_workflow(
    client, feed, editor, news_index
):
    state = submit_for_moderation(feed, editor, "Retitled under review")
    client.force_login(editor)  # may publish the feed, but is no moderator
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])

    with nothing_saved():
        response = change(client, feed, "ended", expected="live")

    assert response.url == console
    state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS
    assert stored(feed).coverage_status == "live"
    page = client.get(console).content.decode()
    assert "Moderators approval" in page


def test_a_page_locked_by_someone_else_still_takes_entries(client, feed, editor, superuser):
    """Entries are not part of the page or its revisions: the lock holds the page's fields and
    its coverage status, not the live blog (docs/editors-guide.md, "Who may do what")."""
    feed.locked, feed.locked_by = True, superuser
    feed.save(update_fields=["locked", "locked_by"])
    client.force_login(editor)
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    data = nested_form_data(
        {"headline": "", "body": streamfield([("paragraph", rich_text("<p>Still live</p>"))])}
    )
    data["action"] = "publish"

    assert client.post(console, data).status_code == 302

    (entry,) = LiveEntry.objects.filter(feed=feed)
    assert entry.is_published and "Still live" in str(entry.body[0].value)
    assert stored(feed).locked


@override_settings(WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT=True)
def test_with_reapproval_on_edit_the_change_is_approved_once_more(
    admin_client, feed, editor, superuser
):
    state = submit_for_moderation(feed, editor, "Retitled under review")
    change(admin_client, feed, "ended", expected="live")

    for expected in (state.STATUS_IN_PROGRESS, state.STATUS_APPROVED):
        # The revision under review, then the one on top of it that carries the status.
        task_state = stored(feed).current_workflow_task_state
        task_state.task.specific.on_action(task_state, superuser, "approve")
        state.refresh_from_db()
        assert state.status == expected

    assert (stored(feed).title, stored(feed).coverage_status) == ("Retitled under review", "ended")
