"""``If-Match`` on the live-entry writes: a stale version is a 409 on PATCH and DELETE alike,
checked on the row locked for the write, and ``*`` asks only that the entry exists."""

from __future__ import annotations

import pytest

from tests import factories
from tests.checks import api_client_for, assert_problem, entry_url, nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(editor):
    return api_client_for(editor)


def test_deleting_with_a_stale_version_is_a_409_and_deletes_nothing(writer, feed, editor):
    entry = factories.make_entry(feed, editor)
    stale = entry.version
    assert writer.patch(entry_url(feed, entry.pk), {"headline": "a"}, "json").status_code == 200
    with nothing_saved():
        response = writer.delete(entry_url(feed, entry.pk), HTTP_IF_MATCH=str(stale))
    assert_problem(response, 409, "changed")
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None


@pytest.mark.parametrize("quoted", [False, True])
def test_deleting_with_the_current_version_deletes(writer, feed, editor, quoted):
    entry = factories.make_entry(feed, editor)
    version = f'"{entry.version}"' if quoted else str(entry.version)
    response = writer.delete(entry_url(feed, entry.pk), HTTP_IF_MATCH=version)
    assert response.status_code == 204, response.content
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is not None


def test_deleting_with_an_if_match_that_is_no_version_is_a_400(writer, feed, editor):
    entry = factories.make_entry(feed, editor)
    with nothing_saved():
        response = writer.delete(entry_url(feed, entry.pk), HTTP_IF_MATCH="abc")
    assert_problem(response, 400, "If-Match")


def test_delete_entry_checks_the_expected_version_on_the_locked_row(feed, superuser):
    entry = factories.make_entry(feed, superuser)
    stale = entry.version
    entry_rules.update_entry(
        LiveEntry.objects.get(pk=entry.pk), superuser, headline="A colleague's edit"
    )
    with nothing_saved(), pytest.raises(entry_rules.EntryConflict):
        entry_rules.delete_entry(entry, superuser, expected_version=stale)
    entry_rules.delete_entry(entry, superuser, expected_version=stale + 1)
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is not None


@pytest.mark.parametrize("star", ["*", " * "])
def test_if_match_star_patches_whatever_the_version(writer, feed, editor, star):
    entry = factories.make_entry(feed, editor)
    entry_rules.update_entry(entry, editor, headline="Newer")
    response = writer.patch(
        entry_url(feed, entry.pk), {"headline": "Newest"}, "json", HTTP_IF_MATCH=star
    )
    assert response.status_code == 200, response.content
    assert LiveEntry.objects.get(pk=entry.pk).headline == "Newest"


def test_if_match_star_deletes_whatever_the_version(writer, feed, editor):
    entry = factories.make_entry(feed, editor)
    entry_rules.update_entry(entry, editor, headline="Newer")
    response = writer.delete(entry_url(feed, entry.pk), HTTP_IF_MATCH="*")
    assert response.status_code == 204, response.content
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is not None


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_if_match_star_on_a_deleted_entry_is_a_404(writer, feed, editor, method):
    entry = factories.make_entry(feed, editor)
    entry_rules.delete_entry(entry, editor)
    send = getattr(writer, method)
    with nothing_saved():
        if method == "patch":
            response = send(entry_url(feed, entry.pk), {"headline": "x"}, "json", HTTP_IF_MATCH="*")
        else:
            response = send(entry_url(feed, entry.pk), HTTP_IF_MATCH="*")
    assert_problem(response, 404)


def test_an_entry_deleted_between_lookup_and_lock_is_a_404_for_an_edit(
    writer, feed, editor, superuser, monkeypatch
):
    """A colleague deletes the entry after the view found it and before the rules lock it (a
    DELETE then is a 204: deleting a deleted entry changes nothing)."""
    from wagtail_newsfeed.api.feeds import FeedEntryDetail

    entry = factories.make_entry(feed, editor)
    found = FeedEntryDetail._editable_entry

    def found_then_deleted(view, *args):
        loaded = found(view, *args)
        entry_rules.delete_entry(LiveEntry.objects.get(pk=loaded.pk), superuser)
        return loaded

    monkeypatch.setattr(FeedEntryDetail, "_editable_entry", found_then_deleted)
    response = writer.patch(entry_url(feed, entry.pk), {"headline": "Late"}, "json")
    assert_problem(response, 404)
    assert LiveEntry.objects.get(pk=entry.pk).headline != "Late"


@pytest.mark.parametrize("method", ["patch", "delete"])
@pytest.mark.parametrize(
    "if_match", ['""', '"', '""""', '" "', '"{v}', '{v}"', '""{v}""', '"*"'], ids=repr
)
def test_an_if_match_that_is_neither_a_version_nor_star_is_a_400(
    writer, feed, editor, method, if_match
):
    """An empty quoted tag is no version (it is not "no check"), and an unbalanced quote is no
    tag: a 400 naming If-Match, the entry left as it was."""
    entry = factories.make_entry(feed, editor)
    value = if_match.format(v=entry.version)
    with nothing_saved():
        if method == "patch":
            response = writer.patch(
                entry_url(feed, entry.pk), {"headline": "x"}, "json", HTTP_IF_MATCH=value
            )
        else:
            response = writer.delete(entry_url(feed, entry.pk), HTTP_IF_MATCH=value)
    body = assert_problem(response, 400, "If-Match")
    assert list(body["errors"]) == ["If-Match"]
