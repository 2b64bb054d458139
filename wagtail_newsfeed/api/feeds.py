"""Live feeds, their entries and delta sync (read), and the live-entry write endpoints.

Views stay thin: visibility comes from ``wagtail_newsfeed.visibility``, reading order, cursors and
every write from ``wagtail_newsfeed.entry_rules``. A delta poll that finds nothing new costs two
queries (the view-restriction lookup inside the visibility rule, and the feed with its change
counter).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .. import body_references, delta, entry_rules
from ..conf import settings
from ..converters import parse_count, parse_id
from ..fragments import cached
from ..models import LiveEntry, LiveFeedCounter, LiveFeedPage
from ..visibility import visible_entries, visible_feeds
from .base import NewsfeedAPIView
from .exceptions import Conflict, InvalidParameter
from .pagination import NewsCursorPagination, validated_limit
from .serializers import (
    DeltaSyncSerializer,
    EntryPageSerializer,
    EntrySerializer,
    FeedDetailSerializer,
    FeedSerializer,
    TombstoneSerializer,
    entry_prefetches,
    page_url_and_path,
)
from .writing import EntryWriteSerializer, request_object


def feeds_queryset(*, with_changed_at: bool = True) -> QuerySet:
    """Visible feeds annotated with their change counter (and, for the feed objects themselves,
    the time of the last reader-visible entry change), in one query.

    The entries endpoints and delta sync leave out the last-change time: a poll costs what it
    returns, and needs only the counter.
    """
    counter = LiveFeedCounter.objects.filter(feed=OuterRef("pk")).values("version")[:1]
    feeds = visible_feeds().annotate(api_version=Subquery(counter))
    if not with_changed_at:
        return feeds
    changed = (
        LiveEntry.objects.filter(feed=OuterRef("pk"))
        .filter(delta.seen_by_readers())  # a draft deleted unseen is not readers' news
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return feeds.annotate(api_entries_changed_at=Subquery(changed))


def get_visible_feed(pk: int, *, with_changed_at: bool = False) -> LiveFeedPage:
    feed = feeds_queryset(with_changed_at=with_changed_at).filter(pk=pk).first()
    if feed is None:
        raise Http404
    return feed


def parse_bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise InvalidParameter(name, _("Must be true or false."))


def since_version(feed_id: int, since: str) -> int:
    try:
        return delta.decode_cursor(feed_id, since)
    except delta.InvalidCursor as error:
        raise InvalidParameter("since", str(error)) from None


def check_not_ahead(version: int, current: int) -> None:
    """A 400 naming ``since`` for a cursor past the feed's version. Such a cursor was signed by
    this site but never given for these changes (the database was restored from a backup and
    the ``SECRET_KEY`` kept, say): answering "no news" would hide every change up to it, so
    the client must start again, as for a cursor the server no longer takes."""
    if version > current:
        raise InvalidParameter(
            "since",
            _("This cursor is ahead of the feed; start again from the feed's entries."),
        )


def quiet_delta(feed_id: int, version: int) -> dict[str, Any]:
    """The answer to a poll with no news: nothing, and the same cursor back."""
    return {"results": [], "cursor": delta.encode_cursor(feed_id, version), "has_more": False}


def delta_limit(request: Request) -> int:
    raw = request.query_params.get("limit")
    maximum = max(int(settings.API_DELTA_PAGE_SIZE), int(settings.API_MAX_PAGE_SIZE))
    if raw in (None, ""):
        return int(settings.API_DELTA_PAGE_SIZE)
    limit = parse_count(raw, maximum)
    if not limit:
        raise InvalidParameter(
            "limit", _("Must be a whole number from 1 to %(m)d.") % {"m": maximum}
        )
    return limit


def if_match_version(request: Request) -> int | None:
    """The entry version an ``If-Match`` header names (``converters.parse_count``), quoted or
    not, or None for no check: no header, or ``*``, which matches any current version (RFC 9110
    13.1.1); the entry must still exist, as for any write. Anything else is a 400: an empty
    quoted tag (``""``) or an unbalanced quote (``"5``) is no version, not "no check"."""
    raw = request.headers.get("If-Match", "").strip()
    if raw in ("", "*"):
        return None
    quoted = len(raw) >= 2 and raw[0] == raw[-1] == '"'
    version = parse_count(raw[1:-1] if quoted else raw)
    if version is None:
        raise InvalidParameter("If-Match", _("Must be the entry's version number."))
    return version


class FeedList(NewsfeedAPIView, generics.ListAPIView):
    """Live feeds readers can see, most recently started first."""

    serializer_class = FeedSerializer
    pagination_class = NewsCursorPagination
    cache_max_age_setting = "API_LIVE_CACHE_MAX_AGE"

    def get_list_ordering(self, request: Request) -> tuple[str, ...]:
        return ("-first_published_at", "-id")

    @extend_schema(
        summary="Live feeds",
        parameters=[
            OpenApiParameter(
                "status", str, enum=["upcoming", "live", "ended"], description="Coverage status."
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        queryset = feeds_queryset()
        status = self.request.query_params.get("status")
        if status:
            if status not in LiveFeedPage.Status.values:
                raise InvalidParameter("status", _("Must be one of: upcoming, live, ended."))
            queryset = queryset.filter(coverage_status=status)
        return queryset


class FeedDetail(NewsfeedAPIView):
    """One live feed with its pinned entry and key events."""

    cache_max_age_setting = "API_LIVE_CACHE_MAX_AGE"

    @extend_schema(
        summary="One live feed, with its pinned entry and key events",
        responses=FeedDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        feed = get_visible_feed(pk, with_changed_at=True)
        entries = visible_entries(feed).prefetch_related(*entry_prefetches())
        key_events = entry_rules.latest_key_events(entries)
        context = {
            "request": request,
            "feed_url": page_url_and_path(feed, request)[0],
            "pinned": entries.filter(is_pinned=True).first(),
            "key_events": key_events,
        }
        return Response(FeedDetailSerializer(feed, context=context).data)


class FeedEntries(NewsfeedAPIView):
    """``GET``: a page of entries, or the changes since a cursor; ``POST``: a new entry."""

    cache_max_age_setting = "API_LIVE_CACHE_MAX_AGE"

    @extend_schema(
        summary="Entries of a feed, or delta sync with `since`",
        description=(
            "Without `since`: published entries in the feed's reading order (newest first "
            "unless the feed reads oldest first), paged with `before`. With `since=<cursor>`: "
            "every change after that cursor, oldest change first, as `{results, cursor, "
            "has_more}` (DeltaSync); deleted or unpublished entries appear as tombstones "
            "`{id, deleted: true}`."
        ),
        parameters=[
            OpenApiParameter("since", str, description="Delta-sync cursor (from `cursor`)."),
            OpenApiParameter(
                "before",
                int,
                description="Entry id: the page of entries after it in reading order.",
            ),
            OpenApiParameter("key_events", bool, description="Only key events."),
            OpenApiParameter(
                "limit", int, description="Page size (default 20, max 100; delta default 100)."
            ),
        ],
        responses={
            200: OpenApiResponse(
                response=PolymorphicProxySerializer(
                    component_name="EntriesOrDelta",
                    serializers=[EntryPageSerializer, DeltaSyncSerializer],
                    resource_type_field_name=None,
                ),
                description="An EntryPage, or a DeltaSync object when `since` is given.",
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        since = request.query_params.get("since")
        if since is not None:
            version = since_version(pk, since)
            limit = delta_limit(request)
            known = delta.cached_feed_version(pk)
            if known is not None and version == known:
                # No news, known from the cache: the common poll costs no query.
                return Response(quiet_delta(pk, version))
            if known is not None and version > known:
                # The kept version may lag a commit by a moment: the database decides whether
                # the cursor is ahead of the feed.
                known = None
            return Response(self.shared_delta(request, pk, version, limit, known))
        feed = get_visible_feed(pk)
        delta.remember_feed_version(feed.pk, feed.api_version or 0)
        return Response(self.page(request, feed))

    def shared_delta(
        self, request: Request, pk: int, version: int, limit: int, known: int | None
    ) -> dict[str, Any]:
        """The changes since ``version``, kept (``fragments``) under the feed's version: every
        reader whose cursor stands at one version asks the same, so a crowd polling the origin
        costs one rendering per change, not one per reader. ``known`` is the feed's version
        from the shared cache; without one it is read from the database."""
        feed = None
        if known is None:
            feed = get_visible_feed(pk)
            known = feed.api_version or 0
            delta.remember_feed_version(pk, known)
            check_not_ahead(version, known)
            if version == known:
                return quiet_delta(pk, version)  # nothing to share: don't fill the cache

        def compute() -> dict[str, Any]:
            shown = feed or get_visible_feed(pk)
            delta.remember_feed_version(shown.pk, shown.api_version or 0)
            return self.delta(request, shown, version, limit)

        where = (request.scheme, request.get_host())
        return cached("delta", (pk, version, limit, known, where), compute, request)

    def delta(
        self, request: Request, feed: LiveFeedPage, version: int, limit: int
    ) -> dict[str, Any]:
        check_not_ahead(version, feed.api_version or 0)
        if version == (feed.api_version or 0):
            return quiet_delta(feed.pk, version)
        rows, has_more = delta.changes_since(feed, version, limit)
        published = [row for row in rows if row.is_published]
        prefetch_related_objects(published, *entry_prefetches())
        context = {"request": request, "feed_url": page_url_and_path(feed, request)[0]}
        # What the bodies refer to is read once for all of them (chosen items too).
        with body_references.scope([row.body for row in published], renditions=True):
            results = [
                EntrySerializer(row, context=context).data
                if row.is_published
                else TombstoneSerializer({"id": row.pk, "deleted": True}).data
                for row in rows
            ]
        # Without more to come, the cursor moves up to the feed's version even past changes
        # readers are not shown (drafts), so the next poll can be answered as "no news".
        last = rows[-1].version if rows else version
        cursor = last if has_more else max(last, feed.api_version or 0)
        return {
            "results": results,
            "cursor": delta.encode_cursor(feed, cursor),
            "has_more": has_more,
        }

    def page(self, request: Request, feed: LiveFeedPage) -> dict[str, Any]:
        limit = validated_limit(request)
        entries = visible_entries(feed)
        if parse_bool(request, "key_events"):
            entries = entries.filter(is_key_event=True)
        following = None
        before = request.query_params.get("before")
        if before not in (None, ""):
            before_id = parse_id(before)
            if before_id is None:
                raise InvalidParameter("before", _("Must be an entry id."))
            following = entry_rules.paging_anchor(feed, before_id)
            if following is None:
                raise InvalidParameter("before", _("No such entry in this feed."))
        rows, has_more = entry_rules.entries_following(
            entries.prefetch_related(*entry_prefetches()), feed, following, limit
        )
        url = request.build_absolute_uri()
        context = {"request": request, "feed_url": page_url_and_path(feed, request)[0]}
        # What the bodies refer to is read once for all of them (chosen items too).
        with body_references.scope([row.body for row in rows], renditions=True):
            results = EntrySerializer(rows, many=True, context=context).data
        return {
            "cursor": delta.encode_cursor(feed, feed.api_version or 0),
            "next": replace_query_param(url, "before", rows[-1].pk) if has_more and rows else None,
            "previous": self.previous_link(url, entries, feed, following, limit),
            "results": results,
        }

    @staticmethod
    def previous_link(
        url: str, entries: QuerySet, feed: LiveFeedPage, following: LiveEntry | None, limit: int
    ) -> str | None:
        """The page before this one: the ``limit`` entries up to and including ``following``."""
        if following is None:
            return None
        t, pk = following.display_time, following.pk
        if feed.oldest_first:
            earlier = entries.filter(Q(display_time__lt=t) | Q(display_time=t, pk__lte=pk))
            earlier = earlier.order_by("-display_time", "-pk")
        else:
            earlier = entries.filter(Q(display_time__gt=t) | Q(display_time=t, pk__gte=pk))
            earlier = earlier.order_by("display_time", "pk")
        ids = list(earlier.values_list("pk", flat=True)[: limit + 1])
        if len(ids) <= limit:
            return remove_query_param(url, "before")
        return replace_query_param(url, "before", ids[limit])

    @extend_schema(
        summary="Post an entry",
        request=EntryWriteSerializer,
        responses={201: EntrySerializer, 400: None, 401: None, 403: None, 404: None, 429: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        feed = get_writable_feed(request, pk)
        data = EntryWriteSerializer(
            data=request_object(request), context={"request": request}
        ).validated()
        entry = entry_rules.create_entry(feed, request.user, **data)
        data = entry_json(request, feed, entry)
        location = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry.pk])
        return Response(
            data, status=201, headers={"Location": request.build_absolute_uri(location)}
        )


def get_writable_feed(request: Request, pk: int) -> LiveFeedPage:
    """The feed to write to: 404 if it does not exist or the user may neither see nor edit it,
    403 if the user may see it but not edit it."""
    feed = get_object_or_404(LiveFeedPage, pk=pk, alias_of__isnull=True)  # an alias has none
    if not entry_rules.can_edit_feed(request.user, feed):
        if not visible_feeds().filter(pk=pk).exists():
            raise Http404
        raise PermissionDenied(_("You do not have permission to edit this live feed."))
    return feed


def entry_json(request: Request, feed: LiveFeedPage, entry: LiveEntry) -> dict[str, Any]:
    entry.feed = feed
    context = {"request": request, "feed_url": page_url_and_path(feed, request)[0]}
    return EntrySerializer(entry, context=context).data


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="Optional: the entry's `version`; 409 if it changed. `*`: any version.",
)


class FeedEntryDetail(NewsfeedAPIView):
    """One entry: read (published only), edit or delete it."""

    cache_max_age_setting = "API_LIVE_CACHE_MAX_AGE"

    @extend_schema(
        summary="One published entry", responses=EntrySerializer, operation_id="feeds_entry_get"
    )
    def get(self, request: Request, pk: int, entry_id: int) -> Response:
        feed = get_visible_feed(pk)
        entries = visible_entries(feed).prefetch_related(*entry_prefetches())
        entry = entries.filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        return Response(entry_json(request, feed, entry))

    def _editable_entry(self, request: Request, pk: int, entry_id: int) -> LiveEntry:
        feed = get_writable_feed(request, pk)
        entry = LiveEntry.objects.not_deleted().filter(feed=feed, pk=entry_id).first()
        if entry is None:
            raise Http404
        entry.feed = feed
        return entry

    @extend_schema(
        summary="Edit an entry",
        request=EntryWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: EntrySerializer, 400: None, 401: None, 403: None, 404: None, 409: None},
    )
    def patch(self, request: Request, pk: int, entry_id: int) -> Response:
        entry = self._editable_entry(request, pk, entry_id)
        data = EntryWriteSerializer(
            data=request_object(request), partial=True, context={"request": request, "entry": entry}
        ).validated()
        try:
            entry = entry_rules.update_entry(
                entry, request.user, expected_version=if_match_version(request), **data
            )
        except entry_rules.EntryConflict as error:
            raise Conflict(str(error)) from None
        prefetch_related_objects([entry], *entry_prefetches())
        return Response(entry_json(request, entry.feed, entry))

    @extend_schema(
        summary="Delete an entry (readers get a tombstone)",
        parameters=[IF_MATCH],
        responses={204: None, 400: None, 401: None, 403: None, 404: None, 409: None},
    )
    def delete(self, request: Request, pk: int, entry_id: int) -> Response:
        entry = self._editable_entry(request, pk, entry_id)
        try:
            entry_rules.delete_entry(
                entry, request.user, expected_version=if_match_version(request)
            )
        except entry_rules.EntryConflict as error:
            raise Conflict(str(error)) from None
        return Response(status=204)


__all__ = ["FeedDetail", "FeedEntries", "FeedEntryDetail", "FeedList"]
