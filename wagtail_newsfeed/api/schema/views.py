"""The OpenAPI document and its Swagger UI page: drf-spectacular's views with this API's settings,
made to answer like every other endpoint (problem-details errors, negotiation by ``Accept``,
``ETag`` and ``Cache-Control: public``) and to read no credentials."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils.cache import patch_cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ...conf import settings
from ..exceptions import conditional_api_response
from ..negotiation import JSONNegotiation
from .hooks import METHOD_NOT_ALLOWED, SLUG_PARAMETER

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
    "PREPROCESSING_HOOKS": ["wagtail_newsfeed.api.schema.hooks.newsfeed_endpoints_hook"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wagtail_newsfeed.api.schema.hooks.problem_responses_hook",
        "wagtail_newsfeed.api.schema.hooks.parameter_bounds_hook",
        "wagtail_newsfeed.api.schema.hooks.patch_bodies_hook",
    ],
}


class ProblemErrors:
    """Errors of the schema and docs views (a 405 for ``TRACE``, say) as problem details in JSON,
    like every other endpoint's, whatever renderer (YAML, HTML) the view would pick; ``OPTIONS``
    in JSON too."""

    def handle_exception(self, exc: Exception) -> Any:
        from django.http import JsonResponse

        from ..exceptions import PROBLEM_CONTENT_TYPE, problem_exception_handler

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
        return conditional_api_response(request, response)


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


class SchemaView(_PublicDocument, _HTTPCached, ProblemErrors, SpectacularAPIView):
    """The OpenAPI document of this API only (``newsfeed_endpoints_hook``)."""

    custom_settings = SCHEMA_SETTINGS
    content_negotiation_class = SchemaNegotiation


class DocsView(_PublicDocument, _HTTPCached, ProblemErrors, SpectacularSwaggerView):
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
