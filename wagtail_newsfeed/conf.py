"""The one place wagtail-newsfeed reads its settings.

Sites configure the app with a single ``WAGTAIL_NEWSFEED`` dict; anything they leave out falls back
to ``DEFAULTS``. Values are read lazily (never at import time) and the cache is dropped when
Django's ``setting_changed`` fires, so ``override_settings`` works in tests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.signals import setting_changed

SETTING_NAME = "WAGTAIL_NEWSFEED"

DEFAULTS: dict[str, Any] = {
    # Reader pages
    "ARTICLES_PER_PAGE": 12,
    "ENTRIES_PER_PAGE": 20,
    "KEY_EVENTS_LIMIT": 10,
    # HTTP caching of reader pages by browsers, Varnish or a CDN (anonymous readers only), and
    # how long rendered pieces of them are kept in Django's cache (see fragments.py).
    "PAGE_CACHE_MAX_AGE": 60,
    "LIVE_PAGE_CACHE_MAX_AGE": 5,
    "FRAGMENT_CACHE_TIMEOUT": 3600,
    # Live updates: seconds between polls of the delta endpoint by live.js
    "POLL_INTERVAL": 5,
    "POLL_MAX_INTERVAL": 60,
    # Headless API
    "API_PAGE_SIZE": 20,
    "API_MAX_PAGE_SIZE": 100,
    "API_DELTA_PAGE_SIZE": 100,
    "API_CACHE_MAX_AGE": 60,
    "API_LIVE_CACHE_MAX_AGE": 2,
    "API_WRITE_THROTTLE_RATE": "120/min",
    # Whether every process shares Django's cache: None guesses from the backend (Redis,
    # Memcached and the database cache are shared; local memory, files and dummy are not).
    "SHARED_CACHE": None,
    "API_SEARCH_MAX_RESULTS": 1000,
    "API_RENDITIONS": {
        "thumbnail": "fill-400x225",
        "medium": "width-800",
        "large": "width-1600",
    },
    # Writing: caps on what one write may hold (see docs/security.md)
    "ENTRY_BODY_MAX_BYTES": 64_000,
    "ARTICLE_BODY_MAX_BYTES": 512_000,
    "BODY_MAX_BLOCKS": 500,
    "BODY_MAX_DEPTH": 12,
    "TABLE_MAX_CELLS": 2_500,
    "ENTRY_MAX_AUTHORS": 10,
    # Syndication and SEO
    "PUBLISHER_NAME": "",
    "PUBLISHER_LOGO_URL": "",
    "FEED_ITEMS": 30,
    # Lead-image renditions for JSON-LD (16:9, 4:3, 1:1 as Google asks); the first is the
    # RSS/Atom enclosure.
    "SEO_IMAGE_RENDITIONS": ["fill-1200x675", "fill-1200x900", "fill-1200x1200"],
    "NEWS_SITEMAP_MAX_AGE_DAYS": 2,
    # Webhooks (see docs/webhooks.md): per-attempt timeout (seconds), response body cap, attempts
    # per delivery and the first retry's delay (doubled each time), days the delivery log is
    # kept, the window that coalesces a feed's entry changes, and the non-public networks (CIDR
    # strings) a target may still resolve to.
    "WEBHOOK_TIMEOUT": 5,
    "WEBHOOK_MAX_RESPONSE_BYTES": 65_536,
    "WEBHOOK_MAX_ATTEMPTS": 8,
    "WEBHOOK_RETRY_DELAY": 30,
    "WEBHOOK_LOG_DAYS": 14,
    "WEBHOOK_COALESCE_SECONDS": 5,
    "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": [],
    # Hours an endpoint's old secret keeps signing beside a new one (0: it stops at once).
    "WEBHOOK_SECRET_OVERLAP_HOURS": 24,
    # Headless preview (see docs/headless.md): the frontend's preview URL (one URL, or a dict
    # keyed by Wagtail site hostname or id, with "default"), and how long its tokens and their
    # snapshots (database rows) last, in seconds.
    "HEADLESS_PREVIEW_URL": None,
    "HEADLESS_PREVIEW_TOKEN_MAX_AGE": 600,
}


class NewsfeedSettings:
    """Attribute access to ``WAGTAIL_NEWSFEED`` merged over ``DEFAULTS``."""

    def __init__(self, defaults: dict[str, Any] | None = None) -> None:
        self.defaults = defaults or DEFAULTS
        self._cached: dict[str, Any] | None = None

    @property
    def user_settings(self) -> dict[str, Any]:
        if self._cached is None:
            self._cached = dict(getattr(django_settings, SETTING_NAME, None) or {})
        return self._cached

    def __getattr__(self, name: str) -> Any:
        if name not in self.defaults:
            raise AttributeError(f"Invalid wagtail-newsfeed setting: {name!r}")
        return self.user_settings.get(name, self.defaults[name])

    def reload(self) -> None:
        self._cached = None


settings = NewsfeedSettings()

#: The most the code uses of these settings, whatever is set (``manage.py check`` refuses more):
#: beyond them a date overflows, and every publish with an active webhook endpoint would fail.
NUMBER_LIMITS: dict[str, float] = {
    "WEBHOOK_TIMEOUT": 300,  # seconds: five minutes
    "WEBHOOK_RETRY_DELAY": 86_400,  # seconds: a day
    "WEBHOOK_LOG_DAYS": 36_500,  # days: a hundred years
    "WEBHOOK_COALESCE_SECONDS": 86_400,  # a day
}


def bounded(name: str) -> float:
    """The setting ``name`` as a float no larger than its ``NUMBER_LIMITS`` entry (nor below 0)."""
    value = float(getattr(settings, name))
    limit = NUMBER_LIMITS[name]
    return max(value, 0.0) if value <= limit else limit  # NaN and infinity: the limit


def reload_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING_NAME:
        settings.reload()


setting_changed.connect(reload_settings)
