"""The live console when a colleague deleted the entry meanwhile: every click on it (a one-click
action, the delete confirmation, the editor) says so on the console, never a bare 404, and an
edit being saved keeps its text."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

DELETED = "This entry has been deleted."
ACTIONS = ["pin", "unpin", "key-event", "not-key-event", "publish", "unpublish"]


def console(feed) -> str:
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def entry_url(entry: LiveEntry, name: str, *args: str) -> str:
    return reverse(f"wagtail_newsfeed_console:{name}", args=[entry.feed_id, entry.pk, *args])


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in response.wsgi_request._messages]


@pytest.fixture
def deleted(feed, superuser) -> LiveEntry:
    """An entry a colleague deleted after this editor's console showed it."""
    entry = factories.make_entry(feed, text="Soon gone", status=LiveEntry.Status.DRAFT)
    return entry_rules.delete_entry(entry, superuser)


@pytest.mark.parametrize("name", ACTIONS)
def test_a_one_click_action_on_a_deleted_entry_says_so_on_the_console(
    admin_client, feed, deleted, name
):
    with nothing_saved():
        response = admin_client.post(entry_url(deleted, "action", name))

    assert response.status_code == 302 and response["Location"] == console(feed)
    assert DELETED in messages_of(response)
    stored = LiveEntry.objects.get(pk=deleted.pk)
    assert (stored.status, stored.is_pinned, stored.version) == ("draft", False, deleted.version)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_delete_confirmation_of_a_deleted_entry_says_so_on_the_console(
    admin_client, feed, deleted, method
):
    with nothing_saved():
        response = getattr(admin_client, method)(entry_url(deleted, "delete"))

    assert response.status_code == 302 and response["Location"] == console(feed)
    assert DELETED in messages_of(response)
    assert LiveEntry.objects.get(pk=deleted.pk).deleted_at == deleted.deleted_at


def test_opening_the_editor_of_a_deleted_entry_says_so_on_the_console(admin_client, feed, deleted):
    response = admin_client.get(entry_url(deleted, "edit"), follow=True)

    assert response.redirect_chain == [(console(feed), 302)]
    assert response.status_code == 200 and DELETED in response.content.decode()


def test_a_contributors_click_on_their_own_deleted_draft_says_so(client, feed, contributor):
    entry = factories.make_entry(feed, contributor, text="Mine", status=LiveEntry.Status.DRAFT)
    entry_rules.delete_entry(entry, contributor)
    client.force_login(contributor)

    for response in (
        client.get(entry_url(entry, "edit")),
        client.get(entry_url(entry, "delete")),
        client.post(entry_url(entry, "action", "key-event")),
    ):
        assert response.status_code == 302 and response["Location"] == console(feed)
        assert DELETED in messages_of(response)


def test_saving_an_edit_of_a_deleted_entry_keeps_the_text(admin_client, feed, deleted):
    data = nested_form_data(
        {
            "headline": "Rewritten",
            "body": streamfield([("paragraph", rich_text("<p>My rewrite</p>"))]),
            "expected_version": deleted.version,
        }
    )

    with nothing_saved():
        response = admin_client.post(entry_url(deleted, "edit"), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "My rewrite" in html and 'value="Rewritten"' in html
    assert f'action="{console(feed)}"' in html  # saving posts it as a new entry


def test_an_entry_that_never_existed_is_still_a_404(admin_client, feed):
    missing = LiveEntry(feed=feed, pk=987654)
    assert admin_client.get(entry_url(missing, "edit")).status_code == 404
    assert admin_client.post(entry_url(missing, "action", "pin")).status_code == 404
    assert admin_client.get(entry_url(missing, "delete")).status_code == 404


def test_an_outsider_learns_nothing_of_a_deleted_entry(client, feed, news_index, deleted):
    other = factories.make_feed(news_index, "Another story")
    client.force_login(factories.make_user(groups=[factories.feed_group(other, publish=True)]))

    with nothing_saved():
        response = client.post(entry_url(deleted, "action", "pin"))

    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert DELETED not in messages_of(response)
