"""Caches that stay correct with any number of processes, whatever the cache backend.

Django's default cache keeps one copy per process (local memory). A change made in one process
cannot clear another process's copy, so nothing there may be trusted to be current. Two rules
follow, and every cache of the app goes through them:

- ``cache_is_shared()`` says whether every process shares Django's cache (Redis, Memcached, the
  database cache), as guessed from the backend or set with ``SHARED_CACHE``. Only then may a
  value be trusted without asking the database (the live feeds' version cache, for instance).
- ``generation()`` is the key part that every cached API response carries. Any change to what
  those responses show calls ``bump_generation()``. With a shared cache the generation is a
  token in the cache, replaced when the change is made and again when it commits (a request
  in between could have cached the old content under the new token). Otherwise it is a row in
  the database, moved on in the same transaction as the change: one read per request instead of
  none, and every process sees the change on its next request.
- Live entry changes move no generation row: the API generation read from the database adds up
  the feeds' counters (``LiveFeedCounter``), which every entry change already moves on in its
  own transaction, under the lock of its own feed (``entry_rules``). A row every change of
  every feed moved on would make the writers of all feeds wait for each other, and moving it
  after the commit (where nothing waits) could hang or fail a write already made.

A page passing its ``expire_at`` sends no signal until ``publish_scheduled`` runs, so the
generations of content that shows pages (``EXPIRING_GENERATIONS``) also carry the number of
live pages past their expiry: when a page passes it, every process reads a new generation.

Invalidate by *deleting* keys: a delete a shared cache could not take (Redis down) would leave the
old value there for when it returns, so ``cache_backends.ResilientRedisCache`` records it with
``record_missed_invalidation()``, which moves the shared cache's *epoch* on in the database, in
the change's own transaction. Every key that backend writes carries the epoch, so once Redis is
back nothing it held from before the change is read again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q
from django.http import HttpRequest
from django.utils import timezone

from .conf import settings

API_GENERATION = "api"
#: The generation of rendered pieces of reader pages (``fragments``).
RENDER_GENERATION = "render"
#: Generations of cached content that shows pages: a page passing its ``expire_at`` is hidden at
#: once by the visibility rule, but nothing signals it until ``publish_scheduled`` runs, so
#: these generations carry how many live pages are past their expiry (``generation``).
EXPIRING_GENERATIONS = (API_GENERATION, RENDER_GENERATION)
#: The ``CacheGeneration`` row counting the invalidations the shared cache missed.
SHARED_CACHE_EPOCH = "shared-cache-epoch"


T = TypeVar("T")


def once_per_request(request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, asked at most once per request: the answer is kept on the request under
    ``name`` (what a request decides once, such as its render generation or its Site, stays the
    same for all of it)."""
    answers: dict[str, Any] = request.__dict__.setdefault("_newsfeed_once", {})
    if name not in answers:
        answers[name] = compute()
    return answers[name]


def remember_for_request(request: HttpRequest, name: str, value: Any) -> None:
    """Give ``once_per_request(request, name, …)`` its answer, known already."""
    request.__dict__.setdefault("_newsfeed_once", {})[name] = value


def cache_is_shared() -> bool:
    """Whether every process of the site reads and writes the same cache."""
    if settings.SHARED_CACHE is not None:
        return bool(settings.SHARED_CACHE)
    return _shared_backend(caches["default"])


def _shared_backend(backend: object) -> bool:
    if isinstance(backend, RedisCache | BaseMemcachedCache | DatabaseCache):
        return True
    # django-redis and other network caches are shared too; local memory, files and the dummy
    # cache are not (a file cache is not shared between machines).
    return type(backend).__module__.startswith(("django_redis", "django_valkey"))


def _cache_key(name: str) -> str:
    return f"wagtail_newsfeed:generation:{name}"


def generation(name: str = API_GENERATION) -> str:
    """The current generation of ``name``: a cached response keyed by it is current."""
    token = _stored_generation(name)
    if name in EXPIRING_GENERATIONS and not token.startswith("none"):
        token = f"{token}.{_pages_past_expiry(name, token)}"
    return token


#: Per process, for each expiring generation: the stored token last seen, when to ask again
#: (a POSIX time), how many live pages were past their expiry and when the next one expires
#: (a POSIX time or ``None``). Only a memo of what the database says: every process reads the
#: same.
_expiry_state: dict[str, tuple[str, float, int, float | None]] = {}
#: Seconds the memo is trusted at most: a database token can come back after a rolled-back
#: change, and pages can be changed without a signal (a data migration, say).
EXPIRY_STATE_MAX_AGE = 60


def _pages_past_expiry(name: str, token: str) -> int:
    """How many live pages have passed their ``expire_at`` (``publish_scheduled`` has not
    unpublished them yet). It is part of the generation, so content cached before a page
    expired is not read after, by any process. Asked once per stored token and process, when
    the next expiry time passes, and at least every ``EXPIRY_STATE_MAX_AGE`` seconds: one query
    each time."""
    now = time.time()
    known = _expiry_state.get(name)
    if known is None or known[0] != token or now >= known[1]:
        passed, upcoming = page_expiry_state()
        ask_again = now + EXPIRY_STATE_MAX_AGE
        known = (token, min(upcoming, ask_again) if upcoming else ask_again, passed, upcoming)
        _expiry_state[name] = known
    return known[2]


def next_page_expiry(name: str = API_GENERATION) -> datetime | None:
    """When the next live page passes its ``expire_at``, as this request's read of the
    generation ``name`` found it (no query), or ``None``: a response showing pages but not
    knowing which (a kept piece was not read) is cached no longer than that."""
    known = _expiry_state.get(name)
    upcoming = known[3] if known is not None else None
    return datetime.fromtimestamp(upcoming, UTC) if upcoming is not None else None


def forget_process_state() -> None:
    """Drop what this process remembers of the database (tests, between transactions that are
    rolled back and so give the same tokens again)."""
    _expiry_state.clear()


def page_expiry_state() -> tuple[int, float | None]:
    """How many live pages are past their ``expire_at``, and when the next one expires (a POSIX
    time, or ``None``)."""
    from wagtail.models import Page

    now = timezone.now()
    found = Page.objects.filter(live=True, expire_at__isnull=False).aggregate(
        passed=Count("pk", filter=Q(expire_at__lte=now)),
        upcoming=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    upcoming = found["upcoming"]
    return found["passed"], (upcoming.timestamp() if upcoming else None)


def _stored_generation(name: str) -> str:
    if cache_is_shared():
        key = _cache_key(name)
        value = cache.get(key)
        if value is None:
            cache.add(key, uuid.uuid4().hex, None)
            value = cache.get(key)
        if value is None:  # the cache is unreachable: a token that no cached response carries
            return f"none{uuid.uuid4().hex}"
        return str(value)
    if name == API_GENERATION:
        return "db{}.{}".format(*_database_values_with_entries(name))
    return f"db{_database_value(name)}"


def bump_generation(name: str = API_GENERATION) -> None:
    """Something ``name``'s cached responses show has changed: make them all stale."""
    if cache_is_shared():
        # A deleted token is replaced by a new one on the next read (``generation``).
        key = _cache_key(name)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key), robust=True)  # committed: log
        return
    _bump_database_value(name)


def entry_data_stale() -> None:
    """Live entries changed, in the transaction that moved their feed's counter on: what the
    API shows of them (their authors' visibility) is stale. With a shared cache the token is
    replaced, now and at commit; in the database the counter has moved the generation already
    (``_database_values_with_entries``), so nothing more is written or locked."""
    if cache_is_shared():
        bump_generation(API_GENERATION)


def shared_cache_epoch() -> int:
    """The shared cache's epoch: how many invalidations it has missed (read from the database)."""
    return _database_value(SHARED_CACHE_EPOCH)


def record_missed_invalidation() -> None:
    """A delete the shared cache could not take: move its epoch on (in the current
    transaction, so it commits, or not, with the change that asked for the delete)."""
    _bump_database_value(SHARED_CACHE_EPOCH)


def _database_value(name: str) -> int:
    from .models import CacheGeneration

    value = CacheGeneration.objects.filter(name=name).values_list("value", flat=True).first()
    return value or 0


def _database_values_with_entries(name: str) -> tuple[int, int]:
    """The generation row ``name`` and the sum of every feed's counter, in one query (one
    snapshot). The sum only grows while the row stays put: counters only go up, and deleting a
    feed (which drops its counter) moves the row on (``signal_handlers``). Its cost follows the
    number of feeds, not of entries."""
    from .models import CacheGeneration, LiveFeedCounter

    def quoted(model: Any, field: str = "") -> str:
        meta = model._meta
        return connection.ops.quote_name(meta.get_field(field).column if field else meta.db_table)

    generations, counters = quoted(CacheGeneration), quoted(LiveFeedCounter)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT {quoted(CacheGeneration, 'value')} FROM {generations} "
            f"WHERE {quoted(CacheGeneration, 'name')} = %s), "
            f"(SELECT SUM({quoted(LiveFeedCounter, 'version')}) FROM {counters})",
            [name],
        )
        value, entries = cursor.fetchone()
    return value or 0, entries or 0


def _bump_database_value(name: str) -> None:
    from .models import CacheGeneration

    if CacheGeneration.objects.filter(name=name).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            CacheGeneration.objects.create(name=name, value=1)
    except IntegrityError:  # created by a concurrent bump meanwhile
        CacheGeneration.objects.filter(name=name).update(value=F("value") + 1)
