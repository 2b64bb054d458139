"""drf-spectacular's pre- and post-processing hooks for the API's document, and what they add:
only this API's endpoints; problem-details errors, ``ETag`` and 304 on every operation; the
bounds the views enforce on parameters. They say in the document what the views do, which
drf-spectacular cannot read from them."""

from __future__ import annotations

from typing import Any


def is_newsfeed_endpoint(view_class: type | None) -> bool:
    """A view of this API; not Wagtail's pages API, even through ``VisiblePagesAPIViewSet``."""
    # Imported here, not at the top: the serializers import this package, and only schema
    # generation needs Wagtail's API views (and the document's own, which import this module).
    from wagtail.api.v2.views import PagesAPIViewSet

    from .views import ProblemErrors

    return (
        view_class is not None
        and view_class.__module__.startswith("wagtail_newsfeed.api.")
        and not issubclass(view_class, (PagesAPIViewSet, ProblemErrors))
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
    from ...conf import settings
    from ...converters import MAX_ID
    from ..filters import longest_tag
    from ..views import longest_hostname

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
