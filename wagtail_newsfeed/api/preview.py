"""``GET preview/?token=…``: the page a headless preview token was signed for, as the editor
previewed it (unsaved edits or a draft, published or never), in the shape of ``articles/<id>/``
or ``feeds/<id>/``.

The token is the only credential and grants exactly one snapshot (``wagtail_newsfeed.preview``).
Answers are never cached anywhere: not in the response cache, not by the browser or a CDN.
"""

from __future__ import annotations

from typing import Any

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from .. import entry_rules, preview
from ..models import LiveEntry
from .base import NewsfeedAPIView
from .exceptions import InvalidParameter
from .schema.hooks import NO_ETAG
from .serializers import (
    ArticleDetailSerializer,
    FeedDetailSerializer,
    entry_prefetches,
    page_url_and_path,
)

#: A token is ``django.core.signing`` output: URL-safe base64 parts joined by ":" (a leading "."
#: when compressed). Blank is a 400, so the schema says so; any other token of this alphabet is
#: well-formed and answers 200, 403, 404 or 410.
TOKEN_SCHEMA = {"type": "string", "minLength": 1, "pattern": r"^[A-Za-z0-9_.:-]+(?![\s\S])"}


class PreviewTokenInvalid(exceptions.APIException):
    status_code = 403
    default_detail = "This is not a valid preview token."
    default_code = "preview_token_invalid"


class PreviewExpired(exceptions.APIException):
    status_code = 410
    default_detail = "This preview has expired; preview the page again."
    default_code = "preview_expired"


def article_json(request: Request, page: Any) -> dict[str, Any]:
    return ArticleDetailSerializer(page, context={"request": request}).data


def feed_json(request: Request, page: Any) -> dict[str, Any]:
    """The feed as ``feeds/<id>/`` shows it; its entries are rows of their own, not part of the
    page's revisions, so the published ones are shown even while the feed is a draft."""
    entries = (
        LiveEntry.objects.published().filter(feed_id=page.pk).prefetch_related(*entry_prefetches())
    )
    context = {
        "request": request,
        "feed_url": page_url_and_path(page, request)[0],
        "pinned": entries.filter(is_pinned=True).first(),
        "key_events": entry_rules.latest_key_events(entries),
    }
    return FeedDetailSerializer(page, context=context).data


class HeadlessPreview(NewsfeedAPIView):
    """The previewed page for a headless preview token."""

    @extend_schema(
        summary="A previewed draft, for a headless preview token",
        description=(
            "The admin's headless preview opens the frontend's preview URL with `token` and "
            "`content_type`. This answers the page as the editor previewed it, in the shape of "
            "`articles/<id>/` (content type `wagtail_newsfeed.newsarticlepage`) or "
            "`feeds/<id>/` (`wagtail_newsfeed.livefeedpage`), with `Cache-Control: no-store`. "
            "Tokens last `HEADLESS_PREVIEW_TOKEN_MAX_AGE` seconds."
        ),
        parameters=[
            OpenApiParameter(
                "token", TOKEN_SCHEMA, required=True, description="The preview token."
            ),
            OpenApiParameter(
                "content_type",
                str,
                description="Optional: the content type from the preview URL; 400 if it is "
                "not the token's.",
            ),
        ],
        responses={
            200: OpenApiResponse(
                response=PolymorphicProxySerializer(
                    component_name="PreviewedPage",
                    serializers=[ArticleDetailSerializer, FeedDetailSerializer],
                    resource_type_field_name=None,
                ),
                description="An ArticleDetail or a FeedDetail, per `content_type`.",
            ),
            400: OpenApiResponse(description="No token, or `content_type` is not the token's."),
            403: OpenApiResponse(description="Not a valid preview token (unknown or altered)."),
            404: OpenApiResponse(description="The previewed page was deleted."),
            410: OpenApiResponse(description="The token or its snapshot expired: preview again."),
        },
        extensions={NO_ETAG: True},  # a draft for one editor: no ETag, no 304
    )
    def get(self, request: Request) -> Response:
        token = request.query_params.get("token", "").strip()
        if not token:
            raise InvalidParameter("token", _("Give the preview token."))
        try:
            previewed = preview.load_preview(token)
        except preview.PreviewExpired as error:
            raise PreviewExpired(str(error)) from None
        except preview.PreviewedPageGone as error:
            raise exceptions.NotFound(str(error)) from None
        except preview.PreviewTokenError as error:
            raise PreviewTokenInvalid(str(error)) from None
        content_type = request.query_params.get("content_type")
        if content_type not in (None, "", previewed.content_type):
            raise InvalidParameter(
                "content_type", _("This token is for %(ct)s.") % {"ct": previewed.content_type}
            )
        if previewed.kind == "article":
            return Response(article_json(request, previewed.page))
        return Response(feed_json(request, previewed.page))

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        """A draft is for the one editor holding the token, and an error about a token says
        nothing worth keeping: neither is stored by a browser, proxy or CDN."""
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        response["X-Robots-Tag"] = "noindex"
        return response

    def _cacheable(self, request: Request, response: Any) -> Any:
        return response  # no ETag, no max-age: see finalize_response
