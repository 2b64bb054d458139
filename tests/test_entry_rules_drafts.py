"""Whose drafts a contributor may change: their own only (docs/security.md: contributors "save
draft entries, edit their drafts"). Decided on the locked row by ``entry_rules``, so every door
(API, live console, Newsroom bulk actions) refuses another user's draft and saves nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import assert_problem, nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

DRAFT = LiveEntry.Status.DRAFT


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def detail(entry: LiveEntry) -> str:
    return f"/api/newsfeed/v1/feeds/{entry.feed_id}/entries/{entry.pk}/"


@pytest.fixture
def others_drafts(feed, editor):
    """A draft an editor wrote, and one written by the system (no ``created_by``)."""
    system = factories.make_entry(feed, editor, status=DRAFT, headline="System")
    LiveEntry.objects.filter(pk=system.pk).update(created_by=None)
    return [factories.make_entry(feed, editor, status=DRAFT, headline="Editor's"), system]


def test_a_contributor_may_not_edit_or_delete_another_users_draft(feed, contributor, others_drafts):
    writes = [
        lambda draft: entry_rules.update_entry(draft, contributor, headline="Hijacked"),
        lambda draft: entry_rules.set_key_event(draft, contributor),
        lambda draft: entry_rules.delete_entry(draft, contributor),
    ]
    for draft in others_drafts:
        for write in writes:
            with nothing_saved(), pytest.raises(PermissionDenied, match="drafts you created"):
                write(draft)


def test_the_api_refuses_a_contributors_patch_or_delete_of_another_users_draft(
    feed, contributor, others_drafts
):
    api = api_for(contributor)
    for draft in others_drafts:
        with nothing_saved():
            assert_problem(api.patch(detail(draft), {"headline": "Hijacked"}, "json"), 403)
            assert_problem(api.delete(detail(draft)), 403)


def test_a_contributor_edits_and_deletes_their_own_draft(feed, contributor):
    api = api_for(contributor)
    draft = factories.make_entry(feed, contributor, status=DRAFT, headline="Mine")
    response = api.patch(detail(draft), {"headline": "Still mine"}, "json")
    assert response.status_code == 200, response.content
    assert LiveEntry.objects.get(pk=draft.pk).headline == "Still mine"
    assert api.delete(detail(draft)).status_code == 204
    assert LiveEntry.objects.get(pk=draft.pk).deleted_at is not None


def test_an_editor_still_edits_and_deletes_anyones_draft(feed, contributor, editor):
    draft = factories.make_entry(feed, contributor, status=DRAFT)
    api = api_for(editor)
    assert api.patch(detail(draft), {"headline": "Edited"}, "json").status_code == 200
    assert api.delete(detail(draft)).status_code == 204


def test_the_console_refuses_another_users_draft_but_keeps_the_text(
    client, feed, contributor, others_drafts
):
    client.force_login(contributor)
    draft = others_drafts[0]
    edit = reverse("wagtail_newsfeed_console:edit", args=[feed.pk, draft.pk])
    data = nested_form_data(
        {
            "headline": "Hijacked",
            "body": streamfield([("paragraph", rich_text("<p>Typed text</p>"))]),
            "expected_version": draft.version,
        }
    )
    data["action"] = "draft"
    with nothing_saved():
        response = client.post(edit, data)
        assert response.status_code == 403
        assert "Typed text" in response.content.decode()
        # Wagtail's admin answers PermissionDenied with its "no permission" redirect.
        delete = reverse("wagtail_newsfeed_console:delete", args=[feed.pk, draft.pk])
        action = reverse("wagtail_newsfeed_console:action", args=[feed.pk, draft.pk, "key-event"])
        shown = {"expected_version": draft.version}
        for refused in (client.post(delete, shown), client.post(action, shown)):
            assert refused.status_code == 302 and refused["Location"] == reverse(
                "wagtailadmin_home"
            )


def test_the_newsroom_bulk_delete_refuses_another_users_draft(
    client, feed, contributor, others_drafts
):
    client.force_login(contributor)
    mine = factories.make_entry(feed, contributor, status=DRAFT)
    shown = [mine, *others_drafts]
    data = {"action": "delete", "confirm": "yes", "id": [str(e.pk) for e in shown]}
    data["seen"] = [f"{e.pk}:{e.version}" for e in shown]
    response = client.post(reverse("wagtail_newsfeed_liveentry_modeladmin_bulk"), data)
    assert response.status_code == 302
    assert LiveEntry.objects.get(pk=mine.pk).deleted_at is not None
    assert all(LiveEntry.objects.get(pk=e.pk).deleted_at is None for e in others_drafts)


def test_the_console_offers_no_controls_for_another_users_draft(client, feed, contributor, editor):
    own = factories.make_entry(feed, contributor, status=DRAFT, headline="Mine")
    theirs = factories.make_entry(feed, editor, status=DRAFT, headline="Theirs")
    client.force_login(contributor)

    page = client.get(reverse("wagtail_newsfeed_console:console", args=[feed.pk]))
    html = page.content.decode()

    def url(name: str, entry: LiveEntry) -> str:
        return reverse(f"wagtail_newsfeed_console:{name}", args=[feed.pk, entry.pk])

    assert url("edit", own) in html and url("delete", own) in html
    assert url("edit", theirs) not in html and url("delete", theirs) not in html
    for name in ("edit", "delete"):
        refused = client.get(url(name, theirs))
        assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
        assert client.get(url(name, own)).status_code == 200
    assert entry_rules.can_change_entry(editor, feed, own)


@pytest.fixture
def pinned_draft(feed, contributor, editor):
    """A contributor's draft an editor has pinned (it will take the pin when published)."""
    draft = factories.make_entry(feed, contributor, status=DRAFT, headline="Mine, pinned")
    return entry_rules.set_pinned(draft, editor)


def test_a_contributor_may_not_unpin_an_editors_pin_on_their_own_draft(
    client, feed, contributor, pinned_draft
):
    """Pinning is an editor's decision, even on a draft: taking the pin off as well."""
    client.force_login(contributor)
    unpin = reverse("wagtail_newsfeed_console:action", args=[feed.pk, pinned_draft.pk, "unpin"])

    with nothing_saved():
        response = client.post(unpin, {"expected_version": pinned_draft.version})
        with pytest.raises(PermissionDenied):
            entry_rules.set_pinned(pinned_draft, contributor, pinned=False)
        assert_problem(
            api_for(contributor).patch(detail(pinned_draft), {"is_pinned": False}, "json"), 403
        )

    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert LiveEntry.objects.get(pk=pinned_draft.pk).is_pinned


def test_a_contributor_still_edits_their_pinned_draft_and_it_stays_pinned(
    client, feed, contributor, pinned_draft
):
    client.force_login(contributor)
    edit = reverse("wagtail_newsfeed_console:edit", args=[feed.pk, pinned_draft.pk])
    data = nested_form_data(
        {
            "headline": "Mine, reworded",
            "body": streamfield([("paragraph", rich_text("<p>Better words</p>"))]),
            "expected_version": pinned_draft.version,
        }
    )

    assert client.post(edit, data).status_code == 302
    stored = LiveEntry.objects.get(pk=pinned_draft.pk)
    assert stored.headline == "Mine, reworded" and stored.is_pinned
    # Sending the pin it already has changes nothing an editor decided.
    response = api_for(contributor).patch(detail(stored), {"is_pinned": True}, "json")
    assert response.status_code == 200, response.content
