"""The entry write path: versions, pinning, soft delete, permissions and cursors."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import PageLogEntry

from tests import factories
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db


def test_each_change_takes_the_next_version_of_its_feed(feed, superuser):
    first = factories.make_entry(feed, superuser)
    second = factories.make_entry(feed, superuser)
    entry_rules.update_entry(first, superuser, headline="Edited")
    assert (first.version, second.version) == (3, 2)
    assert delta.current_version(feed) == 3


def test_versions_are_counted_per_feed(news_index, superuser):
    feed_a = factories.make_feed(news_index)
    feed_b = factories.make_feed(news_index)
    factories.make_entry(feed_a, superuser)
    entry_b = factories.make_entry(feed_b, superuser)
    assert entry_b.version == 1


def test_pinning_an_entry_unpins_the_other_and_stamps_both(feed, superuser):
    old = factories.make_entry(feed, superuser, is_pinned=True)
    new = factories.make_entry(feed, superuser)
    entry_rules.set_pinned(new, superuser)
    old.refresh_from_db()
    assert new.is_pinned and not old.is_pinned
    changes, _ = delta.changes_since(feed, 2, limit=10)
    assert {entry.pk for entry in changes} == {old.pk, new.pk}


def test_a_pinned_draft_leaves_the_published_pin_until_it_is_published(feed, superuser):
    readers_pin = factories.make_entry(feed, superuser, is_pinned=True)
    posted = factories.make_entry(feed, superuser, status="draft", is_pinned=True)
    pinned_later = factories.make_entry(feed, superuser, status="draft")
    entry_rules.set_pinned(pinned_later, superuser)
    readers_pin.refresh_from_db()
    assert readers_pin.is_pinned and readers_pin.version == 1  # readers saw no change
    assert posted.is_pinned and pinned_later.is_pinned

    entry_rules.publish_entry(posted, superuser)
    readers_pin.refresh_from_db()
    assert posted.is_pinned and not readers_pin.is_pinned
    changes, _ = delta.changes_since(feed, 4, limit=10)
    assert {entry.pk for entry in changes} == {posted.pk, readers_pin.pk}
    assert LiveEntry.objects.published().filter(feed=feed, is_pinned=True).get() == posted


def test_delete_leaves_a_tombstone_with_a_new_version(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    entry_rules.delete_entry(entry, superuser)
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    assert entry.version == 2
    assert not LiveEntry.objects.published().filter(pk=entry.pk).exists()


def test_deleting_twice_changes_nothing_more(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    entry_rules.delete_entry(entry, superuser)
    entry_rules.delete_entry(entry, superuser)
    assert delta.current_version(feed) == 2


def test_editing_a_deleted_entry_is_refused(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    entry_rules.delete_entry(entry, superuser)
    with pytest.raises(LiveEntry.DoesNotExist):
        entry_rules.update_entry(entry, superuser, headline="Back from the dead")


def test_stale_expected_version_raises_conflict_and_keeps_the_newer_edit(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    loaded_version = entry.version
    entry_rules.update_entry(entry, superuser, headline="First editor")
    with pytest.raises(entry_rules.EntryConflict):
        entry_rules.update_entry(
            entry, superuser, headline="Second editor", expected_version=loaded_version
        )
    entry.refresh_from_db()
    assert entry.headline == "First editor"


def test_unknown_fields_are_rejected(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    with pytest.raises(TypeError):
        entry_rules.update_entry(entry, superuser, version=99)


def test_changes_since_pages_with_has_more(feed, superuser):
    for _ in range(5):
        factories.make_entry(feed, superuser)
    page, has_more = delta.changes_since(feed, 0, limit=3)
    assert [e.version for e in page] == [1, 2, 3] and has_more
    page, has_more = delta.changes_since(feed, 3, limit=3)
    assert [e.version for e in page] == [4, 5] and not has_more


def test_changes_are_logged_in_the_feed_history(feed, superuser):
    entry = factories.make_entry(feed, superuser, headline="Polls close")
    entry_rules.delete_entry(entry, superuser)
    actions = list(
        PageLogEntry.objects.filter(page=feed, action__startswith="wagtail_newsfeed.entry")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["wagtail_newsfeed.entry.publish", "wagtail_newsfeed.entry.delete"]


class TestPermissions:
    def test_user_without_page_permission_may_not_post(self, feed):
        outsider = factories.make_user()
        with pytest.raises(PermissionDenied):
            factories.make_entry(feed, outsider)
        assert not LiveEntry.objects.exists()

    def test_contributor_may_save_a_draft_but_not_publish(self, feed):
        contributor = factories.make_user(groups=[factories.feed_group(feed, publish=False)])
        draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
        assert draft.status == LiveEntry.Status.DRAFT
        with pytest.raises(PermissionDenied):
            entry_rules.publish_entry(draft, contributor)
        with pytest.raises(PermissionDenied):
            factories.make_entry(feed, contributor)

    def test_contributor_may_not_change_a_published_entry(self, feed, superuser):
        contributor = factories.make_user(groups=[factories.feed_group(feed, publish=False)])
        entry = factories.make_entry(feed, superuser)
        for change in (
            lambda: entry_rules.update_entry(entry, contributor, headline="x"),
            lambda: entry_rules.delete_entry(entry, contributor),
            lambda: entry_rules.set_pinned(entry, contributor),
        ):
            with pytest.raises(PermissionDenied):
                change()
        entry.refresh_from_db()
        assert entry.version == 1

    def test_contributor_may_not_pin_even_a_draft(self, feed, superuser):
        contributor = factories.make_user(groups=[factories.feed_group(feed, publish=False)])
        pinned = factories.make_entry(feed, superuser, is_pinned=True)
        with pytest.raises(PermissionDenied):
            factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT, is_pinned=True)
        draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
        with pytest.raises(PermissionDenied):
            entry_rules.set_pinned(draft, contributor)
        pinned.refresh_from_db()
        assert pinned.is_pinned

    def test_editor_publishes_a_contributors_draft(self, feed):
        contributor = factories.make_user(groups=[factories.feed_group(feed, publish=False)])
        editor = factories.make_user(groups=[factories.feed_group(feed, publish=True)])
        draft = factories.make_entry(feed, contributor, status=LiveEntry.Status.DRAFT)
        entry_rules.publish_entry(draft, editor)
        assert draft.is_published

    def test_permission_on_one_feed_gives_none_on_another(self, news_index, feed):
        other = factories.make_feed(news_index)
        editor = factories.make_user(groups=[factories.feed_group(feed, publish=True)])
        assert entry_rules.can_publish_feed(editor, feed)
        assert not entry_rules.can_edit_feed(editor, other)


class TestCursor:
    def test_round_trip(self, feed):
        assert delta.decode_cursor(feed, delta.encode_cursor(feed, 42)) == 42

    @pytest.mark.parametrize("token", ["", "garbage", "MTIz", "!!!", "a" * 500])
    def test_garbage_is_rejected(self, feed, token):
        with pytest.raises(delta.InvalidCursor):
            delta.decode_cursor(feed, token)

    def test_a_cursor_of_another_feed_is_rejected(self, news_index, feed):
        other = factories.make_feed(news_index)
        with pytest.raises(delta.InvalidCursor):
            delta.decode_cursor(other, delta.encode_cursor(feed, 3))
