"""A Redis cache that is an accelerator, never a dependency: ``ResilientRedisCache``.

Django's ``RedisCache`` raises when Redis is unreachable, after waiting up to five seconds a
command: 30 s of Redis down made a site answer 500 to nearly every page, poll and write. This
backend gives up after a short timeout and answers as a cache that holds nothing (reads return
the default, writes store nothing), and then leaves Redis alone for ``DOWN_PAUSE`` seconds, so
a down Redis costs requests almost nothing. It logs a warning when Redis goes and when it returns.

The hard part is being correct once Redis returns, with what it held from before:

- A *delete* it could not take is an invalidation that never happened. It is recorded in the
  database, in the transaction of the change that asked for it
  (``caching.record_missed_invalidation``), which moves the cache's *epoch* on. Every key carries
  the epoch (it is part of the key prefix), so once a process knows the new epoch, nothing Redis
  held before the change is ever read again, whatever process made the change and whether or not
  it is still alive. Each process reads the epoch from the database before it tries Redis again
  after a failure, and otherwise at most every ``EPOCH_CHECK_INTERVAL`` seconds (one indexed
  query a process per interval, and none at all between).
- A request that found Redis unreachable stores nothing in it until it ends (``close()``, which
  Django calls when a request finishes): what it computed meanwhile may predate a change whose
  invalidation was missed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger("wagtail_newsfeed.cache")

T = TypeVar("T")

#: Defaults for redis-py's connection options: a healthy Redis answers in well under a
#: millisecond, so waiting longer only makes a down or hung one expensive.
CONNECTION_DEFAULTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
#: Seconds without a word about Redis between two "still unreachable" warnings of a process.
WARNING_INTERVAL = 60.0


class _Skipped(Exception):
    """Redis is not to be used for this operation."""


def _server_name(location: str | list[str]) -> str:
    """The first server of a cache ``LOCATION`` (a URL, or several split by ``,``/``;`` or in a
    list, as Django reads it) as its host and port: a password in the URL stays out of logs."""
    first = (re.split("[;,]", location) if isinstance(location, str) else location)[0]
    parts = urlsplit(first.strip())
    host = parts.netloc.rpartition("@")[2]
    return host or parts.path  # a unix socket: its path


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades to a miss, never an error.

    ``OPTIONS`` takes redis-py's connection options as Django's backend does, with short
    timeouts by default, plus ``DOWN_PAUSE`` (seconds, default 2) and ``EPOCH_CHECK_INTERVAL``
    (seconds, default 1).
    """

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.down_pause = float(options.pop("DOWN_PAUSE", 2.0))
        self.epoch_check_interval = float(options.pop("EPOCH_CHECK_INTERVAL", 1.0))
        for name, value in CONNECTION_DEFAULTS.items():
            options.setdefault(name, value)
        if "retry" not in options:
            from redis.backoff import NoBackoff
            from redis.exceptions import ConnectionError as RedisConnectionError
            from redis.retry import Retry

            # One immediate retry on a fresh connection when a pooled one turns out dead
            # (Redis restarted); none on timeouts, which would only double a hang's cost.
            options["retry"] = Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
        super().__init__(server, {**params, "OPTIONS": options})
        self.server_name = _server_name(server)  # for log lines
        self._down_until = 0.0  # monotonic time before which Redis is not tried
        self._failing = False  # the last attempt failed; read the epoch before the next one
        self._epoch: int | None = None
        self._epoch_read_at = 0.0
        self._warned_at: float | None = None
        self._request_saw_failure = False

    # The epoch ---------------------------------------------------------------------------

    def make_key(self, key: str, version: int | None = None) -> str:
        prefix = f"e{self._epoch}"
        if self.key_prefix:
            prefix = f"{self.key_prefix}:{prefix}"
        return self.key_func(key, prefix, self.version if version is None else version)

    def _check_epoch(self, now: float) -> None:
        """Know the current epoch before using Redis; ``_Skipped`` when that cannot be known."""
        due = self._epoch_read_at + self.epoch_check_interval
        if not (self._failing or self._epoch is None or now >= due):
            return
        epoch = _read_epoch()
        if epoch is None:
            if self._failing or self._epoch is None:
                raise _Skipped  # no epoch to trust (the database is unreachable too)
            self._epoch_read_at = now  # keep the last one known; ask again next interval
            return
        self._epoch, self._epoch_read_at = epoch, now

    # Attempts ----------------------------------------------------------------------------

    def _attempt(self, operation: Callable[[], T], fallback: T, *, invalidates: bool = False) -> T:
        now = time.monotonic()
        try:
            if self._request_saw_failure or now < self._down_until:
                raise _Skipped
            self._check_epoch(now)
            result = operation()
        except _Skipped:
            pass
        except Exception as error:
            if not _is_redis_error(error):
                raise
            self._failed(error, now)
        else:
            self._succeeded()
            return result
        if invalidates:
            _record_missed_invalidation()
        return fallback

    def _failed(self, error: Exception, now: float) -> None:
        self._request_saw_failure = True
        self._down_until = time.monotonic() + self.down_pause
        if self._warned_at is None or now - self._warned_at >= WARNING_INTERVAL:
            self._log_failure(error)
            self._warned_at = now
        self._failing = True

    def _log_failure(self, error: Exception) -> None:
        args = (self.server_name, type(error).__name__, error, self.down_pause)
        if _is_configuration_error(error):  # a mistake to fix, not an outage that will pass
            logger.error(
                "Redis cache %s refuses this site's settings (%s: %s): check the cache's "
                "LOCATION and OPTIONS (the database number, the user and the password). "
                "Answering without it, trying again in %.1f s.",
                *args,
            )
        else:
            logger.warning(
                "Redis cache %s is unreachable (%s: %s); answering without it, trying again "
                "in %.1f s.",
                *args,
            )

    def _succeeded(self) -> None:
        if self._failing:
            logger.warning("Redis cache %s is reachable again.", self.server_name)
            self._failing = False
            self._warned_at = None

    def close(self, **kwargs: Any) -> None:
        """End of a request (Django calls this from ``request_finished``)."""
        self._request_saw_failure = False
        super().close(**kwargs)

    # The cache API -----------------------------------------------------------------------
    # Each method runs Django's own through ``_attempt``, with what a cache holding nothing
    # would answer as the fallback.

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        base = super()
        return self._attempt(lambda: base.add(key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        base = super()
        return self._attempt(lambda: base.get(key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        base = super()
        self._attempt(lambda: base.set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        base = super()
        return self._attempt(lambda: base.touch(key, timeout, version), False)

    def delete(self, key: Any, version: Any = None) -> bool:
        base = super()
        return self._attempt(lambda: base.delete(key, version), False, invalidates=True)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        base = super()
        return self._attempt(lambda: base.get_many(keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        base = super()
        return self._attempt(lambda: base.has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        base = super()
        result = self._attempt(lambda: base.incr(key, delta, version), None)
        if result is None:  # as Django answers for a key the cache does not hold
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        base = super()
        return self._attempt(lambda: base.set_many(data, timeout, version), list(data))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        keys = list(keys)
        if keys:
            base = super()
            self._attempt(lambda: base.delete_many(keys, version), None, invalidates=True)

    def clear(self) -> bool:
        base = super()
        return self._attempt(base.clear, False, invalidates=True)


def _is_redis_error(error: Exception) -> bool:
    from redis.exceptions import RedisError

    return isinstance(error, RedisError)


def _is_configuration_error(error: Exception) -> bool:
    """Redis answered, and refused what the settings ask of it when a connection is set up: a
    database number it does not have (``SELECT``), a wrong or missing user or password
    (``AUTH``), a command the user may not run. Not an outage: it will not pass by itself."""
    from redis import exceptions

    refused = (
        exceptions.AuthenticationError,
        exceptions.AuthenticationWrongNumberOfArgsError,
        exceptions.AuthorizationError,
        exceptions.NoPermissionError,
    )
    if isinstance(error, refused):
        return True
    text = str(error)
    if isinstance(error, exceptions.ResponseError):  # what SELECT answers
        return "DB index is out of range" in text or "invalid DB index" in text
    return isinstance(error, exceptions.ConnectionError) and text == "Invalid Database"


def _read_epoch() -> int | None:
    """The epoch from the database; ``None`` if it cannot be read (database down, tables not
    migrated yet, apps not loaded). Inside a transaction a savepoint keeps a failure from
    breaking it."""
    from . import caching

    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return caching.shared_cache_epoch()
        return caching.shared_cache_epoch()
    except (DatabaseError, AppRegistryNotReady, ImproperlyConfigured):
        return None


def _record_missed_invalidation() -> None:
    """Inside a transaction a failure to record it fails the change (a 503, nothing saved);
    after the commit (an ``on_commit`` invalidation) the change is made, so it is logged."""
    from . import caching

    try:
        caching.record_missed_invalidation()
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        logger.exception("A cache invalidation that Redis missed could not be recorded.")
