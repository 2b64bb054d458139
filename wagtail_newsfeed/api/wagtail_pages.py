"""Wagtail's pages API (v2) under this app's visibility rule and its error shape.

Wagtail's own ``PagesAPIViewSet`` lists every live page, including expired ones that stay live
until ``publish_scheduled`` runs, with their whole body. Register ``VisiblePagesAPIViewSet``
instead and the listing, the detail and the ``find`` view hide exactly what the site and the
newsfeed API hide, and a stored block that cannot be shown is left out of a body (as the
newsfeed API does) instead of failing the response.

Wagtail hands several query parameters to the database as they come (a date filter, a 30-digit
id, a NUL byte, an unknown search operator): a 500. Here every parameter a view reads is checked
first, and every refusal, Wagtail's own included, is a problem-details 400 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError, models
from django.db.models import Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from taggit.managers import TaggableManager
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
from wagtail.api.v2.utils import (
    BadRequestError,
    page_models_from_string,
    parse_boolean,
    parse_fields_parameter,
)
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.fields import StreamField as StreamModelField
from wagtail.models import Page, Site

from .. import body_references
from ..converters import parse_count, parse_id
from ..fragments import render_generation
from ..problems import PROBLEM_CONTENT_TYPE
from ..search import clean_query
from ..visibility import visible_pages
from .exceptions import problem_exception_handler
from .negotiation import JSONNegotiation

#: The longest value of any parameter: past any real page path, search or field list.
MAX_VALUE_LENGTH = 2048
#: How deep ``fields=`` may nest (``lead_image(title)`` is 1); Wagtail recurses once per level.
MAX_FIELDS_DEPTH = 8
MAX_PORT = 65535
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

#: A parameter's rule: the message saying what is wrong with a value, or ``None``.
Rule = Callable[[str], "str | None"]


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


def check_parameters(params: QueryDict, view: PagesAPIViewSet) -> None:
    """400 naming every query parameter the view would read whose value is not one it takes,
    or that the listing does not know (Wagtail refuses those too, unnamed)."""
    rules = dict(VIEW_RULES.get(view.action, SHARED_RULES))
    known: set[str] | None = None
    model = filtered_model(params.get("type"), view.model)
    fields = filter_fields(view, model)
    rules.update({name: partial(field_filter_error, field) for name, field in fields.items()})
    rules["format"] = partial(format_error, [renderer.format for renderer in view.get_renderers()])
    if view.action == "listing_view":
        known = set(view.get_available_fields(model, db_fields_only=True))
        known |= view.known_query_parameters
    errors: dict[str, list[str]] = {}
    for name, values in params.lists():
        message = parameter_error(name, values, rules.get(name))
        if message is None and known is not None and name not in known:
            message = _("Not an operation of this API nor a field of these pages.")
        if message:
            errors[name] = [message]
    if errors:
        raise exceptions.ValidationError(errors)


def parameter_error(name: str, values: list[str], rule: Rule | None) -> str | None:
    """The first thing wrong with a parameter: its name, or one of its values (Wagtail reads the
    last one, and its ``FieldsFilter`` every one)."""
    if message := value_error(name):
        return message
    for value in values:
        if message := value_error(value) or (rule(value) if rule else None):
            return message
    return None


def value_error(value: str) -> str | None:
    """What no parameter takes: a NUL byte (PostgreSQL refuses it in text), or a huge value."""
    if "\x00" in value:
        return _("Must not contain null characters.")
    if len(value) > MAX_VALUE_LENGTH:
        return _("Must be at most %(maximum)d characters.") % {"maximum": MAX_VALUE_LENGTH}
    return None


def count_error(value: str) -> str | None:
    if parse_count(value) is None:
        return _("Must be a whole number of at most 18 digits.")
    return None


def id_error(value: str) -> str | None:
    if parse_id(value) is None:
        return _("Must be an id: a positive whole number of at most 18 digits.")
    return None


def page_id_or_root_error(value: str) -> str | None:
    if value != "root" and parse_id(value) is None:
        return _("Must be an id (a positive whole number of at most 18 digits) or 'root'.")
    return None


def format_error(formats: list[str], value: str) -> str | None:
    """``?format=`` names one of the view's renderers (DRF answered another with a 404), or is
    empty (DRF reads that as none)."""
    if value and value not in formats:
        return _("Must be one of: %(formats)s.") % {"formats": ", ".join(formats)}
    return None


def search_operator_error(value: str) -> str | None:
    if value and value.lower() not in ("and", "or"):
        return _("Must be 'and' or 'or'.")
    return None


def type_error(value: str) -> str | None:
    if value and page_types(value) is None:
        return _(
            "Must name page types as app_label.ModelName, separated by commas; one is written "
            "otherwise or names no page type."
        )
    return None


def fields_error(value: str) -> str | None:
    """What Wagtail's parser says of ``fields=``, nested at most ``MAX_FIELDS_DEPTH`` deep."""
    depth = deepest = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_FIELDS_DEPTH:
        return _("Must not nest fields more than %(depth)d deep.") % {"depth": MAX_FIELDS_DEPTH}
    try:
        parse_fields_parameter(value)
    except ValueError as error:
        return str(error)
    return None


def site_error(value: str) -> str | None:
    """Wagtail reads ``hostname:port`` and looks the port up as given (30 digits: a 500); an
    unknown site is a 500 in Wagtail 7.4 (``Site.DoesNotExist``), so it is named here first."""
    hostname, colon, port = value.partition(":")
    if colon and not parse_count(port, MAX_PORT):
        return _("The port after ':' must be a number from 1 to 65535.")
    query = {"hostname": hostname, **({"port": int(port)} if colon else {})}
    found = Site.objects.filter(**query)[:2].count()
    if found == 0:
        return _("No site has this hostname (and port).")
    if found > 1:
        return _("Several sites have this hostname: add the port, as hostname:port.")
    return None


#: What every view reads (the detail's and ``find``'s object comes from the same queryset).
SHARED_RULES: dict[str, Rule] = {"type": type_error, "fields": fields_error, "site": site_error}
#: What each view reads besides, by DRF action; a listing's field filters are added per model.
#: The detail and find views run the listing's filters too (``get_object`` filters the
#: queryset through every filter backend), so they check what the listing checks.
LISTING_RULES: dict[str, Rule] = {
    **SHARED_RULES,
    "offset": count_error,
    "limit": count_error,
    "child_of": page_id_or_root_error,
    "descendant_of": page_id_or_root_error,
    "translation_of": page_id_or_root_error,
    "ancestor_of": id_error,
    "search_operator": search_operator_error,
}
VIEW_RULES: dict[str, dict[str, Rule]] = {
    "listing_view": LISTING_RULES,
    "detail_view": LISTING_RULES,
    "find_view": {**LISTING_RULES, "id": id_error},
}


def page_types(value: str) -> tuple[type[Page], ...] | None:
    """The page models ``type=`` names, as Wagtail reads them, else ``None``."""
    try:
        return page_models_from_string(value)
    except (LookupError, ValueError):
        return None


def filtered_model(type_value: str | None, default: type[Page]) -> type[Page]:
    """The model whose fields a listing filters on: Wagtail's choice (one type, or the base)."""
    types = page_types(type_value) if type_value else None
    return types[0] if types and len(types) == 1 else default


def filter_fields(view: PagesAPIViewSet, model: type[Page]) -> dict[str, Any]:
    """The model fields Wagtail's ``FieldsFilter`` filters on, by parameter name."""
    names = set(view.get_available_fields(model, db_fields_only=True)) - {"locale"}
    return {name: model._meta.get_field(name) for name in names}


def field_filter_error(field: Any, value: str) -> str | None:
    """Whether ``value`` is a value of ``field`` (or, for a relation, an id of its target)
    that the database can compare: Wagtail converts booleans and integers only."""
    if isinstance(field, TaggableManager):
        return None  # tag names
    if isinstance(field, models.BooleanField):
        try:
            parse_boolean(value)
        except ValueError:
            return _("Must be true, false, 1 or 0.")
        return None
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.IntegerField) and (field.is_relation or target.primary_key):
        return id_error(value)
    return model_value_error(target, value)


def model_value_error(field: Any, value: str) -> str | None:
    """What Django's ``field`` says of ``value`` (a date that is none, a number out of range),
    or that it is longer than the column."""
    try:
        python_value = field.to_python(value)
        if isinstance(field, models.IntegerField):
            field.run_validators(python_value)  # the database's range
    except DjangoValidationError as error:
        return " ".join(error.messages)
    if field.choices and python_value not in {key for key, _label in field.flatchoices}:
        # Selects nothing, silently: name the values it can take.
        choices = ", ".join(str(key) for key, _label in field.flatchoices)
        return _("Must be one of: %(choices)s.") % {"choices": choices}
    max_length = getattr(field, "max_length", None)
    if max_length and len(value) > max_length:
        return _("Must be at most %(maximum)d characters.") % {"maximum": max_length}
    return None
