"""System checks for the ``WAGTAIL_NEWSFEED`` setting, the apps the newsroom needs, and settings
that turn a Redis or database blink into errors for readers."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections

from .conf import DEFAULTS, SETTING_NAME, settings

REQUIRED_APPS = [
    "wagtail",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.embeds",
    "wagtail.contrib.table_block",
    "wagtail_modeladmin",
    "rest_framework",
    "modelcluster",
    "taggit",
]

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
]
NON_NEGATIVE_INTS = ["API_CACHE_MAX_AGE", "API_LIVE_CACHE_MAX_AGE"]


@register(Tags.compatibility)
def check_required_apps(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"wagtail-newsfeed needs {name!r} in INSTALLED_APPS.",
            id="wagtail_newsfeed.E001",
        )
        for name in REQUIRED_APPS
        if not apps.is_installed(name)
    ]


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


def _is_throttle_rate(rate: Any) -> bool:
    if not isinstance(rate, str) or "/" not in rate:
        return False
    count, period = rate.split("/", 1)
    return count.isdigit() and period[:1] in ("s", "m", "h", "d")


PLAIN_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
RESILIENT_REDIS_CACHE = "wagtail_newsfeed.cache_backends.ResilientRedisCache"


@register(Tags.caches)
def check_cache_backend(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Django's RedisCache raises when Redis is unreachable: every request that reads the cache
    fails with it."""
    backend = getattr(django_settings, "CACHES", {}).get("default", {}).get("BACKEND")
    if backend != PLAIN_REDIS_CACHE:
        return []
    return [
        Warning(
            "The default cache is Django's RedisCache: while Redis is unreachable, pages, API "
            "reads, delta polls and writes answer 500.",
            hint=f"Use {RESILIENT_REDIS_CACHE!r}, which answers from the database instead "
            "(see the deployment guide).",
            id="wagtail_newsfeed.W001",
        )
    ]


@register(Tags.compatibility)
def check_persistent_connections(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    return unchecked_persistent_connections(connections.settings)


def unchecked_persistent_connections(databases: dict[str, dict[str, Any]]) -> list[Warning]:
    """A persistent connection outlives a database restart; unchecked, the first request to
    use it afterwards fails."""
    warnings = []
    for alias, database in databases.items():
        max_age = database.get("CONN_MAX_AGE", 0)
        if (
            (max_age is None or max_age > 0)
            and not database.get("CONN_HEALTH_CHECKS")
            and database.get("ENGINE") != "django.db.backends.sqlite3"  # no server to restart
        ):
            warnings.append(
                Warning(
                    f"DATABASES[{alias!r}] keeps connections open (CONN_MAX_AGE) without "
                    "CONN_HEALTH_CHECKS: after a database restart, the first request on each "
                    "of them answers 500.",
                    hint=f"Set DATABASES[{alias!r}]['CONN_HEALTH_CHECKS'] = True "
                    "(dj-database-url: conn_health_checks=True).",
                    id="wagtail_newsfeed.W002",
                )
            )
    return warnings
