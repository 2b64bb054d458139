"""A display time is written in the digits 0-9 at both doors, the console and the API: Python
reads other scripts' digits as numbers (Django's date parsing too), so "٢٠٢٦" would be 2026
silently, against the app's one number rule (``converters.parse_count``)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.checks import api_client_for, nothing_saved
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

MESSAGE = "with the digits 0 to 9"

OTHER_DIGITS = {
    "arabic-indic year": "\u0662\u0660\u0662\u0666-06-30T10:00:00Z",
    "fullwidth month": "2026-\uff10\uff16-30T10:00:00Z",
    "devanagari minute": "2026-06-30T10:\u0966\u0966:00Z",
    "bengali offset": "2026-06-30T10:00:00+\u09e6\u09e8:00",
}
CONSOLE_DIGITS = {
    "arabic-indic year": "\u0662\u0660\u0662\u0666-01-01 10:00",
    "fullwidth hour": "2026-01-01 \uff11\uff10:00",
    "iso with thai seconds": "2026-01-01T10:00:\u0e51\u0e50",
}


@pytest.mark.parametrize("sent", OTHER_DIGITS.values(), ids=OTHER_DIGITS.keys())
def test_the_api_refuses_a_display_time_in_other_digits(feed, superuser, sent):
    entries = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    body = [{"type": "paragraph", "value": "<p>Body</p>"}]
    with nothing_saved():
        response = api_client_for(superuser).post(
            entries, {"body": body, "display_time": sent}, "json"
        )
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert MESSAGE in str(response.json()["errors"]["display_time"])


def console_post(feed, display_time: str) -> dict:
    data = nested_form_data(
        {
            "headline": "",
            "body": streamfield([("paragraph", rich_text("<p>Keep this</p>"))]),
            "display_time": display_time,
        }
    )
    data["action"] = "publish"
    return data


@pytest.mark.parametrize("sent", CONSOLE_DIGITS.values(), ids=CONSOLE_DIGITS.keys())
def test_the_console_refuses_a_display_time_in_other_digits(admin_client, feed, sent):
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    with nothing_saved():
        response = admin_client.post(console, console_post(feed, sent))
    assert response.status_code == 200
    (message,) = response.context["form"].errors["display_time"]
    assert MESSAGE in message
    assert "Keep this" in response.content.decode()


def test_the_same_time_in_ascii_digits_is_taken_at_both_doors(admin_client, feed, superuser):
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    assert admin_client.post(console, console_post(feed, "2026-01-01 10:00")).status_code == 302
    entries = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    body = [{"type": "paragraph", "value": "<p>Body</p>"}]
    sent = {"body": body, "display_time": "2026-01-01T15:00:00Z"}
    assert api_client_for(superuser).post(entries, sent, "json").status_code == 201
    first, second = LiveEntry.objects.order_by("pk")
    assert first.display_time == second.display_time


NOT_TIMES = {
    "digits without end": "2026-01-01 " + "1" * 100_000,
    "ten digits for a time": "2026-01-01 1111111111",
    "seven fraction digits": "2026-01-01T10:00:00.1234567",
    "basic format": "20260101T100000",
}
TIMES = {
    "the picker's format": ("2026-01-01 10:00", "2026-01-01 10:00:00"),
    "iso with seconds": ("2026-01-01T10:00:30", "2026-01-01 10:00:30"),
    "iso with microseconds": ("2026-01-01T10:00:30.123456", "2026-01-01 10:00:30.123456"),
    "iso with an offset": ("2026-01-01T11:00:00+02:00", "2026-01-01 04:00:00"),  # New York,
}


@pytest.mark.parametrize("sent", NOT_TIMES.values(), ids=NOT_TIMES.keys())
def test_the_console_refuses_a_display_time_that_is_no_sane_date_and_time(admin_client, feed, sent):
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    with nothing_saved():
        response = admin_client.post(console, console_post(feed, sent))
    assert response.status_code == 200
    assert response.context["form"].errors["display_time"] == ["Enter a valid date/time."]


@pytest.mark.parametrize(("sent", "local"), TIMES.values(), ids=TIMES.keys())
def test_the_console_takes_the_pickers_format_and_iso_8601(admin_client, feed, sent, local):
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    assert admin_client.post(console, console_post(feed, sent)).status_code == 302
    stored = timezone.localtime(LiveEntry.objects.get().display_time)
    assert str(stored.replace(tzinfo=None)) == local
