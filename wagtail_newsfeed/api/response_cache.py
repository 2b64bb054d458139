"""A response cache for the API's non-live endpoints: articles, topics, authors and sources.

Each cached body is keyed by a *content generation* (``wagtail_newsfeed.caching``) that any
change to what those endpoints show moves on (publishing, unpublishing, moving or deleting a page,
editing a topic, author, source, image, view restriction or live entry; see
``signal_handlers``), so an edit is visible at once in every process, whatever the cache backend.
What changes with the clock alone is handled too: the generation counts the pages past their
expiry time, and a body is kept no longer than until the first page it shows expires, its
``max-age`` counting down to that moment when it is replayed. Bodies live in Django's cache:
shared by every process with Redis, one copy per process with local memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import get_max_age, patch_cache_control

from ..caching import API_GENERATION, generation
from ..fragments import forget_what_wagtail_kept
from ..http_caching import max_age_before
from .exceptions import conditional_api_response

#: Part of every key, like ``fragments.PIECES_FORMAT``: raised when a response's shape changes (a
#: new field, another time format), so an upgrade never replays bodies of the previous release.
RESPONSES_FORMAT = 1

#: Response headers worth replaying from the cache.
KEPT_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Vary", "Allow")


def keep_query_params(request: HttpRequest, names: Iterable[str]) -> None:
    """Reduce ``request``'s query string to ``names``, each once (the value the view reads, the
    last), in a fixed order, before the view runs: the view reads nothing else, and the response
    cache key and the links in the answer follow the query string."""
    kept = QueryDict(mutable=True)
    for name in sorted(set(names) & set(request.GET)):
        kept[name] = request.GET[name]
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def response_key(request: HttpRequest) -> str:
    # Links in the bodies are absolute, so scheme and host are part of the key.
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    token = generation()
    # The view builds page URLs after this and before the render generation is read.
    forget_what_wagtail_kept(API_GENERATION, token)
    return f"wagtail_newsfeed:api:{RESPONSES_FORMAT}:{token}:{digest}"


def cached_response(key: str, request: HttpRequest) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers, expires = (*stored, None)[:3]  # kept by an earlier release: no expiry
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    if expires is not None:  # the max-age left before the first page it shows expires
        kept = get_max_age(response) or 0
        del response["Cache-Control"]
        patch_cache_control(response, public=True, max_age=max_age_before(kept, [expires]))
    return conditional_api_response(request, response)


def store_response(
    key: str, response: HttpResponse, timeout: int, expires: datetime | None = None
) -> None:
    """Keep ``response`` for ``timeout`` seconds (which end before ``expires``, the
    ``expire_at`` of the first page it shows, if any: ``http_caching.max_age_before``)."""
    if timeout <= 0:
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(key, (response.content, headers, expires), timeout)
