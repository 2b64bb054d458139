"""The one rule for what a reader may see.

Pages, syndication feeds, sitemaps, search and the API all call these functions, so draft,
scheduled, expired, private (view-restricted) and deleted content is hidden everywhere or nowhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from .caching import once_per_request
from .models import (
    ArticleAuthor,
    Author,
    LiveEntry,
    LiveFeedMixin,
    LiveFeedPage,
    NewsArticlePage,
    Source,
    Topic,
)
from .models.taxonomy import with_ancestors


def visible_pages(queryset: QuerySet) -> QuerySet:
    """Live, not expired, not in a private section (``_in_private_section``), and not an alias
    of a page readers may not see (``_hidden_aliases``, ``_expired_aliases``).

    Scheduled pages are not live until Wagtail publishes them; expired ones may still be marked
    live until ``publish_scheduled`` runs, so expiry is checked here too.
    """
    now = timezone.now()
    rules = _timeless_rules()
    return queryset.live().filter(
        ~rules.in_private_section,
        ~rules.below_closed_alias,
        Q(expire_at__isnull=True) | Q(expire_at__gt=now),
        ~Q(pk__in=_compiled_hidden_aliases(queryset.db)),
        ~Q(pk__in=_compiled_expired_aliases(queryset.db, now)),
    )


@dataclass(frozen=True)
class _TimelessRules:
    in_private_section: Exists
    below_closed_alias: Exists


@functools.cache
def _timeless_rules() -> _TimelessRules:
    """The parts of the rule that do not depend on the time, built once per process.

    Building them (joins along the links of alias chains) cost more than the rest of a reader
    request: about 6 ms for each ``visible_pages``, which a listing, its feeds and the API call
    several times. Django copies an expression or query each time another query uses it, so
    one built copy serves every query; what they find is read from the database each time."""
    return _TimelessRules(
        in_private_section=_in_private_section(),
        below_closed_alias=_below_closed_alias(),
    )


#: How many links of a chain of aliases the rule follows. Wagtail points a new alias at the page
#: it was made from, so an alias of an alias of a story is a chain of three pages; an alias at
#: the end of a longer chain than this is hidden (the rule fails closed).
MAX_ALIAS_CHAIN = 6


def _chain(field: str, links: int) -> str:
    """``field`` of the page ``links`` steps along the alias chain (0: the row itself)."""
    return "alias_of__" * links + field


def _in_private_section(*paths: OuterRef) -> Exists:
    """A page at or below a page with a view restriction (one of ``paths``, the outer row's
    own by default, starts with that page's).

    What Wagtail's ``PageQuerySet.public()`` excludes, as a subquery: ``public()`` reads every
    restriction in a query of its own each time it is called, and a reader page applies this
    rule several times (the page, its listings, its feeds)."""
    under = Q()
    for path in paths or (OuterRef("path"),):
        under |= Q(page__path=Substr(path, 1, Length("page__path")))
    return Exists(PageViewRestriction.objects.filter(under))


def _source_in_private_section() -> Q:
    """For a source page: in a private section by its own path or, when it is an alias itself,
    by the path of any page further along its chain of aliases. Wagtail checks only the
    restrictions of the pages of the chain, not their ancestors', so an alias would otherwise
    carry a members-only story into a public index."""
    paths = (OuterRef(_chain("path", links)) for links in range(MAX_ALIAS_CHAIN))
    return Q(_in_private_section(*paths)) | _chain_too_long()


def _chain_too_long() -> Q:
    """A source whose chain of aliases goes on past ``MAX_ALIAS_CHAIN`` pages."""
    return Q(**{_chain("alias_of__isnull", MAX_ALIAS_CHAIN - 1): False})


def _closed_aliases() -> QuerySet:
    """Aliases whose source is in a private section."""
    closed_source = Page.objects.filter(_source_in_private_section(), pk=OuterRef("alias_of"))
    return Page.objects.filter(Exists(closed_source), alias_of__isnull=False)


def _below_closed_alias() -> Exists:
    """A page below a closed alias (a story added under an alias of a members-only index)."""
    closed_path = Substr(OuterRef("path"), 1, Length("path"))
    return Exists(_closed_aliases().filter(numchild__gt=0, path=closed_path))


def _hidden_aliases() -> QuerySet:
    """Ids of aliases whose source readers may not see: in a private section or not live
    (Wagtail copies ``live`` to aliases, but the source decides), the source being every page
    along the chain of aliases. Expiry, which depends on the time, is ``_expired_aliases``.

    ``pk__in`` a subquery over aliases only (one source looked up by key for each): read once
    per query, and Wagtail search backends can translate it (not a negated ``Exists``)."""
    hidden = _source_in_private_section()
    for links in range(MAX_ALIAS_CHAIN):
        hidden |= Q(**{_chain("live", links): False})
    hidden_source = Page.objects.filter(hidden, pk=OuterRef("alias_of"))
    return Page.objects.filter(Exists(hidden_source), alias_of__isnull=False).values("pk")


def _expired_aliases(now: datetime) -> QuerySet:
    """Ids of aliases of an expired page: any page along the chain of aliases (Wagtail copies
    ``expire_at`` to aliases, but the source decides)."""
    expired = Q()
    for links in range(1, MAX_ALIAS_CHAIN + 1):
        expired |= Q(**{_chain("expire_at__lte", links): now})
    return Page.objects.filter(expired, alias_of__isnull=False).values("pk")


# The alias subqueries refer to nothing outside them, so their SQL is the same for every query
# but for the time: compiled once per process and database (Django otherwise compiles their joins
# along alias chains for every query, about 9 ms of a listing's 14 ms of query building on a slow
# core), and read from the database by every query as before.

#: A time compiled into the expired-aliases subquery in place of the present, then replaced.
_COMPILED_AT = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


@functools.cache
def _hidden_aliases_sql(db: str) -> tuple[str, tuple[Any, ...]]:
    return _hidden_aliases().query.get_compiler(using=db).as_sql()


def _compiled_hidden_aliases(db: str) -> RawSQL:
    """``_hidden_aliases`` as the SQL it compiles to (``pk__in`` takes it as a subquery)."""
    return RawSQL(*_hidden_aliases_sql(db))


@functools.cache
def _expired_aliases_sql(db: str) -> tuple[str, tuple[Any, ...], tuple[int, ...]] | None:
    """The SQL of ``_expired_aliases`` and which of its parameters are the time, or None if the
    database's form of the time is not found among them (then it is compiled for each query)."""
    sql, params = _expired_aliases(_COMPILED_AT).query.get_compiler(using=db).as_sql()
    field = Page._meta.get_field("expire_at")
    marker = field.get_db_prep_value(_COMPILED_AT, connections[db])
    at = tuple(index for index, param in enumerate(params) if param == marker)
    return (sql, tuple(params), at) if len(at) == MAX_ALIAS_CHAIN else None


def _compiled_expired_aliases(db: str, now: datetime) -> RawSQL | QuerySet:
    compiled = _expired_aliases_sql(db)
    if compiled is None:
        return _expired_aliases(now)
    sql, params, at = compiled
    value = Page._meta.get_field("expire_at").get_db_prep_value(now, connections[db])
    return RawSQL(sql, tuple(value if index in at else p for index, p in enumerate(params)))


def private_pages(queryset: QuerySet) -> QuerySet:
    """The pages of ``queryset`` readers may not see even while live: in a private section,
    below a closed alias, or an alias of a page in one (along its chain). Unpublishing a page
    changes none of this, so it tells whether readers saw the page before it went."""
    rules = _timeless_rules()
    return queryset.filter(
        Q(rules.in_private_section)
        | Q(rules.below_closed_alias)
        | Q(pk__in=_closed_aliases().values("pk"))
    )


def is_page_private(page: Page) -> bool:
    """Whether ``page`` is hidden from readers whether it is live or not (``private_pages``)."""
    return private_pages(Page.objects.filter(pk=page.pk)).exists()


def with_followers(pages: QuerySet) -> QuerySet:
    """``pages`` and the pages elsewhere whose visibility follows theirs: their aliases, the
    aliases of those along a chain (as far as the rule follows one, ``MAX_ALIAS_CHAIN``) and
    the pages below those aliases. What a view restriction or a move of ``pages`` shows or
    hides too. A query per link of the longest chain found (one when there is no alias),
    whatever the number of pages."""
    aliases: dict[int, str] = {}
    with_children: list[str] = []
    sources: Any = pages.values("pk")
    for _link in range(1, MAX_ALIAS_CHAIN):
        rows = Page.objects.filter(alias_of__in=sources).values_list("pk", "path", "numchild")
        found = [(pk, path, numchild) for pk, path, numchild in rows if pk not in aliases]
        if not found:
            break
        for pk, path, numchild in found:
            aliases[pk] = path
            if numchild:
                with_children.append(path)
        sources = [pk for pk, _path, _numchild in found]
    if not aliases:
        return pages
    followers = Q(pk__in=pages.values("pk")) | Q(pk__in=list(aliases))
    for path in with_children:
        followers |= Q(path__startswith=path)
    return Page.objects.filter(followers)


def visible_articles() -> QuerySet:
    return visible_pages(NewsArticlePage.objects.all())


def feed_aliases() -> QuerySet:
    """Aliases of live feeds: second addresses of a feed (``LiveFeedMixin.serve`` sends readers
    on to it), never listed, announced or written to as feeds of their own."""
    return Page.objects.type(LiveFeedMixin).filter(alias_of__isnull=False)


def visible_feeds() -> QuerySet:
    """Visible live feeds. An alias of a feed is a second address of it (readers are sent on to
    the feed, ``LiveFeedMixin.serve``), not a feed with entries of its own."""
    return visible_pages(LiveFeedPage.objects.filter(alias_of__isnull=True))


def visible_entries(
    feed: LiveFeedPage | None = None, request: HttpRequest | None = None
) -> QuerySet:
    """Published, not deleted entries of visible feeds (or of ``feed``, which must be visible;
    with ``request``, that is decided once per request)."""
    entries = LiveEntry.objects.published()
    if feed is not None:
        if not is_page_visible(feed, request):
            return entries.none()
        return entries.filter(feed=feed)
    return entries.filter(feed__in=visible_feeds().values("pk"))


def visible_topics() -> QuerySet:
    """Topics of at least one visible article, and the broader topics above them: a topic used
    only by drafts, private or expired stories is not public (its name could give the story
    away)."""
    return with_ancestors(Topic.objects.filter(pk__in=visible_articles().values("topics")))


def visible_authors() -> QuerySet:
    """Authors on the byline of a visible article or of a visible live entry."""
    on_articles = ArticleAuthor.objects.filter(page__in=visible_articles().values("pk"))
    return Author.objects.filter(
        Q(pk__in=on_articles.values("author")) | Q(pk__in=visible_entries().values("authors"))
    )


def visible_sources() -> QuerySet:
    """Sources credited by a visible article. (A source named only in a ``source_credit`` block
    reaches readers inside that block's JSON, not through the sources endpoints.)"""
    return Source.objects.filter(pk__in=visible_articles().values("source"))


def is_expired(page: Page) -> bool:
    return page.expire_at is not None and page.expire_at <= timezone.now()


def refuse_expired_page(page: Page, request: HttpRequest | None = None) -> None:
    """404 for an expired page that Wagtail still serves until ``publish_scheduled`` runs, for
    an alias whose hidden source Wagtail's own view-restriction check does not see, and for a
    page below such an alias (a story added under an alias of a members-only index)."""
    if is_expired(page):
        raise Http404("This page has expired.")
    if page.alias_of_id is not None and _alias_escapes_wagtail_check(page):
        raise Http404("This page is not public.")
    if (
        page.alias_of_id is None
        and request is not None
        and not is_page_visible(page, request)  # the cached sections: no query when visible
        and not page.get_view_restrictions().exists()
    ):
        raise Http404("This page is not public.")


def _alias_escapes_wagtail_check(alias: Page) -> bool:
    """Whether ``alias`` is hidden but Wagtail would serve it: Wagtail checks the restrictions
    of the source and of the alias's own ancestors, not the source's ancestors', so an alias of
    a story in a members-only section would be public. Aliases only: no cost for other pages."""
    if visible_pages(Page.objects.filter(pk=alias.pk)).exists():
        return False
    own_path = Substr(Value(alias.path), 1, Length("page__path"))
    seen_by_wagtail = PageViewRestriction.objects.filter(
        Q(page_id=alias.alias_of_id) | Q(page__path=own_path)
    )
    return not seen_by_wagtail.exists()


def is_page_visible(page: Page, request: HttpRequest | None = None) -> bool:
    """Whether readers may see ``page``, decided once per request with ``request``.

    With a request and a page loaded in it, its own ``live`` and ``expire_at`` say the first two
    things and the cached list of restricted sections (``sections``) the third, so serving a
    page costs no query for it; a preview's page (perhaps never saved) and an alias (whose
    source decides too) ask the database."""
    if request is None:
        from . import body_references

        listed = body_references.page_visible(page.pk)  # read with a list's other references
        if listed is not None:
            return listed
        return visible_pages(Page.objects.filter(pk=page.pk)).exists()
    return once_per_request(request, f"visible-page:{page.pk}", lambda: _visible(page, request))


def _visible(page: Page, request: HttpRequest) -> bool:
    if page.pk is None or getattr(request, "is_preview", False) or page.alias_of_id is not None:
        return visible_pages(Page.objects.filter(pk=page.pk)).exists()
    restricted, _aliases = sections(request)
    return page.live and not is_expired(page) and not _under(page.path, restricted)


def sections(request: HttpRequest | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The paths of private sections (pages with a view restriction, and aliases with children
    whose source is in a private section: ``_closed_aliases``), and of alias pages with
    children: read once per request, from a piece kept under the render generation
    (``fragments``).

    The render generation moves on whenever a view restriction is saved or deleted and whenever
    a page is published, unpublished, moved or deleted: all the ways either list can change for
    a page readers can reach (a new alias is a page of its own, whose restrictions Wagtail
    checks: see ``may_be_restricted``)."""
    from .fragments import cached

    if request is None:
        return cached("view-restricted-sections", (), _read_sections)
    return once_per_request(
        request,
        "view-restricted-sections",
        lambda: cached("view-restricted-sections", (), _read_sections, request),
    )


def _read_sections() -> tuple[tuple[str, ...], tuple[str, ...]]:
    restricted = PageViewRestriction.objects.values_list("page__path", flat=True)
    aliases = Page.objects.filter(alias_of__isnull=False, numchild__gt=0).annotate(
        closed=Exists(_closed_aliases().filter(pk=OuterRef("pk")))
    )
    rows = list(aliases.values_list("path", "closed"))
    closed = {path for path, is_closed in rows if is_closed}
    return tuple(sorted({*restricted, *closed})), tuple(path for path, _closed in rows)


def may_be_restricted(page: Page, request: HttpRequest | None = None) -> bool:
    """Whether Wagtail's view-restriction check could find a restriction for ``page``: one on
    the page or an ancestor, or an alias on its path (Wagtail then checks the alias's source,
    wherever it is). False means ``page.get_view_restrictions()`` is empty."""
    if page.alias_of_id is not None:
        return True
    restricted, aliases = sections(request)
    return _under(page.path, restricted) or _under(page.path, aliases)


def _under(path: str, sections: tuple[str, ...]) -> bool:
    return any(path.startswith(section) for section in sections)


# Documents -----------------------------------------------------------------------------------


def private_collections() -> QuerySet:
    """Collections with a view restriction on them or an ancestor (collections are a tree: a
    restriction covers every collection whose path starts with the restricted one's). Wagtail
    asks readers for a password or a login before serving their documents."""
    from wagtail.models import Collection, CollectionViewRestriction

    restricted_path = Substr(OuterRef("path"), 1, Length("collection__path"))
    restrictions = CollectionViewRestriction.objects.filter(collection__path=restricted_path)
    return Collection.objects.filter(Exists(restrictions))


def is_document_visible(document: Any, request: HttpRequest | None = None) -> bool:
    """Whether readers may see ``document``'s title and URL: not in a private collection (read
    once per request for every document it shows, with a request)."""

    def read() -> frozenset[int]:
        return frozenset(private_collections().values_list("pk", flat=True))

    private = read() if request is None else once_per_request(request, "private-collections", read)
    return document.collection_id not in private
