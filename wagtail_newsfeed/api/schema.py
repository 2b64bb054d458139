"""OpenAPI shapes of StreamField blocks and shared objects, for drf-spectacular.

These serializers only describe JSON (they are never used to produce it: the blocks'
``get_api_representation`` and ``wagtail_newsfeed.serialization`` do). Each block type is its own
component, ``{type, id, value}``, and a body is a list discriminated by ``type``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils.cache import patch_cache_control
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import PolymorphicProxySerializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers

from ..blocks import NewsStreamBlock
from ..conf import settings
from .exceptions import conditional_response
from .negotiation import JSONNegotiation


class RenditionSchema(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ImageSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    alt = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = serializers.DictField(
        child=RenditionSchema(), help_text="Keyed by rendition name (setting API_RENDITIONS)."
    )


class DocumentSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()
    file_extension = serializers.CharField()


class PageLinkSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="Null if no site serves the page.")


class SourceSchema(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField(allow_null=True)


class TopicSchema(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class AuthorSchema(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.CharField()
    photo = ImageSchema(allow_null=True)


#: ``deleted`` of an entry and of a tombstone: a required constant each, so that in delta sync
#: (``oneOf`` entry or tombstone) every item matches exactly one of the two.
NOT_DELETED = {
    "type": "boolean",
    "enum": [False],
    "description": "Always false for an entry (true only in a tombstone).",
}
DELETED = {
    "type": "boolean",
    "enum": [True],
    "description": "Always true: the entry was deleted or unpublished.",
}


# Block values ---------------------------------------------------------------------------------


class HeadingValue(serializers.Serializer):
    text = serializers.CharField()
    level = serializers.ChoiceField(choices=["h2", "h3"])


class ImageValue(serializers.Serializer):
    image = ImageSchema(allow_null=True)
    decorative = serializers.BooleanField(
        help_text='The image adds nothing to the text: `alt` is "" (render `alt=""`).'
    )
    alt = serializers.CharField(allow_blank=True)
    caption = serializers.CharField()
    credit = serializers.CharField()


class QuoteValue(serializers.Serializer):
    text = serializers.CharField()
    attribution = serializers.CharField()


class EmbedValue(serializers.Serializer):
    url = serializers.URLField(allow_null=True)
    html = serializers.CharField(help_text="Provider embed HTML; empty if it cannot be fetched.")
    caption = serializers.CharField()


class KeyPointsValue(serializers.Serializer):
    title = serializers.CharField()
    points = serializers.ListField(child=serializers.CharField())


class FactBoxValue(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField(help_text="HTML with links resolved.")


class TableSpan(serializers.Serializer):
    row = serializers.IntegerField(min_value=0)
    col = serializers.IntegerField(min_value=0)
    rowspan = serializers.IntegerField(min_value=1)
    colspan = serializers.IntegerField(min_value=1)


class TableValue(serializers.Serializer):
    caption = serializers.CharField()
    first_row_is_header = serializers.BooleanField()
    first_col_is_header = serializers.BooleanField()
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)),
        help_text="Every stored cell in its row and column; null for a cell readers do not see "
        "(hidden, as a cell a merge covers is).",
    )
    spans = TableSpan(
        many=True, help_text="Merged cells: rowspan and colspan of the cell at row, col."
    )


class RelatedArticleValue(serializers.Serializer):
    page = PageLinkSchema(allow_null=True, help_text="Null when the article is not public.")
    label = serializers.CharField()


class DocumentValue(serializers.Serializer):
    document = DocumentSchema(allow_null=True)
    title = serializers.CharField()


class SourceCreditValue(serializers.Serializer):
    source = SourceSchema(allow_null=True)
    note = serializers.CharField()


class TimelineEventValue(serializers.Serializer):
    when = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class TimelineValue(serializers.Serializer):
    title = serializers.CharField()
    events = TimelineEventValue(many=True)


BLOCK_VALUES = {
    "paragraph": lambda: serializers.CharField(help_text="HTML with links resolved."),
    "heading": HeadingValue,
    "image": ImageValue,
    "quote": QuoteValue,
    "pull_quote": QuoteValue,
    "embed": EmbedValue,
    "key_points": KeyPointsValue,
    "fact_box": FactBoxValue,
    "table": TableValue,
    "related_article": RelatedArticleValue,
    "document": DocumentValue,
    "source_credit": SourceCreditValue,
    "timeline": TimelineValue,
}


def _block_component(name: str) -> type[serializers.Serializer]:
    camel = "".join(part.title() for part in name.split("_"))
    return type(
        f"{camel}Block",
        (serializers.Serializer,),
        {
            "__doc__": f"A `{name}` block.",
            "type": serializers.ChoiceField(choices=[name]),
            "id": serializers.CharField(
                allow_null=True,
                help_text="The block's stable id (a UUID); null only for a block stored "
                "without one (content imported around Wagtail).",
            ),
            "value": BLOCK_VALUES[name](),
        },
    )


BLOCK_COMPONENTS = {name: _block_component(name) for name in NewsStreamBlock.base_blocks}


def body_schema() -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="Block",
        serializers=BLOCK_COMPONENTS,
        resource_type_field_name="type",
        many=True,
    )


class BlockInputSchema(serializers.Serializer):
    """A block to write: ``value`` in the stored form (rich text as HTML, images and documents
    and pages by id, sources by id, tables as Wagtail table data)."""

    type = serializers.ChoiceField(choices=list(NewsStreamBlock.base_blocks))
    value = serializers.JSONField()
    id = serializers.CharField(required=False)


class WagtailAPITokenScheme(OpenApiAuthenticationExtension):
    target_class = "wagtail_newsfeed.api.base.WagtailAPITokenAuthentication"
    name = "wagtailApiToken"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201
        return {"type": "http", "scheme": "bearer", "description": "Wagtail 8 API token."}


class CookieSessionScheme(SessionScheme):
    """The session, as drf-spectacular describes DRF's own (it matches no subclass)."""

    target_class = "wagtail_newsfeed.api.base.CookieSessionAuthentication"


def is_newsfeed_endpoint(view_class: type | None) -> bool:
    """A view of this API; not Wagtail's pages API, even through ``VisiblePagesAPIViewSet``."""
    # Imported here, not at the top: the serializers import this module, and only schema
    # generation needs Wagtail's API views.
    from wagtail.api.v2.views import PagesAPIViewSet

    return (
        view_class is not None
        and view_class.__module__.startswith("wagtail_newsfeed.api.")
        and not issubclass(view_class, (PagesAPIViewSet, _ProblemErrors))
    )


def newsfeed_endpoints_hook(
    endpoints: list[tuple[Any, ...]], **kwargs: Any
) -> list[tuple[Any, ...]]:
    """drf-spectacular preprocessing hook: the document describes only this API's endpoints, at
    the paths where the site mounted them (not Wagtail's admin API or the site's own views)."""
    return [
        endpoint
        for endpoint in endpoints
        if is_newsfeed_endpoint(getattr(endpoint[3], "cls", None))
    ]


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "urn:wagtail-newsfeed:problem:invalid"},
        "title": {"type": "string", "example": "Bad Request"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "Invalid value for: limit."},
        "errors": {
            "type": "object",
            "description": "Each bad parameter or field, with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"limit": ["Must be at most 100."]},
        },
        "block_errors": {
            "type": "object",
            "description": "Wagtail's structured StreamField errors, for invalid `body` blocks.",
        },
    },
}

ERROR_DESCRIPTIONS = {
    "400": "A parameter or field is invalid; `errors` names it.",
    "401": "No or invalid credentials.",
    "403": "Not allowed to change this feed (Wagtail page permissions), or CSRF failed.",
    "404": "No such public resource.",
    "406": "`Accept` allows no JSON; checked before credentials and parameters.",
    "409": "The entry changed since the given version (If-Match).",
    "412": "`If-Match` names no current `ETag` of the resource.",
    "413": "The body is larger than Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`; nothing was saved.",
    "415": "The body is not JSON (`Content-Type: application/json`).",
    "429": "Too many writes; retry after `Retry-After` seconds.",
    "503": "The database cannot answer right now (a restart, a lock held too long); nothing "
    "was changed. Send the same request again after `Retry-After` seconds.",
}

#: ``extend_schema(extensions={NO_ETAG: True})``: a GET that never sends an ``ETag`` (so never
#: a 304). Read and removed by ``problem_responses_hook``: it is not in the document.
NO_ETAG = "x-newsfeed-no-etag"

#: Response headers the API sends, documented on the responses that carry them.
HEADERS = {
    "ETag": {
        "description": "The body's version: send it in `If-None-Match`.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The new entry's URL.",
        "schema": {"type": "string", "format": "uri"},
    },
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 0}},
    "Allow": {
        "description": "The methods the path answers, e.g. `GET, HEAD, OPTIONS`.",
        "schema": {"type": "string"},
    },
}

#: Said once for the whole document (in ``MethodNotAllowed`` and the description).
METHOD_NOT_ALLOWED = (
    "A method the path does not list (`TRACE`, `PUT`, a write on a read endpoint): a 405 "
    "problem with `Allow`, before credentials are checked. `HEAD` and `OPTIONS` are answered "
    "on every path."
)
HEADERS_OF = {"201": ["Location"], "429": ["Retry-After"], "503": ["Retry-After"]}


def problem_responses_hook(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular post-processing: every error response is a ``Problem``; any answer may be
    a 406 or (every endpoint reads the database) a 503, a write with a body a 413 or 415; GETs
    are public and (but ``NO_ETAG`` ones) have an ``ETag`` and may answer 304, or 412 to an
    ``If-Match`` naming another.

    A 405 is the answer to a method a path does not list, so no listed operation can send it:
    it is ``components.responses.MethodNotAllowed``, referenced by none: a path's operations,
    with ``HEAD`` and ``OPTIONS``, are its ``Allow`` (as schemathesis's ``unsupported_method``
    check reads the document)."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    components.setdefault("responses", {})["MethodNotAllowed"] = {
        "description": METHOD_NOT_ALLOWED,
        "headers": {"Allow": HEADERS["Allow"]},
        "content": content,
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            etag = not operation.pop(NO_ETAG, False)
            responses = operation.setdefault("responses", {})
            codes = {"400", "404"} if method == "get" else {"400", "401", "403", "404", "429"}
            codes |= {code for code in responses if code.startswith("4")} | {"406", "503"}
            if "requestBody" in operation:
                codes |= {"413", "415"}
            if method == "get" and etag:
                codes.add("412")
            for code in sorted(codes):
                entry = responses.get(code) or {}
                description = entry.get("description")
                if not description or description == "No response body":
                    entry["description"] = ERROR_DESCRIPTIONS.get(code, "Error.")
                entry["content"] = content
                responses[code] = entry
            headers = {code: list(names) for code, names in HEADERS_OF.items()}
            if method == "get" and etag:
                responses["304"] = {"description": "Not modified: If-None-Match matched the ETag."}
                headers.update({"200": ["ETag"], "304": ["ETag"]})
            for code, names in headers.items():
                if code in responses:
                    found = responses[code].setdefault("headers", {})
                    found.update({name: HEADERS[name] for name in names})
            if method == "get":
                operation["security"] = [{}]  # reads are public and ignore credentials
    return result


def parameter_bounds_hook(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular post-processing: the bounds the views enforce, as ``minimum``/``maximum``
    (read from settings when the schema is generated), so clients and fuzzers know them."""
    from ..conf import settings
    from ..converters import MAX_ID
    from .filters import longest_tag
    from .views import longest_hostname

    ids = {"minimum": 1, "maximum": MAX_ID}
    longest_site = longest_hostname() + len(".:65535")  # with its final dot and a port
    bounds = {
        "limit": {"minimum": 1, "maximum": int(settings.API_MAX_PAGE_SIZE)},
        "id": ids,
        "entry_id": ids,
        "before": ids,
    }
    strings = {
        # A URL path: starts with "/", no control characters (either is a 400).
        "path": {"pattern": r"^/[^\u0000-\u001f\u007f]*" + END},
        "published_after": TIME_FILTER,
        "published_before": TIME_FILTER,
        # A hostname[:port] or id: no control characters, nor longer than a site's (a 400
        # naming `site`).
        "site": {"pattern": r"^[^\u0000-\u001f\u007f]*" + END, "maxLength": longest_site},
        # Text filters: any text but NUL (Django's forms refuse it: a 400 naming the filter).
        **dict.fromkeys(
            ("topic", "tag", "author", "source", "q"), {"pattern": r"^[^\u0000]*" + END}
        ),
    }
    strings["tag"] = {**strings["tag"], "maxLength": longest_tag()}  # a tag's name or slug
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "query" and parameter["name"] in EMPTY_MEANS_ABSENT:
                    parameter["allowEmptyValue"] = True
                if parameter["name"] in bounds and schema.get("type") == "integer":
                    schema.update(bounds[parameter["name"]])
                elif parameter["name"] in strings and schema.get("type") == "string":
                    schema.update(strings[parameter["name"]])
    return result


def patch_bodies_hook(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular post-processing: an entry's ``display_time`` may be null in a POST (it
    means now) but not in a PATCH (a 400: leave it out to keep the time)."""
    schemas = result.get("components", {}).get("schemas", {})
    field = schemas.get("PatchedEntryWrite", {}).get("properties", {}).get("display_time")
    if field is not None and isinstance(field.get("type"), list):
        field["type"] = next(kind for kind in field["type"] if kind != "null")
        field["description"] = "Not null: leave it out to keep the entry's time."
    return result


#: Query parameters the views read as not given when empty (``?limit=&topic=`` is the plain
#: list, as an HTML form would send it); ``since`` and ``path`` are not among them (400).
EMPTY_MEANS_ABSENT = frozenset(
    {
        "limit", "before", "key_events", "status", "cursor", "ordering", "site",
        "published_after", "published_before", "topic", "tag", "author", "source", "q",
    }
)  # fmt: skip

#: ``published_after``/``published_before``: an ISO 8601 date or an RFC 3339 date-time.
TIME_FILTER = {
    "anyOf": [{"format": "date"}, {"format": "date-time"}],
    "description": "ISO 8601 date (midnight, site time) or date-time.",
}


#: The end of a ``pattern``: ``$`` also matches before a final newline in Python's ``re`` (which
#: Python validators and clients use) but not in ECMA-262, so "climate\n" would pass one and not the
#: other (the server refuses it). A lookahead for "no character left" reads alike in both.
END = r"(?![\s\S])"


#: A slug path parameter. The server's rule is ``SlugConverter``'s ``[-\w]+`` in Python, where
#: ``\w`` is Unicode; in ECMA-262 regex, JSON Schema's dialect (Ajv, jsonschema-rs, a JavaScript
#: client), ``\w`` is ASCII, so that pattern would refuse ``café``, and ``\p{L}`` needs a ``u``
#: flag Python's ``re`` lacks. This class reads alike in all three: ASCII letters, digits, ``-``
#: and ``_``, or any non-ASCII character. Slightly wider than the server (a non-ASCII character
#: that is not a letter or digit is a 404, as an unknown slug is), never narrower.
SLUG_PARAMETER = {
    "type": "string",
    "pattern": r"^[^\u0000-\u002c\u002e\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u007f]+" + END,
}


SCHEMA_SETTINGS = {
    "TITLE": "wagtail-newsfeed API",
    "DESCRIPTION": (
        "News articles, live feeds with delta sync, and the newsroom's taxonomy. "
        "Errors are RFC 9457 problem details (application/problem+json). " + METHOD_NOT_ALLOWED
    ),
    "VERSION": "1.0.0",
    # 3.1: a nullable object is ``oneOf: [{$ref}, {type: "null"}]``, which strict validators and
    # generated clients honour (3.0's ``nullable`` beside an ``allOf`` is ignored by them).
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": r"/.*v1",
    "ENUM_NAME_OVERRIDES": {
        "CoverageStatusEnum": ["upcoming", "live", "ended"],
        "EntryStatusEnum": ["published", "draft"],
    },
    "PATH_CONVERTER_OVERRIDES": {"newsfeed_id": int, "newsfeed_slug": SLUG_PARAMETER},
    "PREPROCESSING_HOOKS": ["wagtail_newsfeed.api.schema.newsfeed_endpoints_hook"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wagtail_newsfeed.api.schema.problem_responses_hook",
        "wagtail_newsfeed.api.schema.parameter_bounds_hook",
        "wagtail_newsfeed.api.schema.patch_bodies_hook",
    ],
}


class _ProblemErrors:
    """Errors of the schema and docs views (a 405 for ``TRACE``, say) as problem details in JSON,
    like every other endpoint's, whatever renderer (YAML, HTML) the view would pick; ``OPTIONS``
    in JSON too."""

    def handle_exception(self, exc: Exception) -> Any:
        from django.http import JsonResponse

        from .exceptions import PROBLEM_CONTENT_TYPE, problem_exception_handler

        response = problem_exception_handler(exc, self.get_exception_handler_context())
        if response is None:
            return super().handle_exception(exc)
        return JsonResponse(
            response.data,
            status=response.status_code,
            content_type=PROBLEM_CONTENT_TYPE,
            headers={k: v for k, v in response.headers.items() if k.lower() != "content-type"},
        )

    def perform_content_negotiation(self, request: Any, force: bool = False) -> tuple[Any, str]:
        """``OPTIONS`` answers DRF's metadata in JSON with ``Allow``, as every other endpoint
        does: the Swagger view's HTML renderer has no template for it (a 500), and the schema
        view would answer it as an OpenAPI document."""
        if request.method == "OPTIONS":
            from rest_framework.renderers import JSONRenderer

            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)


class _HTTPCached:
    """``ETag``, ``Cache-Control: public, max-age=API_CACHE_MAX_AGE`` and a 304 on a matching
    ``If-None-Match``, as every GET of the API has (``NewsfeedAPIView``). The document changes
    only when the site is deployed again, and then its ETag does."""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=int(settings.API_CACHE_MAX_AGE))
        return conditional_response(request, response)


class SchemaNegotiation(JSONNegotiation):
    """The document's own types (OpenAPI YAML or JSON, ``application/yaml`` or ``json``), picked
    by ``Accept`` with q-values like every endpoint's answer (an ``Accept`` refusing them all is
    a 406); ``?format=json`` or ``yaml``, as the docs link it, narrows the choice first."""

    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted:
            renderers = self.filter_renderers(renderers, wanted)  # none of that format: a 404
        return super().select_renderer(request, renderers, format_suffix)


class _PublicDocument:
    """No credentials are read: the document and its page are the same for every reader (and
    ``Cache-Control: public``), as every read of the API is. drf-spectacular would use the
    project's DRF authenticators, whose HTTP Basic checks any ``Authorization: Basic`` against
    Django's passwords: a 401 or a 200 on a public URL, a password oracle. *Try it out* needs
    none here: Swagger UI sends its token to the endpoints it calls."""

    authentication_classes: list[type] = []


class SchemaView(_PublicDocument, _HTTPCached, _ProblemErrors, SpectacularAPIView):
    """The OpenAPI document of this API only (``newsfeed_endpoints_hook``)."""

    custom_settings = SCHEMA_SETTINGS
    content_negotiation_class = SchemaNegotiation


class DocsView(_PublicDocument, _HTTPCached, _ProblemErrors, SpectacularSwaggerView):
    """Swagger UI for the document, with assets from the site's static files.

    The page is the same for every reader, so caches may keep it: it holds no reader's CSRF
    token (drf-spectacular writes one in, new on every request). Its "Try it out" writes
    authorize with an API token, which needs no CSRF token.

    Negotiated as every endpoint is (``JSONNegotiation``): q-values count, so an ``Accept``
    refusing HTML is a 406, and ``?format=`` is ignored like any unknown parameter (DRF's
    default answers a 404 for ``?format=json``)."""

    content_negotiation_class = JSONNegotiation

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().get(request, *args, **kwargs)
        response.data["csrf_token"] = ""  # the template's context: over the context processor's
        return response
