"""Wagtail's pages API (v2) under this app's visibility rule and its error shape.

Wagtail's own ``PagesAPIViewSet`` lists every live page, including expired ones that stay live
until ``publish_scheduled`` runs, with their whole body. Register ``VisiblePagesAPIViewSet``
instead and the listing, the detail and the ``find`` view hide exactly what the site and the
newsfeed API hide, and a stored block that cannot be shown is left out of a body (as the
newsfeed API does) instead of failing the response.

Wagtail hands several query parameters to the database as they come (a date filter, a 30-digit
id, a NUL byte, an unknown search operator): a 500. Here every parameter a view reads is checked
first (``page_parameters``), and every refusal, Wagtail's own included, is a problem-details 400
naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    LocaleFilter,
    OrderingFilter,
    SearchFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.serializers import PageSerializer, StreamField
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.fields import StreamField as StreamModelField
from wagtail.models import Page

from .. import body_references
from ..fragments import render_generation
from ..problems import PROBLEM_CONTENT_TYPE
from ..search import clean_query
from ..visibility import visible_pages
from .exceptions import problem_exception_handler
from .negotiation import JSONNegotiation
from .page_parameters import check_parameters

#: The parameter each of Wagtail's filters reads, to name it when Wagtail refuses its value.
FILTER_PARAMETERS = {
    ChildOfFilter: "child_of",
    AncestorOfFilter: "ancestor_of",
    DescendantOfFilter: "descendant_of",
    OrderingFilter: "order",
    TranslationOfFilter: "translation_of",
    LocaleFilter: "locale",
    SearchFilter: "search",
}


class BadRequest(exceptions.APIException):
    """One of Wagtail's refusals that names no single parameter."""

    status_code = 400
    default_code = "invalid"


class BlankSafeSearchFilter(SearchFilter):
    """Wagtail's ``?search=`` with the query cleaned as the app's own search cleans it
    (``search.clean_query``): an unbalanced quote is a syntax error to SQLite's full-text engine
    (an ``OperationalError``, which would read as an outage), a few hundred words exhaust the
    database backends' recursion, and a query of spaces fails on SQLite; it finds nothing."""

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> Any:
        given = request.GET.get("search")
        if given is None or not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            return super().filter_queryset(request, queryset, view)
        query = clean_query(given)
        if not query:
            return queryset.none()
        params = request.GET.copy()
        params["search"] = query
        return super().filter_queryset(SimpleNamespace(GET=params), queryset, view)


class BlockByBlockStreamField(StreamField):
    """Wagtail's StreamField serializer, block by block: a block whose stored value cannot be
    read or serialised (written before the write validator existed) is logged and left out."""

    def to_representation(self, value: Any) -> list[Any]:
        return body_references.body_json(value, self.context)


class PagesNegotiation(JSONNegotiation):
    """Wagtail's ``?format=`` (``json``, or ``api`` for the browsable API) narrows the choice
    first; then ``Accept`` decides with q-values as on every endpoint of the app (one refusing
    every format left is a 406). DRF answers a format no renderer has with a 404, as if the page
    did not exist: here that format is left alone and ``check_parameters`` names it (a 400)."""

    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        chosen = [renderer for renderer in renderers if renderer.format == wanted]
        return super().select_renderer(request, chosen or renderers, format_suffix)


class VisiblePageSerializer(PageSerializer):
    serializer_field_mapping = {
        **PageSerializer.serializer_field_mapping,
        StreamModelField: BlockByBlockStreamField,
    }


class VisiblePagesAPIViewSet(PagesAPIViewSet):
    """``PagesAPIViewSet`` whose pages are also live, public and not expired, and whose errors
    are problems (``application/problem+json``) keeping Wagtail's ``message`` member."""

    base_serializer_class = VisiblePageSerializer
    #: No credentials are read: every reader gets the same pages (``visible_pages`` hides even
    #: what a reader could unlock), and Wagtail's default, the project's DRF authenticators,
    #: would check ``Authorization: Basic`` against Django's passwords (a password oracle).
    authentication_classes: list[type] = []
    content_negotiation_class = PagesNegotiation
    filter_backends = [
        BlankSafeSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]
    _visible_base: QuerySet | None = None

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        check_parameters(request.GET, self)
        render_generation(request)  # a Site changed in another process is seen before any URL

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
            with blamed_on("site", not_found=True):  # ?site= names no site, or several
                base = super().get_base_queryset()
            self._visible_base = base.filter(pk__in=visible)
        return self._visible_base.all()

    def get_queryset(self) -> QuerySet:
        # Wagtail reads each page's locale (``meta.locale``) and every related field an API field
        # shows one page at a time: read them with the pages (``listed_queryset``).
        return listed_queryset(super().get_queryset())

    def filter_queryset(self, queryset: QuerySet) -> Any:
        for backend in self.filter_backends:
            name = filter_parameter(backend)
            with blamed_on(name, not_found=name == "locale"):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    def paginate_queryset(self, queryset: Any) -> Any:
        with blamed_on("limit"):  # over WAGTAILAPI_LIMIT_MAX (the syntax is checked before)
            return super().paginate_queryset(queryset)

    def get_serializer_class(self) -> Any:
        with blamed_on("fields"):  # unknown fields, or sub-fields of a plain field
            return super().get_serializer_class()

    def resolve_rich_text_format(self) -> Any:
        with blamed_on("rich_text_format"):
            return super().resolve_rich_text_format()

    def handle_exception(self, exc: Exception) -> Response:
        # Wagtail would answer these two as ``{"message": ...}``, skipping the exception handler.
        if isinstance(exc, BadRequestError):
            exc = BadRequest(str(exc))
        elif isinstance(exc, Http404):
            exc = exceptions.NotFound(str(exc) or None)
        response = super().handle_exception(exc)
        if isinstance(response.data, dict) and "detail" in response.data:
            response.data.setdefault("message", wagtail_message(response.data))
        return response

    def get_exception_handler(self) -> Any:
        return pages_exception_handler

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # The browsable API renders a problem as an HTML page: label it as one.
        if getattr(response, "content_type", None) == PROBLEM_CONTENT_TYPE and not isinstance(
            getattr(response, "accepted_renderer", None), JSONRenderer
        ):
            response.content_type = None
        return response


def listed_queryset(queryset: QuerySet) -> QuerySet:
    """``queryset`` reading with its pages what the API shows of them: the locale, and for
    articles the source, lead image, topics, tags, corrections and bylines with the authors'
    photos, images with the API's renditions. A fixed number of queries for any number of
    pages (the body's blocks are resolved by ``rendering``)."""
    from ..models import NewsArticlePage
    from ..models.articles import listing_prefetches
    from ..serialization import images_with_renditions

    queryset = queryset.select_related("locale")
    if not issubclass(queryset.model, NewsArticlePage):
        return queryset
    images = images_with_renditions()
    return queryset.select_related("source").prefetch_related(
        Prefetch("lead_image", queryset=images),
        "topics",
        "tags",
        "corrections",
        *listing_prefetches(author_photos=images),
    )


def pages_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's problem handler, but a database outage is left to
    ``DatabaseUnavailableMiddleware`` as before (its 503 also says ``no-store``)."""
    if isinstance(exc, OperationalError):
        return None
    return problem_exception_handler(exc, context)


def wagtail_message(body: dict[str, Any]) -> str:
    """Wagtail's ``message`` for a problem body, for clients written against Wagtail's API."""
    errors = body.get("errors") or {}
    if errors:
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    return str(body["detail"])


@contextmanager
def blamed_on(name: str | None, *, not_found: bool = False) -> Iterator[None]:
    """Wagtail's refusal (and, with ``not_found``, its 404) while it reads ``name`` as a 400
    naming ``name``."""
    caught = (BadRequestError, Http404) if not_found else (BadRequestError,)
    try:
        yield
    except caught as error:
        if name is None:
            raise
        raise exceptions.ValidationError({name: [str(error)]}) from error


def filter_parameter(backend: type) -> str | None:
    """The query parameter that Wagtail's filter ``backend`` reads (``None``: field filters)."""
    for filter_class, name in FILTER_PARAMETERS.items():
        if issubclass(backend, filter_class):
            return name
    return None
