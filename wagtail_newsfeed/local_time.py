"""Times people type without an offset, read in the site's time zone, where one hour a year
happens twice (the clocks go back over it) and one hour not at all (they skip it). Both doors
that take a display time, the console and the API, refuse such a time with the same message
rather than pick one reading silently; and a time written in other digits than 0-9, which
Python would read as numbers all the same (``other_digits``)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


def unreadable_local_time(naive: datetime) -> str | None:
    """Why ``naive`` names no single moment in the current time zone, or ``None`` if it does."""
    zone = timezone.get_current_timezone()
    readings = [naive.replace(tzinfo=zone, fold=fold) for fold in (0, 1)]
    if readings[0].utcoffset() == readings[1].utcoffset():
        return None
    params = {
        "time": naive.strftime("%Y-%m-%d %H:%M"),
        "zone": timezone.get_current_timezone_name(),
    }
    if all(_round_trips(reading, zone, naive) for reading in readings):
        return _(
            "%(time)s happens twice in %(zone)s, as the clocks go back: add the offset of the one "
            "you mean, e.g. %(first)s or %(second)s."
        ) % {
            **params,
            "first": readings[0].isoformat(sep=" ", timespec="minutes"),
            "second": readings[1].isoformat(sep=" ", timespec="minutes"),
        }
    return _("%(time)s does not exist in %(zone)s: the clocks go forward over it.") % params


def _round_trips(reading: datetime, zone: tzinfo, naive: datetime) -> bool:
    return reading.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def other_digits(value: Any) -> str | None:
    """Why ``value`` is no time to read, if it holds a digit other than 0-9, or ``None``.

    Django's date parsing matches any Unicode digit and ``int()`` reads it, so "٢٠٢٦" would be
    the year 2026: the app's one number rule (``converters.parse_count``) takes ASCII digits
    only, at every door."""
    if isinstance(value, str) and any(char.isdigit() and not char.isascii() for char in value):
        return _("Write the time with the digits 0 to 9.")
    return None
