"""Times people type without an offset, read in the site's time zone, where one hour a year
happens twice (the clocks go back over it) and one hour not at all (they skip it). Both doors
that take a display time, the console and the API, refuse such a time with the same message
rather than pick one reading silently; and a time written in other digits than 0-9, which
Python would read as numbers all the same (``other_digits``).

Every time people give (an entry's display time, an article's publication and update times and
corrections, a feed's coverage) falls in one range (``out_of_range``), and a stored time is
shown in the site's time zone only where that zone's calendar reaches it (``in_local_time``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

#: The range a time people give must fall in: earlier or later is a typo, and near the ends of
#: Python's calendar a conversion to a time zone overflows (a page's revision, a reader page).
EARLIEST_TIME = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_TIME_AHEAD = timedelta(days=366)
#: How far ahead of the server's clock a time still counts as now (a writer's clock skew).
CLOCK_SKEW = timedelta(seconds=60)


def out_of_range(value: datetime | None) -> str | None:
    """Why ``value`` is no time to store (before 1900, or more than a year from now), or
    ``None``."""
    if value is None:
        return None
    if EARLIEST_TIME <= _aware(value) <= _aware(timezone.now()) + LATEST_TIME_AHEAD:
        return None
    return _("Give a time after 1900 and at most a year from now.")


def is_ahead(value: datetime | None) -> bool:
    """Whether ``value`` is later than now (beyond a writer's clock skew)."""
    return value is not None and _aware(value) > _aware(timezone.now()) + CLOCK_SKEW


def _aware(value: datetime) -> datetime:
    # A site without USE_TZ stores naive times in its own zone.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def in_local_time(value: datetime) -> datetime:
    """``value`` in the current time zone, or in UTC where that zone's time is outside Python's
    calendar (9999-12-31T23:30Z is year 10000 in Berlin, 0001-01-01T00:00Z before year 1 in New
    York): a time stored before ``out_of_range`` was enforced must not break a page."""
    try:
        return timezone.localtime(value)
    except OverflowError:
        return value.astimezone(UTC)


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
