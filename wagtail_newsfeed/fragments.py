"""Rendered pieces of reader pages kept in Django's cache, so that rendering a page again (after a
purge, or for every reader when no proxy is in front) costs only the pieces that changed.

A piece is keyed by the version of what it shows (a live entry's id and version, a page's
``cache_key``) and by the *render generation*: a token that moves on whenever something a piece
may show of *other* objects changes (a linked page's URL or visibility, an author's name, an
image): publishing, unpublishing, moving or deleting a page, and saving or deleting an author,
source, topic, image, document or view restriction (``signal_handlers``). Live entry changes do
not move it: an entry's own version keys its pieces, so a busy live feed keeps the rest of its
pieces warm. Keys also carry the language and time zone a piece was rendered in.

The generation is read once per request (``caching.generation``: one cache read with a shared
cache, one indexed query otherwise), so the rule holds with any number of processes, whatever the
cache backend. Templates use Wagtail's ``{% wagtailcache %}`` and ``{% wagtailpagecache %}``,
which render afresh in previews; Python callers use ``cached``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation

from .caching import bump_generation, generation
from .conf import settings

RENDER_GENERATION = "render"
_REQUEST_ATTRIBUTE = "_newsfeed_render_generation"

T = TypeVar("T")


def render_generation(request: HttpRequest | None = None) -> str:
    """The current render generation, read at most once per request."""
    if request is None:
        return generation(RENDER_GENERATION)
    value = getattr(request, _REQUEST_ATTRIBUTE, None)
    if value is None:
        value = generation(RENDER_GENERATION)
        setattr(request, _REQUEST_ATTRIBUTE, value)
    return value


def renders_changed() -> None:
    """Something rendered pieces may show of other objects has changed: render them afresh."""
    bump_generation(RENDER_GENERATION)


def cached(
    name: str, parts: Iterable[Any], compute: Callable[[], T], request: HttpRequest | None = None
) -> T:
    """``compute()``, kept for ``FRAGMENT_CACHE_TIMEOUT`` seconds under ``name`` and ``parts``
    (which must include the version of what it shows), the render generation, the language and
    the time zone. A timeout of 0 turns the cache off."""
    timeout = settings.FRAGMENT_CACHE_TIMEOUT
    if not timeout or getattr(request, "is_preview", False):
        return compute()
    raw = repr(
        (
            *parts,
            render_generation(request),
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
    )
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    key = f"wagtail_newsfeed:fragment:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
