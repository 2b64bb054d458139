"""System checks for the ``WAGTAIL_NEWSFEED`` setting: unknown keys and values the code would
fail on later (a number out of range, a throttle rate DRF cannot read, a preview URL that would
only show as a broken frame in the editor), reported at start-up instead."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from django.core.checks import Error, Tags, register

from ..conf import DEFAULTS, NUMBER_LIMITS, SETTING_NAME, settings

POSITIVE_INTS = [
    "ARTICLES_PER_PAGE",
    "ENTRIES_PER_PAGE",
    "KEY_EVENTS_LIMIT",
    "POLL_INTERVAL",
    "POLL_MAX_INTERVAL",
    "API_PAGE_SIZE",
    "API_MAX_PAGE_SIZE",
    "API_DELTA_PAGE_SIZE",
    "API_SEARCH_MAX_RESULTS",
    "FEED_ITEMS",
    "NEWS_SITEMAP_MAX_AGE_DAYS",
    "ENTRY_BODY_MAX_BYTES",
    "ARTICLE_BODY_MAX_BYTES",
    "BODY_MAX_BLOCKS",
    "BODY_MAX_DEPTH",
    "TABLE_MAX_CELLS",
    "ENTRY_MAX_AUTHORS",
    "HEADLESS_PREVIEW_TOKEN_MAX_AGE",
    "WEBHOOK_MAX_ATTEMPTS",
]
#: An old webhook secret that signs for longer is no longer being replaced.
MAX_SECRET_OVERLAP_HOURS = 24 * 365
#: Beyond this many attempts a delivery's back-off runs to years (30 s × 2²⁹ at the 30th).
MAX_WEBHOOK_ATTEMPTS = 30
NON_NEGATIVE_INTS = [
    "API_CACHE_MAX_AGE",
    "API_LIVE_CACHE_MAX_AGE",
    "WEBHOOK_SECRET_OVERLAP_HOURS",
    "WEBHOOK_MAX_RESPONSE_BYTES",
]
#: Settings read as ``float``: an int or a float, finite. A timeout of 0 fails every attempt
#: without trying, a retry delay of 0 makes every retry in the request that failed, and a log
#: kept 0 days forgets what coalescing and back-off go by.
POSITIVE_NUMBERS = ["WEBHOOK_TIMEOUT", "WEBHOOK_RETRY_DELAY", "WEBHOOK_LOG_DAYS"]
NON_NEGATIVE_NUMBERS = ["WEBHOOK_COALESCE_SECONDS"]
#: Numeric settings with a ceiling, and what it means (beyond those of ``NUMBER_LIMITS`` a date
#: overflows: the code never uses more).
UPPER_BOUNDS = {
    "WEBHOOK_SECRET_OVERLAP_HOURS": (MAX_SECRET_OVERLAP_HOURS, " (a year)"),
    "WEBHOOK_MAX_ATTEMPTS": (MAX_WEBHOOK_ATTEMPTS, ""),
    "WEBHOOK_TIMEOUT": (NUMBER_LIMITS["WEBHOOK_TIMEOUT"], " (five minutes)"),
    "WEBHOOK_RETRY_DELAY": (NUMBER_LIMITS["WEBHOOK_RETRY_DELAY"], " (a day)"),
    "WEBHOOK_LOG_DAYS": (NUMBER_LIMITS["WEBHOOK_LOG_DAYS"], " (a hundred years)"),
    "WEBHOOK_COALESCE_SECONDS": (NUMBER_LIMITS["WEBHOOK_COALESCE_SECONDS"], " (a day)"),
}


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    user = settings.user_settings
    for key in user:
        if key not in DEFAULTS:
            errors.append(
                Error(
                    f"{SETTING_NAME} has an unknown key {key!r}.",
                    hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                    id="wagtail_newsfeed.E002",
                )
            )
    for key in POSITIVE_INTS + NON_NEGATIVE_INTS:
        value = getattr(settings, key)
        minimum = 1 if key in POSITIVE_INTS else 0
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            errors.append(
                Error(
                    f"{SETTING_NAME}[{key!r}] must be an integer >= {minimum}, not {value!r}.",
                    id="wagtail_newsfeed.E003",
                )
            )
    for key in POSITIVE_NUMBERS + NON_NEGATIVE_NUMBERS:
        value = getattr(settings, key)
        positive = key in POSITIVE_NUMBERS
        if not _is_number(value) or value < 0 or (positive and value == 0):
            errors.append(
                Error(
                    f"{SETTING_NAME}[{key!r}] must be a number {'>' if positive else '>='} 0, "
                    f"not {value!r}.",
                    id="wagtail_newsfeed.E003",
                )
            )
    for key, (most, meaning) in UPPER_BOUNDS.items():
        value = getattr(settings, key)
        if _is_number(value) and value > most:
            errors.append(
                Error(
                    f"{SETTING_NAME}[{key!r}] must be at most {most}{meaning}, not {value!r}.",
                    id="wagtail_newsfeed.E003",
                )
            )
    if settings.API_PAGE_SIZE > settings.API_MAX_PAGE_SIZE:
        errors.append(
            Error(
                f"{SETTING_NAME}['API_PAGE_SIZE'] is larger than 'API_MAX_PAGE_SIZE'.",
                id="wagtail_newsfeed.E004",
            )
        )
    renditions = settings.API_RENDITIONS
    if not isinstance(renditions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in renditions.items()
    ):
        errors.append(
            Error(
                f"{SETTING_NAME}['API_RENDITIONS'] must map names to Wagtail filter specs, "
                "e.g. {'medium': 'width-800'}.",
                id="wagtail_newsfeed.E005",
            )
        )
    rate = settings.API_WRITE_THROTTLE_RATE
    if rate is not None and not _is_throttle_rate(rate):
        errors.append(
            Error(
                f"{SETTING_NAME}['API_WRITE_THROTTLE_RATE'] must be None or like '120/min', "
                f"not {rate!r}.",
                id="wagtail_newsfeed.E006",
            )
        )
    specs = settings.SEO_IMAGE_RENDITIONS
    if (
        not isinstance(specs, list | tuple)
        or not specs
        or not all(isinstance(s, str) for s in specs)
    ):
        errors.append(
            Error(
                f"{SETTING_NAME}['SEO_IMAGE_RENDITIONS'] must be a non-empty list of Wagtail "
                "filter specs, e.g. ['fill-1200x675'].",
                id="wagtail_newsfeed.E007",
            )
        )
    if settings.SHARED_CACHE not in (None, True, False):
        errors.append(
            Error(
                f"{SETTING_NAME}['SHARED_CACHE'] must be None (decided from the cache backend), "
                f"True or False, not {settings.SHARED_CACHE!r}.",
                id="wagtail_newsfeed.E008",
            )
        )
    return errors


@register(Tags.compatibility)
def check_headless_preview_url(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A bad preview URL would only show up as a broken frame in the editor's preview panel."""
    configured = settings.HEADLESS_PREVIEW_URL
    if configured is None or configured == "":
        return []
    if isinstance(configured, dict):
        bad = [v for v in configured.values() if not _is_preview_url(v)]
    else:
        bad = [] if _is_preview_url(configured) else [configured]
    return [
        Error(
            f"{SETTING_NAME}['HEADLESS_PREVIEW_URL'] must be an http(s) URL or a path starting "
            f"with '/', or a dict of them keyed by site hostname or id; {value!r} is not.",
            hint="e.g. 'https://www.example.com/api/preview' or {'default': '/preview/'}.",
            id="wagtail_newsfeed.E010",
        )
        for value in bad
    ]


def _is_preview_url(value: Any) -> bool:
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    return value.startswith("/") and not value.startswith("//")


def _is_number(value: Any) -> bool:
    """An int or a float (not a bool), finite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_throttle_rate(rate: Any) -> bool:
    if not isinstance(rate, str) or "/" not in rate:
        return False
    count, period = rate.split("/", 1)
    return count.isdigit() and period[:1] in ("s", "m", "h", "d")
