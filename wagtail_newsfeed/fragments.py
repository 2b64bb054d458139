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
from wagtail.models import Site

from .caching import (
    RENDER_GENERATION,
    bump_generation,
    cache_is_shared,
    generation,
    once_per_request,
)
from .conf import settings

#: Part of every key: raised when what a piece holds changes shape (a new field, another time
#: format), so an upgrade never shows pieces rendered by the previous release.
PIECES_FORMAT = 4

T = TypeVar("T")
K = TypeVar("K")


def render_generation(request: HttpRequest | None = None) -> str:
    """The current render generation, read at most once per request."""
    if request is None:
        token = generation(RENDER_GENERATION)
    else:
        token = once_per_request(
            request, "render-generation", lambda: generation(RENDER_GENERATION)
        )
    forget_what_wagtail_kept(RENDER_GENERATION, token)
    return token


#: The token of each generation this process last saw.
_last_seen_generations: dict[str, str] = {}


def forget_process_state() -> None:
    """Forget the generations this process saw (tests: each starts as a new process)."""
    _last_seen_generations.clear()


def forget_what_wagtail_kept(name: str, token: str) -> None:
    """Wagtail keeps the Sites' root paths (what every page URL is built from) in Django's cache
    for an hour, and forgets them only in the process that saved a Site. With a cache per
    process, the others would go on linking to the old host (``http://localhost``) beside
    images that already use the new one. Every Site change moves the render and the API
    generations on, so a process that sees a new ``token`` of either forgets them too (a query
    to read them again, once per process and change). Whatever builds page URLs reads one of
    them first: the API's response cache its key, other views ``render_generation``."""
    last_seen = _last_seen_generations.get(name)
    if token == last_seen:
        return
    if last_seen is not None and not cache_is_shared():
        Site.clear_site_root_paths_cache()
    _last_seen_generations[name] = token


def renders_changed() -> None:
    """Something rendered pieces may show of other objects has changed: render them afresh."""
    bump_generation(RENDER_GENERATION)


def _key(name: str, parts: Iterable[Any], context: tuple[str, str, str]) -> str:
    raw = repr((*parts, *context))
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"wagtail_newsfeed:fragment:{PIECES_FORMAT}:{name}:{digest}"


def _context(request: HttpRequest | None) -> tuple[str, str, str]:
    """What every key carries besides its parts: the render generation, language and time zone."""
    return (
        render_generation(request),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )


def cached(
    name: str, parts: Iterable[Any], compute: Callable[[], T], request: HttpRequest | None = None
) -> T:
    """``compute()``, kept for ``FRAGMENT_CACHE_TIMEOUT`` seconds under ``name`` and ``parts``
    (which must include the version of what it shows), the render generation, the language and
    the time zone. A timeout of 0 turns the cache off."""
    timeout = settings.FRAGMENT_CACHE_TIMEOUT
    if not timeout or getattr(request, "is_preview", False):
        return compute()
    key = _key(name, parts, _context(request))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_many(
    name: str,
    parts: dict[K, Iterable[Any]],
    compute: Callable[[list[K]], dict[K, T]],
    request: HttpRequest | None = None,
) -> dict[K, T]:
    """``cached`` for a list: the pieces of every item of ``parts`` (item → the parts keying its
    piece), read in one cache round trip; ``compute`` gets the items that missed, in order, and
    returns their pieces. A list after one change costs one item's work, not the list's."""
    timeout = settings.FRAGMENT_CACHE_TIMEOUT
    if not timeout or getattr(request, "is_preview", False):
        return compute(list(parts))
    context = _context(request)
    keys = {item: _key(name, item_parts, context) for item, item_parts in parts.items()}
    found = cache.get_many(list(keys.values()))
    values = {item: found[key] for item, key in keys.items() if key in found}
    missing = [item for item in parts if item not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[item]: computed[item] for item in missing}, timeout)
        values.update(computed)
    return values
