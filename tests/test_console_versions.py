"""The console's one-click actions and its delete confirmation act on the entry as the editor saw
it: each form sends the version shown, and an entry changed since is refused as a conflict
(nothing changes; the console shows the entry as it is now), like the console's edit form."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

CONFLICT = "has changed since your console showed it"
NOT_DELETED = "has changed since it was shown to you for deletion"
OUT_OF_DATE = "Your page was out of date"


def console(feed) -> str:
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def action(entry, name: str) -> str:
    return reverse("wagtail_newsfeed_console:action", args=[entry.feed_id, entry.pk, name])


def delete_url(entry) -> str:
    return reverse("wagtail_newsfeed_console:delete", args=[entry.feed_id, entry.pk])


def entry_form(text: str, **extra) -> dict:
    return nested_form_data(
        {"headline": "", "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]), **extra}
    )


def form_fields(html: str, url: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``url`` on the page, as the browser sends them."""
    form = html.split(f'action="{url}"', 1)[1].split("</form>", 1)[0]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return {name: value for name, value in fields if name != "csrfmiddlewaretoken"}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def text_of(entry: LiveEntry) -> str:
    return str(LiveEntry.objects.get(pk=entry.pk).body[0].value)


@pytest.fixture
def two_desks(feed, contributor, editor):
    """A contributor's draft "Harmless draft", and an editor's console showing it."""
    reporter, desk = Client(), Client()
    reporter.force_login(contributor)
    desk.force_login(editor)
    data = entry_form("Harmless draft")
    data["action"] = "draft"
    assert reporter.post(console(feed), data).status_code == 302
    draft = LiveEntry.objects.get(feed=feed)
    shown = desk.get(console(feed)).content.decode()
    assert "Harmless draft" in shown
    return reporter, desk, draft, shown


def rewrite(reporter: Client, draft: LiveEntry, text: str) -> None:
    """The contributor's normal edit of their draft, made with the version they loaded."""
    url = reverse("wagtail_newsfeed_console:edit", args=[draft.feed_id, draft.pk])
    data = entry_form(text, expected_version=LiveEntry.objects.get(pk=draft.pk).version)
    assert reporter.post(url, data).status_code == 302


def test_publish_of_a_draft_changed_since_the_console_showed_it_is_refused(two_desks, feed):
    reporter, desk, draft, shown = two_desks
    rewrite(reporter, draft, "Defamatory claim")

    with nothing_saved():
        response = desk.post(action(draft, "publish"), form_fields(shown, action(draft, "publish")))

    assert response.status_code == 302
    assert response["Location"] == f"{console(feed)}#console-entry-{draft.pk}"
    assert any(CONFLICT in m for m in messages_of(response))
    stored = LiveEntry.objects.get(pk=draft.pk)
    assert stored.status == LiveEntry.Status.DRAFT and "Defamatory claim" in text_of(draft)
    # The console now shows the entry as it is, with its version in the form: a second click
    # publishes what the editor now sees.
    again = desk.get(console(feed)).content.decode()
    assert "Defamatory claim" in again
    fields = form_fields(again, action(draft, "publish"))
    assert fields == {"expected_version": str(stored.version)}
    assert desk.post(action(draft, "publish"), fields).status_code == 302
    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.PUBLISHED


def test_publish_of_the_version_shown_publishes_it(two_desks):
    _reporter, desk, draft, shown = two_desks

    response = desk.post(action(draft, "publish"), form_fields(shown, action(draft, "publish")))

    assert response.status_code == 302
    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.PUBLISHED
    assert any("published" in m for m in messages_of(response))


@pytest.mark.parametrize("name", ["pin", "key-event"])
def test_toggles_of_an_entry_changed_since_it_was_shown_are_refused(admin_client, feed, name):
    entry = factories.make_entry(feed, text="Shown text")
    shown = admin_client.get(console(feed)).content.decode()
    entry_rules.update_entry(entry, entry.created_by, headline="Changed meanwhile")

    with nothing_saved():
        response = admin_client.post(action(entry, name), form_fields(shown, action(entry, name)))

    assert response.status_code == 302 and any(CONFLICT in m for m in messages_of(response))
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert not stored.is_pinned and not stored.is_key_event


def test_unpin_and_unpublish_of_an_entry_changed_since_it_was_shown_are_refused(admin_client, feed):
    entry = factories.make_entry(feed, text="Shown text", is_pinned=True)
    shown = admin_client.get(console(feed)).content.decode()
    entry_rules.update_entry(entry, entry.created_by, headline="Changed meanwhile")

    for name in ("unpin", "unpublish"):
        with nothing_saved():
            response = admin_client.post(
                action(entry, name), form_fields(shown, action(entry, name))
            )
        assert response.status_code == 302 and any(CONFLICT in m for m in messages_of(response))
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert stored.is_pinned and stored.status == LiveEntry.Status.PUBLISHED


@pytest.mark.parametrize("sent", [{}, {"expected_version": ""}, {"expected_version": "x1"}])
def test_an_action_without_the_version_shown_is_refused_with_a_reload_message(
    admin_client, feed, sent
):
    """A console page opened before the forms carried versions: what it showed is unknown."""
    draft = factories.make_entry(feed, status=LiveEntry.Status.DRAFT)

    with nothing_saved():
        response = admin_client.post(action(draft, "publish"), sent)

    assert response.status_code == 302
    assert response["Location"] == f"{console(feed)}#console-entry-{draft.pk}"
    assert any(OUT_OF_DATE in m for m in messages_of(response))
    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.DRAFT


def test_an_action_without_a_version_is_still_refused_for_want_of_the_right(
    client, feed, contributor
):
    """The permission is decided first: a contributor's crafted publish is Wagtail's refusal."""
    draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
    client.force_login(contributor)

    with nothing_saved():
        response = client.post(action(draft, "publish"))

    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# The delete confirmation ---------------------------------------------------------------------


def test_delete_of_an_entry_changed_since_the_confirmation_showed_it_is_refused(admin_client, feed):
    entry = factories.make_entry(feed, text="Shown text")
    page = admin_client.get(delete_url(entry)).content.decode()
    fields = form_fields(page, delete_url(entry))
    assert fields == {"expected_version": str(entry.version)}
    entry_rules.update_entry(entry, entry.created_by, headline="Changed meanwhile")

    with nothing_saved():
        response = admin_client.post(delete_url(entry), fields)

    assert response.status_code == 302
    assert response["Location"] == f"{console(feed)}#console-entry-{entry.pk}"
    assert any(NOT_DELETED in m for m in messages_of(response))
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None


@pytest.mark.parametrize("sent", [{}, {"expected_version": "-1"}])
def test_a_delete_without_the_version_shown_is_refused(admin_client, feed, sent):
    entry = factories.make_entry(feed)

    with nothing_saved():
        response = admin_client.post(delete_url(entry), sent)

    assert response.status_code == 302 and any(OUT_OF_DATE in m for m in messages_of(response))
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None


def test_delete_of_the_version_shown_deletes_it(admin_client, feed):
    entry = factories.make_entry(feed)
    page = admin_client.get(delete_url(entry)).content.decode()

    response = admin_client.post(delete_url(entry), form_fields(page, delete_url(entry)))

    assert response.status_code == 302 and response["Location"] == console(feed)
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is not None
