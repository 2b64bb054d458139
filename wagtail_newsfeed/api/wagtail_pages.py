"""Wagtail's pages API (v2) under this app's visibility rule.

Wagtail's own ``PagesAPIViewSet`` lists every live page, including expired ones that stay live
until ``publish_scheduled`` runs, with their whole body. Register ``VisiblePagesAPIViewSet``
instead and the listing, the detail and the ``find`` view hide exactly what the site and the
newsfeed API hide, and a stored block that cannot be shown is left out of a body (as the
newsfeed API does) instead of failing the response.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.serializers import PageSerializer, StreamField
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.fields import StreamField as StreamModelField
from wagtail.models import Page

from .. import rendering
from ..converters import parse_count, parse_id
from ..visibility import visible_pages

#: Query parameters naming a page by id (``root`` is Wagtail's word for the site's root page).
PAGE_ID_PARAMETERS = ("child_of", "descendant_of", "ancestor_of", "translation_of")
#: Query parameters counting pages.
COUNT_PARAMETERS = ("offset", "limit")


class BlankSafeSearchFilter(SearchFilter):
    """Wagtail's ``?search=``, where a query of spaces finds nothing, as an empty one does
    (the database search backend fails on it on SQLite: a 500)."""

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> Any:
        query = request.GET.get("search")
        enabled = getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True)
        if query is not None and not query.strip() and enabled:
            return queryset.none()
        return super().filter_queryset(request, queryset, view)


class BlockByBlockStreamField(StreamField):
    """Wagtail's StreamField serializer, block by block: a block whose stored value cannot be
    read or serialised (written before the write validator existed) is logged and left out."""

    def to_representation(self, value: Any) -> list[Any]:
        return rendering.body_json(value, self.context)


class VisiblePageSerializer(PageSerializer):
    serializer_field_mapping = {
        **PageSerializer.serializer_field_mapping,
        StreamModelField: BlockByBlockStreamField,
    }


class VisiblePagesAPIViewSet(PagesAPIViewSet):
    """``PagesAPIViewSet`` whose pages are also live, public and not expired."""

    base_serializer_class = VisiblePageSerializer
    filter_backends = [
        BlankSafeSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]
    _visible_base: QuerySet | None = None

    def get_base_queryset(self) -> QuerySet:
        # Every view (listing, ``type=``, detail, ``find``, child_of/descendant_of parents and the
        # serializer's parent links) starts from this queryset, so filtering it covers them all.
        # Wagtail asks for it several times a request, and each time looks up the site and the
        # view restrictions: do that once (a viewset instance serves one request).
        # The rule is applied as a plain ``pk__in``: the search backend translates the filters
        # of what it searches into its own, and cannot translate every expression the rule may
        # use (a negated ``Exists``, for one).
        if self._visible_base is None:
            visible = visible_pages(Page.objects.all()).values("pk")
            self._visible_base = super().get_base_queryset().filter(pk__in=visible)
        return self._visible_base.all()

    def listing_view(self, request: Any) -> Any:
        check_listing_parameters(request.GET)
        return super().listing_view(request)

    def find_view(self, request: Any) -> Any:
        check_find_parameters(request.GET)
        return super().find_view(request)


def check_listing_parameters(params: Any) -> None:
    """400 (Wagtail's ``BadRequestError``) for a count or page id no database could take:
    Wagtail converts them with ``int()`` only, and an offset of 30 digits fails the query."""
    for name in COUNT_PARAMETERS:
        value = params.get(name)
        if value is not None and parse_count(value) is None:
            raise BadRequestError(f"{name} must be a positive integer of at most 18 digits")
    for name in PAGE_ID_PARAMETERS:
        value = params.get(name)
        if value is not None and value != "root" and parse_id(value) is None:
            raise BadRequestError(f"{name} must be a positive integer of at most 18 digits")
    if "\x00" in params.get("search", ""):
        raise BadRequestError("search must not contain null characters")


def check_find_parameters(params: Any) -> None:
    """400 for an ``id`` that is not an id (Wagtail passes it to the database as it is)."""
    value = params.get("id")
    if value is not None and parse_id(value) is None:
        raise BadRequestError("id must be a positive integer of at most 18 digits")
