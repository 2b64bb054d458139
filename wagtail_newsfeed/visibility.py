"""The one rule for what a reader may see.

Pages, syndication feeds, sitemaps, search and the API all call these functions, so draft,
scheduled, expired, private (view-restricted) and deleted content is hidden everywhere or nowhere.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from .caching import once_per_request
from .models import ArticleAuthor, Author, LiveEntry, LiveFeedPage, NewsArticlePage, Source, Topic


def visible_pages(queryset: QuerySet) -> QuerySet:
    """Live, not expired, and not behind a view restriction (on the page or an ancestor).

    Scheduled pages are not live until Wagtail publishes them; expired ones may still be marked
    live until ``publish_scheduled`` runs, so expiry is checked here too.
    """
    now = timezone.now()
    return queryset.live().filter(
        ~_in_private_section(), Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    )


def _in_private_section() -> Exists:
    """A page at or below a page with a view restriction (its path starts with that page's).

    What Wagtail's ``PageQuerySet.public()`` excludes, as a subquery: ``public()`` reads every
    restriction in a query of its own each time it is called, and a reader page applies this
    rule several times (the page, its listings, its feeds)."""
    restricted_path = Substr(OuterRef("path"), 1, Length("page__path"))
    return Exists(PageViewRestriction.objects.filter(page__path=restricted_path))


def visible_articles() -> QuerySet:
    return visible_pages(NewsArticlePage.objects.all())


def visible_feeds() -> QuerySet:
    return visible_pages(LiveFeedPage.objects.all())


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
    """Topics of at least one visible article: a topic used only by drafts, private or expired
    stories is not public (its name could give the story away)."""
    return Topic.objects.filter(pk__in=visible_articles().values("topics"))


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


def refuse_expired_page(page: Page) -> None:
    """404 for an expired page that Wagtail still serves until ``publish_scheduled`` runs."""
    if is_expired(page):
        raise Http404("This page has expired.")


def is_page_visible(page: Page, request: HttpRequest | None = None) -> bool:
    """Whether readers may see ``page``, decided once per request with ``request``.

    With a request and a page loaded in it, its own ``live`` and ``expire_at`` say the first two
    things and the cached list of restricted sections (``sections``) the third, so serving a
    page costs no query for it; a preview's page (perhaps never saved) asks the database."""
    if request is None:
        return visible_pages(Page.objects.filter(pk=page.pk)).exists()
    return once_per_request(request, f"visible-page:{page.pk}", lambda: _visible(page, request))


def _visible(page: Page, request: HttpRequest) -> bool:
    if page.pk is None or getattr(request, "is_preview", False):
        return visible_pages(Page.objects.filter(pk=page.pk)).exists()
    restricted, _aliases = sections(request)
    return page.live and not is_expired(page) and not _under(page.path, restricted)


def sections(request: HttpRequest | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The paths of pages with a view restriction, and of alias pages with children: read once
    per request, from a piece kept under the render generation (``fragments``).

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
    aliases = Page.objects.filter(alias_of__isnull=False, numchild__gt=0)
    return tuple(sorted(set(restricted))), tuple(aliases.values_list("path", flat=True))


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


def is_entry_visible(entry: LiveEntry) -> bool:
    return entry.is_published and is_page_visible(entry.feed)
