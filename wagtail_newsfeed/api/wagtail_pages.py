"""Wagtail's pages API (v2) under this app's visibility rule.

Wagtail's own ``PagesAPIViewSet`` lists every live page, including expired ones that stay live
until ``publish_scheduled`` runs, with their whole body. Register ``VisiblePagesAPIViewSet``
instead and the listing, the detail and the ``find`` view hide exactly what the site and the
newsfeed API hide.
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.api.v2.views import PagesAPIViewSet

from ..visibility import visible_pages


class VisiblePagesAPIViewSet(PagesAPIViewSet):
    """``PagesAPIViewSet`` whose pages are also live, public and not expired."""

    _visible_base: QuerySet | None = None

    def get_base_queryset(self) -> QuerySet:
        # Every view (listing, ``type=``, detail, ``find``, child_of/descendant_of parents and the
        # serializer's parent links) starts from this queryset, so filtering it covers them all.
        # Wagtail asks for it several times a request, and each time looks up the site and the
        # view restrictions: do that once (a viewset instance serves one request).
        if self._visible_base is None:
            self._visible_base = visible_pages(super().get_base_queryset())
        return self._visible_base.all()
