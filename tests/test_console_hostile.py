"""The live console against a hostile or unlucky contributor: crafted posts, odd display times,
control characters, and the cases where a refusal used to drop the editor's text (a "publish"
without the right to, an edit of an entry a colleague deleted meanwhile)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.checks import api_client_for, nothing_saved
from tests.test_live_console import action, console, delete_url, edit_url, entry_data, shown
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db


def errors(response) -> str:
    return response.content.decode()


def test_a_publish_without_the_right_keeps_the_text_as_a_draft_form(client, feed, contributor):
    # E.g. a publisher whose right was withdrawn while the console was open presses "Publish".
    client.force_login(contributor)
    data = entry_data("Precious eyewitness account", headline="Keep me", action_name="publish")

    with nothing_saved():
        response = client.post(console(feed), data)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Precious eyewitness account" in html and 'value="Keep me"' in html
    assert "but not publish them" in html
    # The page offers what this user may do now: save the draft.
    assert 'value="draft"' in html and 'value="publish"' not in html


def test_an_edit_of_an_entry_deleted_meanwhile_keeps_the_text_and_offers_a_new_entry(
    admin_client, feed, superuser
):
    entry = factories.make_entry(feed, text="Original")
    loaded_version = entry.version
    entry_rules.delete_entry(entry, superuser)  # a colleague, while this editor types
    data = entry_data("My rewrite", headline="Rewritten", expected_version=loaded_version)
    data.pop("action")

    with nothing_saved():
        response = admin_client.post(edit_url(entry), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "My rewrite" in html and 'value="Rewritten"' in html
    assert "deleted while you were editing it" in html
    assert f'action="{console(feed)}"' in html  # saving posts it as a new entry

    data["action"] = "publish"
    assert admin_client.post(console(feed), data).status_code == 302
    new = LiveEntry.objects.get(headline="Rewritten")
    assert new.pk != entry.pk and "My rewrite" in str(new.body[0].value)


def test_an_edit_of_an_entry_deleted_meanwhile_leaks_nothing_to_another_feeds_editor(
    client, feed, news_index, superuser
):
    entry = factories.make_entry(feed, text="Secret draft", status=LiveEntry.Status.DRAFT)
    entry_rules.delete_entry(entry, superuser)
    other = factories.make_feed(news_index, "Another story")
    outsider = factories.make_user("outsider", groups=[factories.feed_group(other, publish=True)])
    client.force_login(outsider)
    # The feed in the URL is checked first; the entry of another feed is a 404 in the own one.
    with nothing_saved():
        assert client.post(edit_url(entry), entry_data("x")).status_code == 302
        url = reverse("wagtail_newsfeed_console:edit", args=[other.pk, entry.pk])
        assert client.post(url, entry_data("x")).status_code == 404


#: A headline as sent, and as every door stores it (``xml.one_line``).
HEADLINES = [
    ("Polls\x07 close\x1b[31m at ten", "Polls close[31m at ten"),
    ("Polls\x0bclose\x0cat ten", "Polls close at ten"),  # Word's line break separates words
    ("Line one\r\nLine two\t!", "Line one Line two !"),
    ("\x9fC1\x7f alone", "C1 alone"),
    ("Line\u2028separator\u2029paragraph\x85NEL\x1erecord", "Line separator paragraph NEL record"),
    ("\u202bمرحبا 😀 Ünïcödé\u202c", "\u202bمرحبا 😀 Ünïcödé\u202c"),  # text stays as typed
]


@pytest.mark.parametrize(("sent", "stored"), HEADLINES)
def test_control_characters_in_a_headline_are_dropped(admin_client, feed, sent, stored):
    response = admin_client.post(console(feed), entry_data("Body", headline=sent))

    assert response.status_code == 302
    assert LiveEntry.objects.get(feed=feed).headline == stored


@pytest.mark.parametrize(("sent", "stored"), HEADLINES)
def test_the_api_stores_a_headline_as_the_console_does(feed, superuser, sent, stored):
    api = api_client_for(superuser)
    entries = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    body = [{"type": "paragraph", "value": "<p>Body</p>"}]
    created = api.post(entries, {"headline": sent, "body": body}, "json")
    assert created.status_code == 201, created.content
    entry = LiveEntry.objects.get(feed=feed)
    assert entry.headline == stored
    edited = api.patch(f"{entries}{entry.pk}/", {"headline": "x" + sent}, "json")
    assert edited.status_code == 200
    assert LiveEntry.objects.get(pk=entry.pk).headline == ("x" + stored).strip()


@pytest.mark.parametrize(
    "same",
    [
        {},
        {"headline": "Same"},
        {"headline": " Same\n"},  # as one line, the same headline
        {"is_pinned": False, "is_key_event": False},
        {"body": [{"type": "paragraph", "value": "<p>Polls close</p>"}]},  # without its block ids
        {"authors": ["sofia-brandt"]},
        {"status": "published"},
    ],
)
def test_an_api_patch_that_changes_nothing_is_no_edit(feed, superuser, same):
    """No new version, no history line, nothing announced to pollers."""
    author = factories.make_author("Sofia Brandt", slug="sofia-brandt")
    entry = factories.make_entry(
        feed, superuser, text="Polls close", headline="Same", authors=[author]
    )
    url = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    with nothing_saved():
        response = api_client_for(superuser).patch(url, same, "json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == entry.version


def test_an_api_patch_that_changes_one_field_is_an_edit(feed, superuser):
    entry = factories.make_entry(feed, superuser, text="Polls close", headline="Same")
    url = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
    response = api_client_for(superuser).patch(url, {"headline": "Same", "is_pinned": True}, "json")
    assert response.status_code == 200
    assert response.json()["version"] > entry.version
    assert LiveEntry.objects.get(pk=entry.pk).is_pinned


def test_a_nul_in_the_headline_is_a_form_error_and_keeps_the_text(admin_client, feed):
    with nothing_saved():
        response = admin_client.post(console(feed), entry_data("Kept body", headline="a\x00b"))
    assert response.status_code == 200
    assert "Null characters are not allowed" in errors(response)
    assert "Kept body" in errors(response)


def iso(value, hours: int) -> str:
    """``value`` written in a fixed UTC offset of ``hours``, as an ISO 8601 string."""
    zone = timezone.get_fixed_timezone(hours * 60)
    return value.astimezone(zone).isoformat(timespec="seconds")


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda now: iso(now + timedelta(hours=2), 14), "time in the future"),
        (lambda now: iso(now + timedelta(hours=2), -12), "time in the future"),
        (
            lambda now: timezone.localtime(now + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M"),
            "time in the future",
        ),
        (lambda now: "2099-01-01 00:00", "at most a year from now"),
        (lambda now: "9999-12-31 23:59", "at most a year from now"),
        (lambda now: "0001-01-01 00:00", "after 1900"),
        (lambda now: "1899-12-31T23:59:59+14:00", "after 1900"),
        (
            lambda now: "2026-03-08 02:30",
            "does not exist in America/New_York",
        ),  # New York's clocks skip it
        (lambda now: "2026-02-30 10:00", "Enter a valid date/time"),
        (lambda now: "1e400", "Enter a valid date/time"),
        (lambda now: "tomorrow", "Enter a valid date/time"),
    ],
)
def test_a_contributors_future_or_odd_display_time_is_a_form_error(
    client, feed, contributor, when, message
):
    client.force_login(contributor)
    data = entry_data("Keep this", action_name="draft", display_time=when(timezone.now()))

    with nothing_saved():
        response = client.post(console(feed), data)

    assert response.status_code == 200
    assert message in errors(response)
    assert "Keep this" in errors(response)


def test_a_past_time_written_in_a_far_ahead_offset_is_a_backdated_draft(client, feed, contributor):
    # 2 hours ago, written in UTC+14: the wall-clock reading is "tomorrow", the time is past.
    client.force_login(contributor)
    earlier = timezone.now().replace(microsecond=0) - timedelta(hours=2)

    response = client.post(
        console(feed), entry_data("Earlier", action_name="draft", display_time=iso(earlier, 14))
    )

    assert response.status_code == 302
    assert LiveEntry.objects.get(feed=feed).display_time == earlier


def test_a_contributor_cannot_change_another_contributors_draft_by_crafted_posts(
    client, feed, contributor
):
    colleague = factories.make_user("colleague", groups=[factories.feed_group(feed, publish=False)])
    draft = factories.make_entry(feed, colleague, text="Their draft", status="draft")
    client.force_login(contributor)
    home = reverse("wagtailadmin_home")

    with nothing_saved():
        assert client.get(edit_url(draft)).url == home
        assert client.get(delete_url(draft)).url == home
        assert client.post(delete_url(draft), shown(draft)).url == home
        for name in ("key-event", "publish", "pin"):
            assert client.post(action(draft, name), shown(draft)).url == home
        response = client.post(
            edit_url(draft), entry_data("Mine now", action_name="", expected_version=draft.version)
        )
        coverage = client.post(
            reverse("wagtail_newsfeed_console:coverage", args=[feed.pk]), {"status": "live"}
        )
    assert response.status_code == 403 and "Mine now" in response.content.decode()
    assert coverage.url == home
    stored = LiveEntry.objects.get(pk=draft.pk)
    assert "Their draft" in str(stored.body[0].value) and not stored.is_key_event


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("2026-11-01T01:30:00", "happens twice in America/New_York"),  # the clocks go back
        ("2026-03-08T02:30:00", "does not exist in America/New_York"),  # they go forward
    ],
)
def test_the_api_refuses_a_local_time_the_console_refuses(feed, superuser, sent, message):
    api = api_client_for(superuser)
    entries = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    body = [{"type": "paragraph", "value": "<p>Body</p>"}]
    with nothing_saved():
        response = api.post(entries, {"body": body, "display_time": sent}, "json")
    assert response.status_code == 400
    assert message in str(response.json()["errors"]["display_time"])
    with_offset = api.post(entries, {"body": body, "display_time": sent + "-05:00"}, "json")
    assert with_offset.status_code == 201


@pytest.mark.parametrize("sent", ["1\x00", "\x1b[31m2", "3\u202e4"])
def test_an_error_quoting_the_input_shows_no_control_characters(admin_client, feed, sent):
    data = entry_data("Kept body")
    data["authors"] = sent

    with nothing_saved():
        response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    (message,) = response.context["form"].errors["authors"]
    shown = sent.translate({0: "\ufffd", 0x1B: "\ufffd", 0x202E: "\ufffd"})
    assert message == f"“{shown}” is not a valid value."
    html = errors(response)
    assert not any(char in html for char in "\x00\x1b\u202e")
    assert "Kept body" in html


@pytest.mark.parametrize("sent", ["9" * 40, "-1", "1e3"])
def test_an_edit_with_an_impossible_version_is_a_form_error_not_a_conflict(
    admin_client, feed, sent
):
    entry = factories.make_entry(feed, text="Original")
    data = entry_data("My rewrite", action_name="", expected_version=sent)

    with nothing_saved():
        response = admin_client.post(edit_url(entry), data)

    assert response.status_code == 200
    assert "expected_version" in response.context["form"].errors
    html = response.content.decode()
    assert "My rewrite" in html and "someone else changed" not in html.lower()
    assert "version of the entry this form was opened with" in html


def test_unpublishing_a_draft_says_nothing_changed(admin_client, feed):
    draft = factories.make_entry(feed, text="Still a draft", status="draft")

    with nothing_saved():
        response = admin_client.post(action(draft, "unpublish"), shown(draft), follow=True)

    text = " ".join(str(message) for message in response.context["messages"])
    assert "is a draft already" in text and "unpublished (now a draft)" not in text
