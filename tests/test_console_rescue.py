"""The console's rescue of text lost to an ended session or a CSRF failure, server side: a
restore post shows the text again and saves nothing, and a save names its submission (a
well-formed id only) so the browser drops its rescue copy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry, LiveFeedCounter

pytestmark = pytest.mark.django_db

SUBMISSION = "3f2b9c1e-7d4a-4c8e-9f10-2a6b5c4d3e21"
BODY = [{"type": "paragraph", "value": "<p>Posted once</p>"}]


def console(feed) -> str:
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def edit_url(entry) -> str:
    return reverse("wagtail_newsfeed_console:edit", args=[entry.feed_id, entry.pk])


def entry_data(text: str, headline: str = "", **extra) -> dict:
    """What the composer posts; a rescue copy is the same without the CSRF token and action."""
    return nested_form_data(
        {
            "headline": headline,
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            **extra,
        }
    )


def restore(text: str, headline: str = "", **extra) -> dict:
    return {**entry_data(text, headline, **extra), "newsfeed_restore": "1"}


def test_a_restore_shows_the_text_in_the_composer_and_saves_nothing(admin_client, feed):
    data = restore("Lost to the login page", headline="Kept headline")
    data["newsfeed_submission"] = SUBMISSION

    with nothing_saved():
        response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    assert LiveEntry.objects.count() == 0
    html = response.content.decode()
    assert "Lost to the login page" in html and 'value="Kept headline"' in html
    assert "restored below" in html and "could not be saved" not in html
    assert response.context["form"].is_bound and not response.context["form"].errors
    # The page names the restored submission: the browser drops its copy (the text is here).
    assert f'data-newsfeed-rescue-done="{SUBMISSION}"' in html


def test_a_restore_marked_publish_still_saves_nothing(admin_client, feed):
    data = restore("Do not post me yet", action="publish")

    with nothing_saved():
        response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    assert LiveEntry.objects.count() == 0
    assert "Do not post me yet" in response.content.decode()


@pytest.mark.parametrize(
    "garbage",
    [
        {"body-count": "many", "body-0-type": "paragraph", "body-0-value": "x"},
        {"body-count": "99999999999999999999", "headline": "\x00"},
        {"body-count": "1", "body-0-type": "no-such-block", "body-0-value": "{}"},
        {"display_time": "yesterday-ish", "authors": ["abc", "-1", "9" * 30]},
        {"expected_version": "not a number", "is_pinned": "maybe"},
        {},
    ],
    ids=["count", "huge-count-nul", "unknown-block", "time-authors", "version-pin", "empty"],
)
def test_a_restore_of_garbage_is_a_form_with_errors_and_saves_nothing(admin_client, feed, garbage):
    with nothing_saved():
        response = admin_client.post(console(feed), {**garbage, "newsfeed_restore": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert LiveEntry.objects.count() == 0


def test_a_restore_on_the_edit_page_shows_the_text_and_changes_nothing(admin_client, feed):
    entry = factories.make_entry(feed, text="Stored text", headline="Stored")
    data = restore("My unsent rewrite", headline="Rewritten", expected_version=entry.version)

    with nothing_saved():
        response = admin_client.post(edit_url(entry), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "My unsent rewrite" in html and 'value="Rewritten"' in html
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert stored.headline == "Stored" and stored.version == entry.version


def test_a_saved_post_names_its_submission_in_the_redirect(admin_client, feed):
    data = {**entry_data("Posted"), "action": "publish", "newsfeed_submission": SUBMISSION}

    response = admin_client.post(console(feed), data)

    assert response.status_code == 302
    assert response.url == f"{console(feed)}?saved={SUBMISSION}"
    assert LiveEntry.objects.count() == 1
    page = admin_client.get(response.url)
    assert f'data-newsfeed-rescue-done="{SUBMISSION}"' in page.content.decode()


def test_a_saved_edit_names_its_submission_and_keeps_the_anchor(admin_client, feed):
    entry = factories.make_entry(feed)
    data = entry_data("Edited", expected_version=entry.version, newsfeed_submission=SUBMISSION)

    response = admin_client.post(edit_url(entry), data)

    assert response.status_code == 302
    assert response.url == f"{console(feed)}?saved={SUBMISSION}#console-entry-{entry.pk}"


@pytest.mark.parametrize(
    "hostile",
    [
        '"><script>alert(1)</script>',
        "abc",  # too short
        "a" * 65,  # too long
        "ok-id-but\nnewline",
        "id%20with%20escapes",
        "ünïcode-id-1234",
    ],
)
def test_a_hostile_submission_id_is_dropped_not_reflected(admin_client, feed, hostile):
    data = {**entry_data("Posted"), "action": "publish", "newsfeed_submission": hostile}

    response = admin_client.post(console(feed), data)

    assert response.status_code == 302 and response.url == console(feed)
    page = admin_client.get(console(feed), {"saved": hostile}).content.decode()
    assert 'data-newsfeed-rescue-done=""' in page
    assert "<script>alert(1)" not in page
    # A form shown again with errors drops it too.
    bad = {**restore(""), "newsfeed_submission": hostile, "body-count": "x"}
    again = admin_client.post(console(feed), bad).content.decode()
    assert 'data-newsfeed-rescue-done=""' in again and "<script>alert(1)" not in again


def test_a_form_shown_again_with_errors_names_its_submission(admin_client, feed):
    data = nested_form_data({"headline": "Only a headline", "body": streamfield([])})
    data.update(action="publish", newsfeed_submission=SUBMISSION)

    response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    assert f'data-newsfeed-rescue-done="{SUBMISSION}"' in response.content.decode()


def test_a_restore_reaches_no_feed_the_user_may_not_edit(client, feed, news_index):
    other = factories.make_feed(news_index, "Another story")
    contributor = factories.make_user(
        "contrib", groups=[factories.feed_group(other, publish=False)]
    )
    client.force_login(contributor)
    home = reverse("wagtailadmin_home")

    normal = client.post(console(feed), entry_data("Intruder", action="draft"))
    with nothing_saved():
        response = client.post(console(feed), restore("Intruder"))

    assert normal.status_code == response.status_code == 302
    assert normal.url == response.url == home
    assert "Intruder" not in client.get(home).content.decode()
    assert client.post(console(news_index), restore("x")).status_code == 404  # not a feed


def test_a_contributor_cannot_restore_into_an_entry_they_may_not_change(client, feed, editor):
    entry = factories.make_entry(feed, editor, text="An editor's published entry")
    contributor = factories.make_user("contrib", groups=[factories.feed_group(feed, publish=False)])
    client.force_login(contributor)
    data = restore("Hijack", expected_version=entry.version)

    opened = client.get(edit_url(entry))
    with nothing_saved():
        response = client.post(edit_url(entry), data)

    assert opened.status_code == response.status_code == 302
    assert opened.url == response.url == reverse("wagtailadmin_home")
    assert (
        client.post(
            reverse("wagtail_newsfeed_console:edit", args=[feed.pk, 999999]), data
        ).status_code
        == 404
    )


def draftail(*blocks: dict, entity_map: dict | None = None) -> str:
    defaults = {"inlineStyleRanges": [], "entityRanges": [], "data": {}, "depth": 0}
    return json.dumps(
        {"blocks": [{**defaults, **block} for block in blocks], "entityMap": entity_map or {}}
    )


def block(value: str, type: str = "paragraph") -> dict[str, str]:
    """The fields of a one-block body as Wagtail's block editor posts them."""
    return {
        "body-count": "1",
        "body-0-type": type,
        "body-0-value": value,
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
    }


UNREADABLE_BODIES = {
    "an unknown block type, with no other field": {"body-count": "1", "body-0-type": "nope"},
    "JSON nested past the recursion limit": block("[" * 1100),
    "a table nested past the recursion limit": block("[" * 1100, type="table"),
    "a list item 1,500 levels deep": block(
        draftail(
            {"key": "a", "type": "unordered-list-item", "text": "x"},
            {"key": "b", "type": "unordered-list-item", "text": "x", "depth": 1500},
        )
    ),
    "a link to an entity that is not there": block(
        draftail(
            {
                "key": "a",
                "type": "unstyled",
                "text": "xx",
                "entityRanges": [{"offset": 0, "length": 2, "key": 7}],
            }
        )
    ),
}


@pytest.mark.parametrize("body", UNREADABLE_BODIES.values(), ids=UNREADABLE_BODIES)
@pytest.mark.parametrize("editing", [False, True], ids=["new", "edit"])
def test_a_post_with_an_unreadable_body_is_a_form_error_not_a_500(
    admin_client, feed, superuser, body, editing
):
    # What a truncated request or a crafted one sends: Wagtail's reading of it would crash.
    data = {"headline": "Kept", **body, "action": "publish"}
    url = console(feed)
    if editing:
        entry = factories.make_entry(feed, superuser, text="Stays as it was")
        url = edit_url(entry)
        data["expected_version"] = entry.version

    with nothing_saved():
        response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "could not be read" in str(response.context["form"].errors["body"])
    assert 'value="Kept"' in response.content.decode()


# The same post sent twice ---------------------------------------------------------------------


def test_a_post_sent_again_posts_nothing_new_and_says_so(admin_client, feed):
    """E.g. the browser sends the form again, or the answer to the first send was lost."""
    data = {**entry_data("Sent twice"), "action": "publish", "newsfeed_submission": SUBMISSION}
    assert admin_client.post(console(feed), data).status_code == 302
    entry = LiveEntry.objects.get()
    feed.refresh_from_db()

    with nothing_saved():
        again = admin_client.post(console(feed), data)

    assert again.status_code == 302
    assert again.url == f"{console(feed)}?saved={SUBMISSION}"  # the browser drops its copy
    assert list(LiveEntry.objects.values_list("pk", flat=True)) == [entry.pk]
    page = admin_client.get(again.url).content.decode()
    assert "was already posted from this text: it was not posted again" in page
    assert f'data-newsfeed-rescue-done="{SUBMISSION}"' in page


@pytest.mark.parametrize("action", ["publish", "draft"])
def test_a_restored_copy_of_a_post_that_was_saved_is_not_offered_again(admin_client, feed, action):
    """The post was saved but its answer never arrived, so the browser kept its rescue copy:
    restoring it says the entry exists, drops the copy and posts nothing."""
    data = {**entry_data("Saved, answer lost"), "action": action, "newsfeed_submission": SUBMISSION}
    admin_client.post(console(feed), data)
    entry = LiveEntry.objects.get()

    restore_data = {**restore("Saved, answer lost"), "newsfeed_submission": SUBMISSION}
    with nothing_saved():
        response = admin_client.post(console(feed), restore_data, follow=True)

    html = response.content.decode()
    assert f"Entry “{entry}” was already posted" in html
    assert "restored below" not in html
    assert f'data-newsfeed-rescue-done="{SUBMISSION}"' in html
    assert LiveEntry.objects.count() == 1


def test_another_users_or_feeds_submission_id_posts_as_usual(client, admin_client, feed, editor):
    data = {**entry_data("First"), "action": "publish", "newsfeed_submission": SUBMISSION}
    admin_client.post(console(feed), data)
    other_feed = factories.make_feed(feed.get_parent().specific, "Another feed")
    admin_client.post(console(other_feed), {**data, **entry_data("Elsewhere")})
    client.force_login(editor)
    client.post(console(feed), {**data, **entry_data("By the editor")})

    assert sorted(LiveEntry.objects.values_list("feed_id", "created_by__username")) == sorted(
        [
            (feed.pk, "admin"),
            (other_feed.pk, "admin"),
            (feed.pk, editor.username),
        ]
    )


def test_a_submission_is_remembered_for_a_day_like_its_rescue_copy(admin_client, feed):
    from wagtail.models import PageLogEntry

    data = {**entry_data("Yesterday"), "action": "publish", "newsfeed_submission": SUBMISSION}
    admin_client.post(console(feed), data)
    PageLogEntry.objects.filter(page=feed).update(
        timestamp=timezone.now() - entry_rules.SUBMISSION_MEMORY - timedelta(minutes=1)
    )

    admin_client.post(console(feed), data)

    assert LiveEntry.objects.count() == 2


def test_the_write_path_creates_one_entry_per_submission(feed, superuser):
    first = entry_rules.create_entry(feed, superuser, body=BODY, submission=SUBMISSION)
    version = LiveFeedCounter.objects.get(feed=feed).version

    again = entry_rules.create_entry(feed, superuser, body=BODY, submission=SUBMISSION)
    other = entry_rules.create_entry(feed, superuser, body=BODY, submission="another-id-1234")
    unnamed = [entry_rules.create_entry(feed, superuser, body=BODY) for _ in range(2)]

    assert again.pk == first.pk
    assert LiveFeedCounter.objects.get(feed=feed).version == version + 3  # other and unnamed
    assert len({first.pk, other.pk, *(entry.pk for entry in unnamed)}) == 4


@pytest.mark.parametrize("page", ["console", "edit"])
def test_the_rescue_script_is_told_the_largest_post_the_server_reads(
    admin_client, feed, settings, page
):
    """A larger post is Django's 400 page before any view runs: the script keeps such a text on
    the page, and restores a rescued copy of that size into the form instead of posting it."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    url = console(feed) if page == "console" else edit_url(factories.make_entry(feed))

    html = admin_client.get(url).content.decode()

    assert 'data-post-limit="2621440"' in html
    assert "(this site takes at most 2.5\xa0MB). Restore it here to shorten it." in html
    assert f'data-login-url="{reverse("wagtailadmin_login")}"' in html
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None  # no limit: the script sends any size
    assert 'data-post-limit=""' in admin_client.get(url).content.decode()
