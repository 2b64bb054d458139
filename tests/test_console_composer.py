"""The console's composer: a body that starts as one empty paragraph, empty paragraphs that are
neither saved nor an error, and the display time with its guard for contributors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

FUTURE_REFUSED = "Only editors who may publish this feed can give an entry a time in the future."


def console(feed):
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def edit_url(entry):
    return reverse("wagtail_newsfeed_console:edit", args=[entry.feed_id, entry.pk])


def site_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def post_data(blocks, action="publish", **fields):
    data = nested_form_data({"headline": "", "body": streamfield(blocks), **fields})
    data["action"] = action
    return data


def test_a_new_entry_starts_with_one_empty_paragraph_that_takes_the_caret(admin_client, feed):
    response = admin_client.get(console(feed))
    form = response.context["form"]
    body = form.initial["body"]
    assert [block.block_type for block in body] == ["paragraph"]
    assert body[0].value.source == ""
    html = response.content.decode()
    assert " data-newsfeed-autofocus>" in html
    assert "draftailEditor.saveState()" in html  # the editor is synced before any submit
    assert 'data-label-past="Publish (backdated to {time})"' in html
    # For a time typed in a format the script does not read (the site's own formats).
    assert 'data-label-set="Publish (at the time set)"' in html


def test_an_empty_paragraph_beside_other_blocks_is_dropped_not_an_error(admin_client, feed):
    blocks = [
        ("paragraph", rich_text("")),
        ("quote", {"text": "We will count every vote.", "attribution": "The chair"}),
        ("paragraph", rich_text("<p><br/></p>")),
    ]
    response = admin_client.post(console(feed), post_data(blocks))
    assert response.status_code == 302, response.context["form"].errors
    entry = LiveEntry.objects.get(feed=feed)
    assert [block.block_type for block in entry.body] == ["quote"]


def test_a_body_of_nothing_but_empty_paragraphs_is_one_clear_error(admin_client, feed):
    blocks = [("paragraph", rich_text("")), ("paragraph", rich_text("<p> </p>"))]
    data = post_data(blocks, headline="Keep this headline", display_time="2026-01-05 10:00")
    response = admin_client.post(console(feed), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["body"]
    assert "this entry would be empty" in str(errors["body"])
    assert "This field is required" not in response.content.decode()
    html = response.content.decode()
    assert "Keep this headline" in html and "2026-01-05 10:00" in html
    # A new page: the script puts the caret back in the refused body (its error read out).
    assert " data-newsfeed-autofocus>" in html
    assert not LiveEntry.objects.exists()


def test_an_empty_display_time_is_the_time_of_posting(admin_client, feed):
    before = timezone.now()
    admin_client.post(console(feed), post_data([("paragraph", rich_text("<p>Now.</p>"))]))
    assert LiveEntry.objects.get(feed=feed).display_time >= before


@pytest.mark.parametrize("hours", [-30, 2])
def test_an_editor_may_backdate_or_date_ahead(client, feed, editor, hours):
    client.force_login(editor)
    when = timezone.now() + timedelta(hours=hours)
    data = post_data([("paragraph", rich_text("<p>Earlier.</p>"))], display_time=site_time(when))
    assert client.post(console(feed), data).status_code == 302
    assert site_time(LiveEntry.objects.get(feed=feed).display_time) == site_time(when)


def test_a_contributors_future_time_is_a_form_error_and_their_text_is_kept(
    client, feed, contributor
):
    client.force_login(contributor)
    later = site_time(timezone.now() + timedelta(hours=3))
    data = post_data(
        [("paragraph", rich_text("<p>Results within the hour.</p>"))],
        action="draft",
        headline="Coming up",
        display_time=later,
    )
    response = client.post(console(feed), data)
    assert response.status_code == 200
    assert response.context["form"].errors["display_time"] == [FUTURE_REFUSED]
    html = response.content.decode()
    assert "Coming up" in html and "Results within the hour." in html and later in html
    assert not LiveEntry.objects.exists()


def test_a_contributor_may_backdate_a_draft(client, feed, contributor):
    client.force_login(contributor)
    earlier = timezone.now() - timedelta(hours=1)
    data = post_data(
        [("paragraph", rich_text("<p>Earlier.</p>"))], "draft", display_time=site_time(earlier)
    )
    assert client.post(console(feed), data).status_code == 302
    entry = LiveEntry.objects.get(feed=feed)
    assert entry.status == "draft" and site_time(entry.display_time) == site_time(earlier)


def test_a_contributor_cannot_move_their_draft_into_the_future(client, feed, contributor):
    client.force_login(contributor)
    entry = factories.make_entry(feed, contributor, status="draft", text="Draft text")
    later = site_time(timezone.now() + timedelta(days=1))
    data = post_data(
        [("paragraph", rich_text("<p>Draft text, edited.</p>"))],
        action="",
        display_time=later,
        expected_version=entry.version,
    )
    response = client.post(edit_url(entry), data)
    assert response.status_code == 200
    assert response.context["form"].errors["display_time"] == [FUTURE_REFUSED]
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert stored.display_time == entry.display_time and "edited" not in str(stored.body[0].value)


def test_an_edit_that_leaves_the_time_alone_keeps_it_to_the_second(admin_client, feed):
    entry = factories.make_entry(feed, text="Original")
    html = admin_client.get(edit_url(entry)).content.decode()
    shown = re.search(r'name="display_time" value="([^"]+)"', html).group(1)
    assert shown.startswith(site_time(entry.display_time))  # without microseconds
    data = post_data(
        [("paragraph", rich_text("<p>Corrected.</p>"))],
        action="",
        display_time=shown,
        expected_version=entry.version,
    )
    assert admin_client.post(edit_url(entry), data).status_code == 302
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert stored.display_time == entry.display_time
    assert "Corrected." in str(stored.body[0].value)


def test_the_api_refuses_a_contributors_future_time_naming_the_field(client, feed, contributor):
    client.force_login(contributor)
    response = client.post(
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
        {
            "body": [{"type": "paragraph", "value": "<p>Soon.</p>"}],
            "status": "draft",
            "display_time": (timezone.now() + timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "display_time" in response.json()["errors"]
    assert not LiveEntry.objects.exists()


# The hour the clocks go back ------------------------------------------------------------------
# The tests' site time is New York's: on 1 November 2026, 01:00-01:59 happens twice.
REPEATED_HOUR = [
    ("first (EDT)", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ("second (EST)", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
]


def shown_display_time(html: str) -> str:
    return re.search(r'name="display_time"[^>]*value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("when", [w for _, w in REPEATED_HOUR], ids=[i for i, _ in REPEATED_HOUR])
def test_an_entry_in_the_repeated_hour_saves_unchanged_with_its_own_time(
    admin_client, feed, superuser, when
):
    entry = factories.make_entry(feed, superuser, text="Polls close", display_time=when)
    shown = shown_display_time(admin_client.get(edit_url(entry)).content.decode())
    assert shown.startswith("2026-11-01 01:30")

    data = post_data(
        [("paragraph", rich_text("<p>Polls closed.</p>"))],
        display_time=shown,
        expected_version=entry.version,
    )
    response = admin_client.post(edit_url(entry), data)

    assert response.status_code == 302, response.context["form"].errors
    entry.refresh_from_db()
    assert entry.display_time == when and "Polls closed." in str(entry.body)


def test_a_time_typed_in_the_repeated_hour_asks_for_its_offset(admin_client, feed):
    data = post_data(
        [("paragraph", rich_text("<p>Keep this.</p>"))], display_time="2026-11-01 01:30"
    )
    response = admin_client.post(console(feed), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["display_time"]
    assert "happens twice" in message
    assert "2026-11-01 01:30-04:00" in message and "2026-11-01 01:30-05:00" in message
    assert "Keep this." in response.content.decode()
    assert not LiveEntry.objects.exists()

    for offset, utc in [("-04:00", REPEATED_HOUR[0][1]), ("-05:00", REPEATED_HOUR[1][1])]:
        data["display_time"] = f"2026-11-01 01:30{offset}"
        assert admin_client.post(console(feed), data).status_code == 302
        assert LiveEntry.objects.latest("pk").display_time == utc
