"""The body of a live-entry write is a JSON object of the fields an entry takes: a field it does
not take (misspelt, or one the API only returns) and an empty body are 400s, never a write that
quietly leaves something out."""

from __future__ import annotations

import pytest

from tests import factories
from tests.checks import api_client_for, assert_problem, entries_url, entry_url, nothing_saved
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

BODY = [{"type": "paragraph", "value": "<p>Turnout is high.</p>"}]
WRITABLE = "headline, body, is_pinned, is_key_event, status, display_time, authors"


@pytest.fixture
def writer(editor):
    return api_client_for(editor)


@pytest.fixture
def entry(feed, editor):
    return factories.make_entry(feed, editor, headline="Polls close")


def assert_unknown(response, names: list[str]) -> dict:
    """A 400 naming exactly ``names``, each with the fields an entry does take."""
    problem = assert_problem(response, 400, names[0])
    assert sorted(problem["errors"]) == sorted(names), problem
    for name in names:
        assert WRITABLE in problem["errors"][name][0], problem
    return problem


@pytest.mark.parametrize(
    "data",
    [
        {"is_pinnned": True},
        {"headline": "Changed", "is_pinnned": True},  # not the valid half alone either
        {"feed": 999, "id": 1, "deleted": True, "created_at": "2026-06-01T09:30:00Z"},
    ],
)
def test_a_patch_with_a_field_an_entry_does_not_take_is_a_400_naming_it(writer, feed, entry, data):
    with nothing_saved():
        response = writer.patch(entry_url(feed, entry.pk), data, "json")
    assert_unknown(response, [name for name in data if name != "headline"])


def test_read_only_fields_sent_back_unchanged_are_refused_too(writer, feed, entry):
    shown = writer.get(entry_url(feed, entry.pk)).json()
    sent = {name: shown[name] for name in ("id", "version", "created_at", "url")}
    with nothing_saved():
        response = writer.patch(entry_url(feed, entry.pk), {**sent, "headline": "New"}, "json")
    assert_unknown(response, sorted(sent))


def test_a_post_with_a_field_an_entry_does_not_take_creates_nothing(writer, feed):
    with nothing_saved():
        response = writer.post(entries_url(feed), {"body": BODY, "pinned": True}, "json")
    assert_unknown(response, ["pinned"])
    assert not LiveEntry.objects.filter(feed=feed).exists()


def test_unknown_and_invalid_fields_are_named_in_one_answer(writer, feed, entry):
    data = {"headline": "x" * 300, "colour": "red"}
    with nothing_saved():
        response = writer.patch(entry_url(feed, entry.pk), data, "json")
    problem = assert_problem(response, 400, "colour")
    assert sorted(problem["errors"]) == ["colour", "headline"]


def test_a_body_of_many_made_up_fields_gets_a_short_answer(writer, feed, entry):
    data = {f"field{n:05d}": n for n in range(5000)}
    with nothing_saved():
        response = writer.patch(entry_url(feed, entry.pk), data, "json")
    problem = assert_problem(response, 400, "field00000")
    assert len(problem["errors"]) == 10
    assert len(response.content) < 5000


@pytest.mark.parametrize("method", ["post", "patch"])
def test_an_empty_body_is_a_400_asking_for_a_json_object(writer, feed, entry, method):
    url = entries_url(feed) if method == "post" else entry_url(feed, entry.pk)
    with nothing_saved():
        response = writer.generic(method.upper(), url, b"", content_type="application/json")
    assert_problem(response, 400, "a JSON object is required")


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize(
    "raw,kind",
    [
        (b"[]", "a list"),
        (b'[{"body": []}]', "a list"),
        (b"null", "null"),
        (b'"x"', "a string"),
        (b"1", "a number"),
        (b"1.5", "a number"),
        (b"true", "true or false"),
    ],
)
def test_a_body_that_is_json_but_no_object_is_a_400_asking_for_one(
    writer, feed, entry, method, raw, kind
):
    url = entries_url(feed) if method == "post" else entry_url(feed, entry.pk)
    with nothing_saved():
        response = writer.generic(method.upper(), url, raw, content_type="application/json")
    assert_problem(response, 400)
    assert response.json() == {
        "type": "urn:wagtail-newsfeed:problem:parse_error",
        "title": "Bad Request",
        "status": 400,
        "detail": f"A JSON object is required; the request body is {kind}.",
    }


def test_a_patch_of_an_empty_object_still_changes_nothing(writer, feed, entry):
    with nothing_saved():
        response = writer.patch(entry_url(feed, entry.pk), {}, "json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == entry.version


def test_an_unknown_field_with_a_huge_name_is_named_in_short(writer, feed, entry):
    with nothing_saved():
        response = writer.patch(entry_url(feed, entry.pk), {"x" * 100_000: 1}, "json")
    problem = assert_problem(response, 400)
    assert list(problem["errors"]) == ["x" * 100]
    assert len(response.content) < 2000
