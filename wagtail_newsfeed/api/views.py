"""Article and taxonomy endpoints: thin DRF views over the visibility rule, the article filters
and the shared serializers. Lists prefetch everything they show, so a page of 100 articles costs
the same number of queries as a page of 5."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from wagtail.models import Site

from .. import caching
from ..converters import parse_count, parse_id
from ..http_caching import chosen_pages_expire_times
from ..models.articles import ArticleRelatedLink, listing_prefetches
from ..serialization import images_with_renditions
from ..sites import routing_root
from ..visibility import visible_articles, visible_authors, visible_sources, visible_topics
from .base import NewsfeedAPIView
from .exceptions import InvalidParameter
from .filters import ORDERINGS, ArticleFilter
from .pagination import NewsCursorPagination
from .serializers import (
    SUMMARY_KEYS,
    ArticleDetailSerializer,
    ArticleSummarySerializer,
    AuthorSerializer,
    SourceSerializer,
    TopicSerializer,
)

#: The largest TCP port number: ``Site.port`` holds nothing above it.
MAX_PORT = 65535


def text_param(request: Request, name: str) -> str:
    """A query parameter naming a path or a host, stripped; a 400 naming it if it holds a control
    character. No URL path or hostname has one, and PostgreSQL refuses a NUL in a text comparison
    (a 500 otherwise), so such a value can only be a mistake or a probe."""
    value = request.query_params.get(name, "").strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidParameter(name, _("Must not contain control characters."))
    return value


def longest_hostname() -> int:
    """The most characters a site's hostname holds (``Site.hostname``)."""
    return Site._meta.get_field("hostname").max_length


def parse_port(text: str) -> int | None:
    """A TCP port (1 to 65535, ASCII digits), else ``None``: a larger number would overflow the
    integer column in the lookup (SQLite raises ``OverflowError``: a 500)."""
    return parse_count(text, MAX_PORT) or None


def article_details() -> QuerySet:
    """Visible articles with everything an article's JSON shows prefetched. (Lists page through
    their rows' keys alone: ``ArticleList.paginate_queryset``.)"""
    return (
        visible_articles()
        .select_related("source")
        .prefetch_related(
            Prefetch("lead_image", queryset=images_with_renditions()),
            *listing_prefetches(author_photos=images_with_renditions()),
            "corrections",
            # With the related pages' expiry times (``ShowsArticle``): a join, no query more.
            Prefetch(
                "related_links",
                queryset=ArticleRelatedLink.objects.annotate(
                    related_expire_at=F("related__expire_at")
                ),
            ),
        )
    )


class ShowsArticle:
    """An endpoint answering with one article: its answer shows the article and the stories it
    points to (its related articles, the ``related_article`` blocks of its body), so it is kept
    no longer than until the first of them expires. Read once the answer is rendered, from what
    it read: the related pages come with their links (``article_details``), the body's as
    rendering converted them."""

    article: Any = None

    def shown_expire_times(self) -> tuple[Any, ...]:
        shown = super().shown_expire_times()  # type: ignore[misc]
        if self.article is None:
            return shown
        now = timezone.now()
        related = [link.related_expire_at for link in self.article.related_links.all()]
        related = [moment for moment in related if moment is not None and moment > now]
        try:
            in_body = chosen_pages_expire_times(self.article.body)
        except Exception:  # noqa: BLE001 - a damaged body: rendering showed what it could read
            in_body = list(next_page_expiry())
        return (*shown, self.article.expire_at, *related, *in_body)


class ArticleList(NewsfeedAPIView, generics.ListAPIView):
    """Article summaries, newest first unless `ordering` says otherwise, filtered."""

    serializer_class = ArticleSummarySerializer
    pagination_class = NewsCursorPagination
    cache_responses = True
    query_params = (*ArticleFilter.base_filters, "cursor", "limit")
    filter_backends = [DjangoFilterBackend]
    filterset_class = ArticleFilter

    def get_queryset(self) -> QuerySet:
        return visible_articles()

    def get_list_ordering(self, request: Request) -> tuple[str, ...]:
        return ORDERINGS.get(request.query_params.get("ordering"), ORDERINGS["-published_at"])

    def paginate_queryset(self, queryset: QuerySet) -> list[Any] | None:
        """Pages through the rows' keys alone: each summary is a kept piece, so an article is
        read whole only when its piece is rendered afresh (``KeptSummariesSerializer``). Their
        expiry times come in the same rows."""
        rows = super().paginate_queryset(queryset.values(*SUMMARY_KEYS, "expire_at"))
        self.note_expire_times(*(row["expire_at"] for row in rows or ()))
        return rows

    @extend_schema(summary="Article summaries, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ArticleDetail(ShowsArticle, NewsfeedAPIView, generics.RetrieveAPIView):
    """One article, with its body, corrections, related articles and SEO fields."""

    serializer_class = ArticleDetailSerializer
    cache_responses = True

    def get_queryset(self) -> QuerySet:
        return article_details()

    def get_object(self) -> Any:
        self.article = super().get_object()
        return self.article

    @extend_schema(summary="One article with its body")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ArticleFind(ShowsArticle, NewsfeedAPIView):
    """The article at a URL path, for frontends that route by path."""

    cache_responses = True
    query_params = ("path", "site")

    @extend_schema(
        summary="Find an article by its URL path",
        parameters=[
            OpenApiParameter("path", str, required=True, description="e.g. /news/my-story/"),
            OpenApiParameter(
                "site", str, description="Site hostname, hostname:port or id; default: this one."
            ),
        ],
        responses=ArticleDetailSerializer,
    )
    def get(self, request: Request) -> Response:
        path = text_param(request, "path")
        if not path.startswith("/"):
            raise InvalidParameter("path", _("Give the article's URL path, starting with '/'."))
        site = self.get_site(request)
        # Wagtail's own routing, as its pages API finds ``?html_path=``: the page a reader of
        # that URL gets (an Http404 when none is live there), then the visibility rule decides.
        # With i18n, a language prefix (/de/...) routes from that translation of the root page.
        # A path as URLs carry it (the API's own ``url``, a browser's ``location.pathname``) is
        # percent-encoded: /news/caf%C3%A9/ names the slug "café", as it does for a reader.
        components = [unquote(component) for component in path.split("/") if component]
        if any(ord(char) < 32 or ord(char) == 127 for part in components for char in part):
            raise InvalidParameter("path", _("Must not contain control characters."))
        root, components = routing_root(site, components)
        page, _args, _kwargs = root.route(request, components)
        article = article_details().filter(pk=page.pk).first()
        if article is None:
            raise Http404
        self.article = article
        return Response(ArticleDetailSerializer(article, context={"request": request}).data)

    @staticmethod
    def get_site(request: Request) -> Site:
        name = text_param(request, "site")
        sites = Site.objects.select_related("root_page")
        if not name:
            site = Site.find_for_request(request)
            if site is None:
                raise Http404
            return sites.get(pk=site.pk) if not hasattr(site, "root_page") else site
        hostname, sep, port_text = name.partition(":")
        # Hostnames are case-insensitive (RFC 4343), and "news.example." is "news.example"
        # written in full (the root's empty label): either names the site as a browser would.
        hostname = hostname.removesuffix(".")
        # No site has a longer one; and SQLite refuses a case-insensitive match of a pattern over
        # 50,000 bytes (an ``OperationalError``, which would read as a busy database).
        longest = longest_hostname()
        if len(hostname) > longest:
            raise InvalidParameter(
                "site", _("A hostname has at most %(maximum)d characters.") % {"maximum": longest}
            )
        if sep:
            port = parse_port(port_text)
            if port is None:
                raise InvalidParameter(
                    "site", _("The port after ':' must be a number from 1 to 65535.")
                )
            site = sites.filter(hostname__iexact=hostname, port=port).first()
        else:
            site = sites.filter(hostname__iexact=hostname).first()
            site_id = parse_id(name)
            if site is None and site_id is not None:
                site = sites.filter(pk=site_id).first()
        if site is None:
            raise InvalidParameter("site", _("No site with this hostname or id."))
        return site


def authors_queryset() -> QuerySet:
    """Visible authors with their photos' renditions prefetched."""
    return visible_authors().prefetch_related(Prefetch("photo", queryset=images_with_renditions()))


# Taxonomy: each list and detail shows only the items that visible content uses. One named only
# by drafts, private or expired stories would give them away, so it is absent from the list and
# its detail is a 404, like an unknown slug.


def next_page_expiry() -> tuple[Any, ...]:
    """The next time a live page expires (read with the response cache's generation, without a
    query): what the taxonomy shows may go with it (a topic used only by that story)."""
    return (caching.next_page_expiry(caching.API_GENERATION),)


class TaxonomyList(NewsfeedAPIView, generics.ListAPIView):
    """Base of the taxonomy lists: by name, paginated by cursor."""

    cache_responses = True
    pagination_class = NewsCursorPagination
    query_params = ("cursor", "limit")

    def shown_expire_times(self) -> tuple[Any, ...]:
        return next_page_expiry()

    def get_list_ordering(self, request: Request) -> tuple[str, ...]:
        return ("name", "id")


class TaxonomyDetail(NewsfeedAPIView, generics.RetrieveAPIView):
    """Base of the taxonomy details: one item by slug."""

    cache_responses = True
    lookup_field = "slug"

    def shown_expire_times(self) -> tuple[Any, ...]:
        return next_page_expiry()


@extend_schema_view(get=extend_schema(summary="Topics, by name"))
class TopicList(TaxonomyList):
    """Every topic that live, public content uses, by name."""

    serializer_class = TopicSerializer

    def get_queryset(self) -> QuerySet:
        return visible_topics().select_related("parent")


@extend_schema_view(get=extend_schema(summary="One topic by slug"))
class TopicDetail(TaxonomyDetail):
    """One topic, by slug (404 unless live, public content uses it)."""

    serializer_class = TopicSerializer

    def get_queryset(self) -> QuerySet:
        return visible_topics().select_related("parent")


@extend_schema_view(get=extend_schema(summary="Authors, by name"))
class AuthorList(TaxonomyList):
    """Every author that live, public content uses, by name."""

    serializer_class = AuthorSerializer

    def get_queryset(self) -> QuerySet:
        return authors_queryset()


@extend_schema_view(get=extend_schema(summary="One author by slug"))
class AuthorDetail(TaxonomyDetail):
    """One author, by slug (404 unless live, public content uses it)."""

    serializer_class = AuthorSerializer

    def get_queryset(self) -> QuerySet:
        return authors_queryset()


@extend_schema_view(get=extend_schema(summary="Sources, by name"))
class SourceList(TaxonomyList):
    """Every source that live, public content uses, by name."""

    serializer_class = SourceSerializer

    def get_queryset(self) -> QuerySet:
        return visible_sources()


@extend_schema_view(get=extend_schema(summary="One source by slug"))
class SourceDetail(TaxonomyDetail):
    """One source, by slug (404 unless live, public content uses it)."""

    serializer_class = SourceSerializer

    def get_queryset(self) -> QuerySet:
        return visible_sources()
