"""Rules of the entry write path that a caller cannot get around: permissions decided on the row
locked for the write, the display-time guard, and which changes readers hear about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.models import GroupPagePermission

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# Permission on the locked row -----------------------------------------------------------------


def test_a_contributors_edit_loaded_before_an_editor_published_is_refused(
    feed, contributor, editor
):
    draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT, text="Mine")
    loaded_by_contributor = LiveEntry.objects.get(pk=draft.pk)  # still a draft in their hands
    entry_rules.publish_entry(LiveEntry.objects.get(pk=draft.pk), editor)

    with pytest.raises(PermissionDenied):
        entry_rules.update_entry(loaded_by_contributor, contributor, headline="Sneaky change")
    stored = LiveEntry.objects.get(pk=draft.pk)
    assert stored.is_published and stored.headline == ""


def test_a_contributors_delete_loaded_before_an_editor_published_is_refused(
    feed, contributor, editor
):
    draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
    loaded_by_contributor = LiveEntry.objects.get(pk=draft.pk)
    entry_rules.publish_entry(LiveEntry.objects.get(pk=draft.pk), editor)

    with pytest.raises(PermissionDenied):
        entry_rules.delete_entry(loaded_by_contributor, contributor)
    assert LiveEntry.objects.get(pk=draft.pk).deleted_at is None


def withdrawn_during_the_request(user):
    """``user`` as a request holds them: permissions already looked up (and so cached on the
    object by Wagtail and Django), then withdrawn by an administrator meanwhile."""
    feed = user.groups.get().page_permissions.first().page.specific
    assert entry_rules.can_edit_feed(user, feed) and entry_rules.can_publish_feed(user, feed)
    user.groups.clear()
    return user


@pytest.mark.parametrize("publish", [True, False])
def test_a_permission_withdrawn_during_the_request_refuses_a_new_entry(feed, editor, publish):
    user = withdrawn_during_the_request(editor)
    status = LiveEntry.Status.PUBLISHED if publish else LiveEntry.Status.DRAFT

    with pytest.raises(PermissionDenied):
        entry_rules.create_entry(feed, user, body=factories.paragraph("Late"), status=status)
    assert not LiveEntry.objects.filter(feed=feed).exists()


def test_a_permission_withdrawn_during_the_request_refuses_an_edit(feed, editor):
    entry = factories.make_entry(feed, editor, text="Kept")
    version = delta.current_version(feed)
    user = withdrawn_during_the_request(editor)

    with pytest.raises(PermissionDenied):
        entry_rules.update_entry(entry, user, headline="Changed after all")
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert (stored.headline, stored.version) == ("", entry.version)
    assert delta.current_version(feed) == version


def test_a_permission_withdrawn_during_the_request_refuses_a_delete(feed, editor):
    entry = factories.make_entry(feed, editor, text="Kept")
    user = withdrawn_during_the_request(editor)

    with pytest.raises(PermissionDenied):
        entry_rules.delete_entry(entry, user)
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None


def test_a_publish_permission_withdrawn_during_the_request_refuses_a_future_time(feed, editor):
    draft = factories.make_entry(feed, editor, status=LiveEntry.Status.DRAFT, text="Mine")
    assert entry_rules.can_publish_feed(editor, feed)  # cached on the request's user object
    GroupPagePermission.objects.filter(permission__codename="publish_page").delete()
    later = timezone.now() + timedelta(days=200)

    with nothing_saved(), pytest.raises(ValidationError):
        entry_rules.create_entry(
            feed, editor, body=factories.paragraph("Up top"), status="draft", display_time=later
        )
    with nothing_saved(), pytest.raises(ValidationError):
        entry_rules.update_entry(draft, editor, display_time=later)


def test_a_refused_write_leaves_the_feed_version_alone(feed, contributor, editor):
    draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
    stale = LiveEntry.objects.get(pk=draft.pk)
    entry_rules.publish_entry(LiveEntry.objects.get(pk=draft.pk), editor)
    version = delta.current_version(feed)
    with pytest.raises(PermissionDenied):
        entry_rules.update_entry(stale, contributor, headline="x")
    assert delta.current_version(feed) == version


def test_an_api_patch_by_a_contributor_after_publication_is_403(feed, contributor, editor):
    api = api_for(contributor)
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    body = [{"type": "paragraph", "value": "<p>Draft</p>"}]
    created = api.post(url, {"body": body, "status": "draft"}, "json").json()
    entry_rules.publish_entry(LiveEntry.objects.get(pk=created["id"]), editor)
    response = api.patch(f"{url}{created['id']}/", {"headline": "Changed"}, "json")
    assert response.status_code == 403
    assert LiveEntry.objects.get(pk=created["id"]).headline == ""
    assert api.delete(f"{url}{created['id']}/").status_code == 403


# Display time ---------------------------------------------------------------------------------


def test_a_contributor_may_not_give_a_future_display_time(feed, contributor):
    with pytest.raises(ValidationError) as error:
        factories.make_entry(
            feed,
            contributor,
            status=LiveEntry.Status.DRAFT,
            display_time=timezone.now() + timedelta(hours=3),
        )
    assert "display_time" in error.value.message_dict
    assert not LiveEntry.objects.exists()


def test_a_contributor_may_backdate_and_an_editor_may_do_both(feed, contributor, editor):
    past = timezone.now() - timedelta(days=2)
    entry = factories.make_entry(
        feed, contributor, status=LiveEntry.Status.DRAFT, display_time=past
    )
    assert entry.display_time == past
    future = timezone.now() + timedelta(hours=3)
    assert factories.make_entry(feed, editor, display_time=future).display_time == future


def test_a_contributor_may_not_move_a_draft_into_the_future(feed, contributor):
    draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
    with nothing_saved(), pytest.raises(ValidationError):
        entry_rules.update_entry(
            draft, contributor, display_time=timezone.now() + timedelta(days=1)
        )


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1899, 12, 31, tzinfo=UTC),
        datetime(9999, 12, 31, tzinfo=UTC),
    ],
)
def test_a_display_time_out_of_range_is_refused_for_everyone(feed, editor, when):
    with pytest.raises(ValidationError):
        factories.make_entry(feed, editor, display_time=when)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2099-01-01T00:00:00+14:00"]
)
def test_the_api_answers_400_naming_display_time(feed, editor, contributor, value):
    body = [{"type": "paragraph", "value": "<p>x</p>"}]
    response = api_for(editor).post(
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", {"body": body, "display_time": value}, "json"
    )
    assert response.status_code == 400, response.content
    assert "display_time" in response.json()["errors"]
    assert not LiveEntry.objects.exists()


def test_the_api_refuses_a_contributors_future_time_with_400(feed, contributor):
    body = [{"type": "paragraph", "value": "<p>x</p>"}]
    soon = (timezone.now() + timedelta(hours=1)).isoformat()
    response = api_for(contributor).post(
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
        {"body": body, "status": "draft", "display_time": soon},
        "json",
    )
    assert response.status_code == 400
    assert "display_time" in response.json()["errors"]


def test_clearing_the_display_time_of_an_entry_is_400(feed, editor):
    entry = factories.make_entry(feed, editor)
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{entry.pk}/"
    response = api_for(editor).patch(url, {"display_time": None}, "json")
    assert response.status_code == 400
    assert "display_time" in response.json()["errors"]
    assert LiveEntry.objects.get(pk=entry.pk).display_time == entry.display_time


# What delta sync tells readers ------------------------------------------------------------------


def changes(feed, since: int) -> dict:
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    return APIClient().get(url, {"since": delta.encode_cursor(feed, since)}).json()


def test_drafts_never_published_are_not_in_delta_sync_even_as_tombstones(feed, editor):
    draft = factories.make_entry(feed, editor, status=LiveEntry.Status.DRAFT)
    entry_rules.update_entry(draft, editor, headline="Still a draft")
    entry_rules.delete_entry(draft, editor)
    answer = changes(feed, 0)
    assert answer["results"] == []
    assert delta.decode_cursor(feed, answer["cursor"]) == delta.current_version(feed)


def test_an_entry_readers_saw_leaves_a_tombstone(feed, editor):
    entry = factories.make_entry(feed, editor)
    seen = delta.current_version(feed)
    entry_rules.unpublish_entry(entry, editor)
    assert changes(feed, seen)["results"] == [{"id": entry.pk, "deleted": True}]
    entry_rules.delete_entry(entry, editor)
    assert changes(feed, seen)["results"] == [{"id": entry.pk, "deleted": True}]


def test_a_draft_published_later_appears_and_keeps_its_first_publication(feed, editor):
    draft = factories.make_entry(feed, editor, status=LiveEntry.Status.DRAFT)
    assert draft.first_published_at is None
    entry_rules.publish_entry(draft, editor)
    first = LiveEntry.objects.get(pk=draft.pk).first_published_at
    assert first is not None
    assert [row["id"] for row in changes(feed, 0)["results"]] == [draft.pk]
    entry_rules.unpublish_entry(draft, editor)
    entry_rules.publish_entry(draft, editor)
    assert LiveEntry.objects.get(pk=draft.pk).first_published_at == first
