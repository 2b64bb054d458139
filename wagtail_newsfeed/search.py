"""Searching articles and live entries through Wagtail search, for the reader pages and the API.

Wagtail search backends only filter on fields declared as ``index.FilterField``; the visibility rule
also uses ``expire_at`` and view restrictions, which are not. So the candidates are chosen by the
ordinary queryset (``visibility``) and the search runs over "articles whose id is among them": one
SQL subquery on the database backends, and never a hidden article in the results.
"""

from __future__ import annotations

import unicodedata

from django.db.models import QuerySet
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from .models import LiveFeedPage, NewsArticlePage
from .models.articles import listing_prefetches

#: Longer queries are cut, not refused: a pasted paragraph still finds its article.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 32

#: Orderings a caller may ask for instead of relevance (must be ``FilterField``s).
ORDERINGS = ("-published_at", "published_at")


def clean_query(query: str | None) -> str:
    """The query as searched: whitespace collapsed, at most ``MAX_QUERY_WORDS`` words and
    ``MAX_QUERY_LENGTH`` characters.

    Control characters and an unbalanced double quote are dropped: SQLite's full-text engine
    rejects them as syntax errors (checked after the cut, which could split a quoted phrase).
    Wagtail's database backends build one nested expression per word, so a query of a few
    hundred words would exhaust Python's recursion limit.
    """
    query = "".join(" " if unicodedata.category(c) == "Cc" else c for c in query or "")
    query = " ".join(query.split()[:MAX_QUERY_WORDS])[:MAX_QUERY_LENGTH].strip()
    if query.count('"') % 2:
        query = " ".join(query.replace('"', " ").split())
    return query


def search_articles(
    query: str,
    index: Page | None = None,
    *,
    within: QuerySet | None = None,
    ordering: str | None = None,
):
    """Visible articles matching ``query``, most relevant first (or in ``ordering``).

    ``index`` limits the search to one news index's articles; ``within`` to a queryset the caller
    has already filtered (topic, author, dates...), so the API's ``q`` combines with its filters.
    Returns Wagtail search results: slice them or hand them to a ``Paginator``.
    """
    from .visibility import visible_articles

    if ordering is not None and ordering not in ORDERINGS:
        raise ValueError(f"Unsupported ordering {ordering!r}; use one of {ORDERINGS}.")
    candidates = visible_articles()
    if index is not None:
        candidates = candidates.child_of(index)
    if within is not None:
        candidates = candidates.filter(pk__in=within.values("pk"))
    articles = (
        NewsArticlePage.objects.filter(pk__in=candidates.values("pk"))
        .select_related("lead_image", "source")
        .prefetch_related(*listing_prefetches())
    )
    if ordering:
        return articles.order_by(ordering).search(clean_query(query), order_by_relevance=False)
    return articles.search(clean_query(query))


def search_pages(query: str):
    """Pages of any type that readers may see matching ``query``, most relevant first: for a
    site's own search view. The one ``wagtail start`` writes searches ``Page.objects.live()``,
    which finds expired and view-restricted pages too. Returns Wagtail search results (slice
    them or hand them to a ``Paginator``)."""
    from .visibility import visible_pages

    candidates = visible_pages(Page.objects.all())
    return Page.objects.filter(pk__in=candidates.values("pk")).search(clean_query(query))


def search_entries(query: str, feed: LiveFeedPage | None = None):
    """Published entries of visible feeds (or of ``feed``) matching ``query``, best first."""
    from .models.live import byline_prefetches
    from .visibility import visible_entries

    # visible_entries filters only on LiveEntry's FilterFields (status, deleted_at, feed).
    entries = visible_entries(feed).select_related("feed").prefetch_related(*byline_prefetches())
    return get_search_backend().search(clean_query(query), entries)


#: How many entries an admin search lists at most (best first): a list to pick from, not a report.
MAX_ADMIN_RESULTS = 500


def matching_entry_ids(query: str, within: QuerySet) -> list[int]:
    """Ids of the entries of ``within`` whose headline or body text matches ``query``, best
    first. For the admin's cross-feed list: most entries have no headline, so searching the
    headline column alone would miss them; the search runs over "entries whose id is among
    ``within``", as ``search_articles`` does, so the list's own filters still apply."""
    from .models import LiveEntry

    candidates = LiveEntry.objects.filter(pk__in=within.order_by().values("pk"))
    results = get_search_backend().search(clean_query(query), candidates)
    return [entry.pk for entry in results[:MAX_ADMIN_RESULTS]]
