"""The article list's date filters (``published_after``, ``published_before``) read times as the
write doors do (``local_time``): digits 0-9 only, a local time that happens twice or not at all
refused with the same explanation, and a time outside Python's calendar in UTC a 400 that names
the range rather than the format. The site's time zone in the tests is America/New_York."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests import factories
from tests.checks import assert_problem

pytestmark = pytest.mark.django_db

LIST = "/api/newsfeed/v1/articles/"
RANGE = "between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z"


@pytest.fixture
def api(news_index):
    factories.make_article(news_index, "Story", published_at=datetime(2026, 6, 1, 12, tzinfo=UTC))
    return APIClient()


def refusal(api, name: str, value: str) -> str:
    """The one error on ``name``, of a 400 problem naming it."""
    body = assert_problem(api.get(LIST, {name: value}), 400, name)
    (message,) = body["errors"][name]
    return message


@pytest.mark.parametrize("name", ["published_after", "published_before"])
@pytest.mark.parametrize(
    "value",
    [
        "\u0662\u0660\u0662\u0666-06-01",  # Arabic-Indic digits: read as 2026 by Django
        "2026-06-01T10:00:00+\u0660\u0662:00",
        "\uff12\uff10\uff12\uff16-06-01T10:00:00Z",  # fullwidth
    ],
)
def test_a_time_in_other_digits_is_refused(api, name, value):
    assert "digits 0 to 9" in refusal(api, name, value)


@pytest.mark.parametrize(
    "value, why",
    [
        ("2026-03-08T02:30:00", "does not exist in America/New_York"),
        ("2026-11-01T01:30:00", "happens twice in America/New_York"),
    ],
)
def test_a_local_time_that_names_no_single_moment_is_refused(api, value, why):
    assert why in refusal(api, "published_after", value)


def test_the_same_times_with_an_offset_are_read(api):
    response = api.get(LIST, {"published_after": "2026-11-01T01:30:00-05:00"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "zone, value",
    [
        ("Europe/Berlin", "0001-01-01"),  # before year 1 in UTC
        ("America/New_York", "0001-01-01T00:00:00+05:00"),
        ("America/New_York", "9999-12-31T23:59:59-01:00"),  # year 10000 in UTC
        ("America/New_York", "9999-12-31T23:00:00"),
    ],
)
def test_a_time_outside_the_calendar_in_utc_is_a_400_naming_the_range(api, zone, value):
    with override_settings(TIME_ZONE=zone):
        assert RANGE in refusal(api, "published_before", value)


@pytest.mark.parametrize(
    "value, found",
    [("0001-01-01", 1), ("9999-12-31T23:59:59Z", 0), ("9999-12-31", 0)],
)
def test_the_ends_of_the_range_are_answered(api, value, found):
    response = api.get(LIST, {"published_after": value})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == found


def test_a_malformed_time_still_names_the_format(api):
    assert "ISO 8601" in refusal(api, "published_after", "2026-13-45")
