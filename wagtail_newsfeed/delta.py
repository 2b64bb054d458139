"""Delta sync: a feed's changes in the order they were committed, and the cursor that marks how far
a client has read.

Every entry change locks the feed's counter row, increments it and stamps the changed entries
with the new value (``entry_rules``), so versions are handed out in commit order: a poller that
asks for "changes after version N" never misses a change committed later with a smaller number.
A cursor is that N, signed and bound to its feed.
"""

from __future__ import annotations

import base64
import binascii

from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from .caching import cache_is_shared
from .conf import settings
from .models import LiveEntry, LiveFeedCounter, LiveFeedPage


class InvalidCursor(ValueError):
    """A delta-sync cursor that this feed did not issue."""


def current_version(feed: LiveFeedPage) -> int:
    return (
        LiveFeedCounter.objects.filter(feed_id=feed.pk).values_list("version", flat=True).first()
        or 0
    )


def changes_since(feed: LiveFeedPage, version: int, limit: int) -> tuple[list[LiveEntry], bool]:
    """Reader-visible changes after ``version``, oldest first: published entries, and entries
    that readers once saw and that are now unpublished or deleted (their tombstones). Drafts
    that were never published are not readers' business, not even as an id.

    An index range scan on ``(feed, version)``: its cost follows the number of changes, not the
    feed's size."""
    rows = list(
        LiveEntry.objects.filter(seen_by_readers(), feed_id=feed.pk, version__gt=version).order_by(
            "version"
        )[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def seen_by_readers() -> Q:
    """Entries readers see or once saw (published, then maybe unpublished or deleted)."""
    return Q(status=LiveEntry.Status.PUBLISHED, deleted_at__isnull=True) | Q(
        first_published_at__isnull=False
    )


# Cursors -------------------------------------------------------------------------------------


def _signer() -> signing.Signer:
    """Made when a cursor is signed, not at import: a project must be able to run commands
    such as ``collectstatic`` before it has a ``SECRET_KEY``."""
    return signing.Signer(salt="wagtail_newsfeed.cursor")


def _feed_id(feed: LiveFeedPage | int) -> int:
    return feed if isinstance(feed, int) else feed.pk


def encode_cursor(feed: LiveFeedPage | int, version: int) -> str:
    """An opaque token for "this feed, up to version N"; clients store it and send it back."""
    signed = _signer().sign(f"{_feed_id(feed)}.{version}")
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def decode_cursor(feed: LiveFeedPage | int, token: str) -> int:
    """The version a cursor stands for; ``InvalidCursor`` if it is malformed, forged or
    belongs to another feed."""
    try:
        padded = token + "=" * (-len(token) % 4)
        value = _signer().unsign(base64.urlsafe_b64decode(padded.encode()).decode())
        feed_id, version = (int(part) for part in value.split("."))
    except (binascii.Error, UnicodeDecodeError, ValueError, signing.BadSignature) as error:
        raise InvalidCursor(_("This cursor is not valid.")) from error
    if feed_id != _feed_id(feed) or version < 0:
        raise InvalidCursor(_("This cursor belongs to another feed."))
    return version


# The version cache ---------------------------------------------------------------------------
#
# Most polls of a live feed find no news. Where every process shares Django's cache (Redis; see
# ``caching.cache_is_shared``), the feed's current version is kept there for at most
# ``API_LIVE_CACHE_MAX_AGE`` seconds, the same staleness a CDN in front is allowed, so such a poll
# is answered without the database. Every entry change forgets it now and on commit, and so do
# publishing, unpublishing, moving and deleting the feed page (signal_handlers). Only versions of
# visible feeds are remembered. With a cache of one's own per process (local memory) a change in
# another process could not clear it, so the version is always read from the database.


def _version_key(feed_id: int) -> str:
    return f"wagtail_newsfeed:feed-version:{feed_id}"


def cached_feed_version(feed_id: int) -> int | None:
    """The current version of a visible feed, if a cache every process shares holds it."""
    return cache.get(_version_key(feed_id)) if cache_is_shared() else None


def remember_feed_version(feed_id: int, version: int) -> None:
    """Note the version of a feed just found visible (no-op when live caching is off or the
    cache is not shared)."""
    if settings.API_LIVE_CACHE_MAX_AGE > 0 and cache_is_shared():
        cache.set(_version_key(feed_id), version, settings.API_LIVE_CACHE_MAX_AGE)


def forget_feed_version(feed_id: int) -> None:
    cache.delete(_version_key(feed_id))
