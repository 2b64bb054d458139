"""What a change of one article or live feed makes stale (an edit, a page event, a move, a view
restriction): its page, what lists it, its feeds, the sitemaps, the API, the pages linking to
it."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from wagtail.models import Page

from ..models import Author, LiveEntry, LiveFeedMixin, NewsArticleMixin
from ..visibility import visible_pages
from .listings import UNLISTED, Listings, listings, topic_slugs
from .paths import (
    Stale,
    add_index,
    add_page,
    api_path,
    default_root_url,
    feed_paths,
    locate,
    lookup,
    page_sitemap_paths,
    reverse_path,
    site_wide_paths,
    start_stale,
)


def listing_change(index: Page, topic_slugs: Iterable[str] = ()) -> Stale:
    """An index that listed a page, with its ``topic_slugs`` listings and its feeds."""
    cache = SimpleNamespace()
    stale, _path = start_stale(index, cache)
    add_index(stale, index, topic_slugs, cache)
    return stale


def taxonomy_api_paths(listed: Listings) -> list[str | None]:
    """The API's taxonomy endpoints that show what ``listed`` names: their lists hold only
    what visible stories use (``visibility``), so a story's change can change them."""
    paths = [api_path(f"{kind}-list") for kind in ("topic", "author", "source")]
    for kind, slugs in (("topic", listed.topics), ("author", listed.authors)):
        paths += [api_path(f"{kind}-detail", slug) for slug in sorted(slugs)]
    paths += [api_path("source-detail", slug) for slug in sorted(listed.sources)]
    return paths


def page_sitemap_change(page: Page) -> Stale:
    """The page sitemap of the Site serving ``page`` (the default Site's if none does): what
    a view restriction on any page changes, a plain page's too."""
    located = locate(page, SimpleNamespace())
    stale = Stale(site=located[0] if located and located[0] else default_root_url())
    stale.add_paths(stale.site, page_sitemap_paths())
    return stale


def moved_from(parent_before: Page, page: Any) -> Stale:
    """What showed ``page`` under its old parent, on that parent's Site: the index with its topic
    listings and feeds and, for an article, the Site's latest and topic feeds and sitemaps (for
    a live feed, the page sitemap): a move to another Site takes it out of them; within one
    Site they are stale anyway."""
    slugs = topic_slugs(page)
    stale = listing_change(parent_before, slugs)
    if isinstance(page, NewsArticleMixin):
        stale.add_paths(stale.site, site_wide_paths(slugs))
    elif isinstance(page, LiveFeedMixin):
        stale.add_paths(stale.site, page_sitemap_paths())
    return stale


def article_change(article: Any, listed_before: Listings = UNLISTED) -> Stale:
    """Everything that shows ``article``: page, index, topic listings, feeds, sitemaps, API;
    ``listed_before`` adds the listings it was under before the change (a topic taken away)."""
    cache = SimpleNamespace()
    stale, path = start_stale(article, cache)
    listed = listings(article) | listed_before
    slugs = sorted(listed.topics)
    parent = article.get_parent()
    if parent is not None:
        add_index(stale, parent, slugs, cache)
    stale.add_paths(stale.site, site_wide_paths(slugs))
    stale.add_api(
        [
            api_path("article-list"),
            api_path("article-detail", article.pk),
            # Every ?path= of it (a proxy bans a path's every query string) and, for a CDN
            # that purges exact URLs, the lookup of this page.
            api_path("article-find"),
            lookup(path),
            *taxonomy_api_paths(listed),
        ]
    )
    for linker in linking_pages(article):
        add_page(stale, linker, cache)
        if isinstance(linker, NewsArticleMixin):
            stale.add_api([api_path("article-detail", linker.pk)])
    return stale


#: The most pages linking to an article whose copies a change of it purges (the most recently
#: published first); past them, a linking page's copy shows the old title or link until its
#: max-age, as on a site without purging.
MAX_LINKING_PAGES = 50


def linking_pages(article: Any) -> list[Any]:
    """The visible pages that link to ``article`` (an article's related links, related-article
    block or rich-text link, an index's intro), by Wagtail's reference index: they show its
    title and URL, or stop showing them when it is hidden."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    if article.pk is None:
        return []
    ids = (
        ReferenceIndex.get_references_to(article)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .exclude(object_id=str(article.pk))
        .values_list("object_id", flat=True)
    )
    pages = visible_pages(Page.objects.filter(pk__in=[int(pk) for pk in set(ids)]))
    return list(pages.order_by("-last_published_at", "-pk").specific()[:MAX_LINKING_PAGES])


def live_feed_change(feed: Any, *, with_index: bool = False, entries: Iterable[Any] = ()) -> Stale:
    """A live feed's page, its RSS/Atom feed, fragments and API endpoints, with the API URL of
    each entry in ``entries`` (a list, or a queryset: a feed may hold thousands) and its
    authors' (a byline can make an author public, or no longer); ``with_index`` (a page event:
    a publish or unpublish, a move, a view restriction, a delete) adds the page that lists it
    and the page sitemap."""
    cache = SimpleNamespace()
    stale, _path = start_stale(feed, cache)
    if with_index:
        if (parent := feed.get_parent()) is not None:
            add_page(stale, parent, cache)
        stale.add_paths(stale.site, page_sitemap_paths())
    fragments = reverse_path("wagtail_newsfeed:live_fragments", feed.pk)
    stale.add_paths(stale.site, [*feed_paths("live", feed.pk), fragments])
    if isinstance(entries, QuerySet):
        pks, chosen = list(entries.values_list("pk", flat=True)), entries.values("pk")
    else:
        pks = chosen = [entry.pk for entry in entries]
    stale.add_api(
        [
            api_path("feed-list"),  # each feed's cursor and time of change
            api_path("feed-detail", feed.pk),
            api_path("feed-entries", feed.pk),  # with its ?since= deltas, where a proxy bans paths
            *(api_path("feed-entry-detail", feed.pk, pk) for pk in pks),
        ]
    )
    if pks:
        authors = Author.objects.filter(live_entries__in=chosen).values_list("slug", flat=True)
        stale.add_api([api_path("author-list")])
        stale.add_api(api_path("author-detail", slug) for slug in sorted(set(authors)))
    return stale


def shown_entries(feed: Any) -> Any:
    """The entries of ``feed`` readers could read: those a view restriction hides with it."""
    return LiveEntry.objects.published().filter(feed_id=feed.pk).order_by("pk")


def page_change(page: Any, listed_before: Listings = UNLISTED) -> Stale:
    """What a page event (publish, unpublish, delete, a view restriction, a move) makes stale
    for an article or a live feed, with the page that lists it."""
    if isinstance(page, NewsArticleMixin):
        return article_change(page, listed_before)
    return live_feed_change(page, with_index=True)
