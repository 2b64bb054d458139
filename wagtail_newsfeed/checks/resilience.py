"""System checks for settings that turn a Redis or database blink into errors for readers:
each names the setting that lets the site ride it out instead."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.checks import Tags, Warning, register
from django.db import connections

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
