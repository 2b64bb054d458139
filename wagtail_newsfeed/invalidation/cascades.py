"""What a change reaching many pages makes stale: a topic's, author's or source's (what shows its
name), or a section's above stories (what named the pages below it at their old URLs). Bounded
to the ``MAX_AFFECTED_ARTICLES`` most recent stories, in a query count that does not grow with
their number."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import F, QuerySet
from wagtail.models import Page

from ..models import ArticleAuthor, LiveFeedPage, NewsArticlePage, NewsIndexPage, Topic
from ..models.taxonomy import with_ancestors
from ..sites import root_urls
from ..visibility import (
    visible_articles,
    visible_authors,
    visible_entries,
    visible_pages,
    visible_sources,
    visible_topics,
)
from .paths import (
    Stale,
    add_index,
    add_new,
    api_path,
    default_root_url,
    feed_paths,
    locate,
    lookup,
    page_paths,
    reverse_path,
    site_wide_paths,
)

#: What readers may see of each taxonomy model (``visibility``): only a public one has pages,
#: feeds and API answers that could be stale, and only a public one may be named to a receiver.
PUBLIC_TAXONOMY = {"topic": visible_topics, "author": visible_authors, "source": visible_sources}


def is_public_taxonomy(instance: Any) -> bool:
    """Whether readers can see this topic, author or source (a visible story uses it)."""
    visible = PUBLIC_TAXONOMY.get(instance._meta.model_name)
    return visible is not None and visible().filter(pk=instance.pk).exists()


#: The most articles whose own copies (page, API answer, lookup by path) a change to a topic,
#: author or source they name, or to the URL of a section above them, purges: the most recently
#: published first, so the cost is bounded for a topic of thousands. Past them, a copy shows the
#: old name or URL until its max-age (the shipped VCL's ban of ``articles/find/`` reaches every
#: lookup anyway).
MAX_AFFECTED_ARTICLES = 200


def _topics_through() -> tuple[Any, str]:
    """The table linking articles to their topics, and its article column."""
    field = NewsArticlePage._meta.get_field("topics")
    return field.remote_field.through, f"{field.m2m_field_name()}_id"


def newest(articles: QuerySet) -> list[Any]:
    """``articles``, the most recently published first, to ``MAX_AFFECTED_ARTICLES``: one
    query, whatever their number."""
    ordered = articles.defer_streamfields().order_by(F("published_at").desc(nulls_last=True), "-pk")
    return list(ordered[:MAX_AFFECTED_ARTICLES])


def newest_visible(articles: QuerySet) -> list[Any]:
    """The visible ones of ``articles`` (a queryset of ids or pages), as ``newest``."""
    return newest(visible_articles().filter(pk__in=articles))


def feed_topic_slugs(articles: Iterable[Any]) -> list[str]:
    """The topics of ``articles`` and the broader ones above them: the topic feeds listing
    them (a query on the link table and one a level of the topic tree, whatever their number)."""
    pks = [article.pk for article in articles]
    if not pks:
        return []
    through, column = _topics_through()
    ids = through.objects.filter(**{f"{column}__in": pks}).values("topic_id")
    return sorted(with_ancestors(Topic.objects.filter(pk__in=ids)).values_list("slug", flat=True))


def _add_article_copies(stale: Stale, article: Any, located: tuple | None) -> None:
    """The page of ``article`` at ``located`` (a root URL and path: where it is, or was), its
    API answer and its lookup by that path."""
    path = located[1] if located else None
    if path:
        stale.add_paths(located[0], page_paths(article, path))
    stale.add_api([api_path("article-detail", article.pk), lookup(path)])


def _articles_naming(instance: Any) -> QuerySet:
    """The ids of the articles that name this topic, author or source, from the link tables
    (no join of the pages)."""
    kind = instance._meta.model_name
    if kind == "topic":
        through, column = _topics_through()
        return through.objects.filter(topic_id=instance.pk).values(column)
    if kind == "author":
        return ArticleAuthor.objects.filter(author_id=instance.pk).values("page_id")
    return NewsArticlePage.objects.filter(source_id=instance.pk).values("pk")


def taxonomy_change(instance: Any, slug_before: str | None = None) -> Stale:
    """What shows a topic's, author's or source's name: every visible news index (its topic
    filter and bylines, with the topic's ``?topic=`` listing) and its feeds, each Site's latest
    feed and the topic's feeds, and the API's endpoints for it and for articles; and, for the
    ``MAX_AFFECTED_ARTICLES`` most recently published visible articles that name it, their
    pages, API answers and lookups, and the feeds of all their topics (an item shows its byline
    and topics); for an author, the live feeds showing their byline (``_add_bylined_feeds``).
    After a new slug (``slug_before``), the old paths too. The query count does not grow with
    the number of articles or feeds."""
    kind = instance._meta.model_name
    slugs = [instance.slug]
    add_new(slugs, [slug_before])
    topics = slugs if kind == "topic" else []
    stale = Stale(site=default_root_url())
    cache = SimpleNamespace()
    for index in visible_pages(NewsIndexPage.objects.all()).order_by("path").iterator():
        add_index(stale, index, topics, cache)
    articles = newest_visible(_articles_naming(instance))
    feed_topics = [*topics]
    add_new(feed_topics, feed_topic_slugs(articles))
    topic_feeds = (path for slug in feed_topics for path in feed_paths("topic", slug))
    site_feeds = [*feed_paths("latest"), *topic_feeds]
    for root_url in [stale.site, *root_urls()]:
        stale.add_paths(root_url or None, site_feeds)
    stale.add_api(
        [
            api_path(f"{kind}-list"),
            *(api_path(f"{kind}-detail", slug) for slug in slugs),
            api_path("article-list"),
            api_path("article-find"),
        ]
    )
    for article in articles:
        _add_article_copies(stale, article, locate(article, cache))
    if kind == "author":
        _add_bylined_feeds(stale, instance, cache)
    return stale


def _add_bylined_feeds(stale: Stale, author: Any, cache: Any) -> None:
    """The live feeds showing an entry with ``author``'s byline (their page, RSS/Atom feeds,
    fragments and entries endpoints) and those entries' API answers: the most recently
    published feeds and the latest entries first, each to ``MAX_AFFECTED_ARTICLES``, in a
    fixed number of queries."""
    entries = visible_entries().filter(authors=author)
    feed_ids = entries.values("feed_id")
    feeds = (
        Page.objects.filter(pk__in=feed_ids)
        .order_by(F("last_published_at").desc(nulls_last=True), "-pk")
        .specific(defer=True)[:MAX_AFFECTED_ARTICLES]
    )
    feeds = list(feeds)
    bylined = entries.filter(feed_id__in=[feed.pk for feed in feeds]).order_by("-pk")
    shown = list(bylined.values_list("feed_id", "pk").distinct()[:MAX_AFFECTED_ARTICLES])
    if feeds:
        stale.add_api([api_path("feed-list")])
    for feed in feeds:
        located = locate(feed, cache)
        if located is not None and located[1]:
            fragments = reverse_path("wagtail_newsfeed:live_fragments", feed.pk)
            own = page_paths(feed, located[1])
            stale.add_paths(located[0], [*own, *feed_paths("live", feed.pk), fragments])
        stale.add_api([api_path("feed-detail", feed.pk), api_path("feed-entries", feed.pk)])
    stale.add_api(api_path("feed-entry-detail", feed_id, pk) for feed_id, pk in shown)


def _as_at(page: Any, url_path: str) -> Any:
    """``page`` as it was at ``url_path``: Wagtail then works out its URL there (Site, mount
    point, trailing slash)."""
    before = copy.copy(page)
    before.__dict__.pop("specific_deferred", None)
    before.url_path = url_path
    return before


def section_change(page: Page, url_path_before: str) -> Stale:
    """A page other than an article or a live feed renamed or moved (its ``url_path`` was
    ``url_path_before``): every page below it has a new URL. What named the old ones, on the
    Site it was on and the one it is on now: the sitemaps, the latest feed, the feeds of the
    news indexes in it and the topic feeds of its articles, the API's article and feed lists
    and the lookup by path; the old pages of it and its news indexes; and of its
    ``MAX_AFFECTED_ARTICLES`` most recently published articles (and as many live feeds) the
    old pages, API answers and, for articles, lookups by the old path. Live pages, visible or
    not: a move into a private section hides them, and their copies must go all the same (so
    this is for purges only: a webhook payload must name no private page; ``webhooks.access``
    reports each visible story below a moved or renamed page). Nothing where no URL moved (a
    Site's root page). The query count does not grow with the number of pages."""
    if page.is_site_root():  # its Site serves it at "/" whatever its slug
        return Stale()
    cache = SimpleNamespace()
    then, now = locate(_as_at(page, url_path_before), cache), locate(page, cache)
    if then == now:
        return Stale()
    roots = list(dict.fromkeys(loc[0] for loc in (now, then) if loc is not None and loc[0]))
    stale = Stale(site=roots[0] if roots else default_root_url())

    def was(below: Any) -> tuple[str | None, str | None] | None:
        return locate(_as_at(below, url_path_before + below.url_path[len(page.url_path) :]), cache)

    indexes = list(
        NewsIndexPage.objects.live().descendant_of(page, inclusive=True).order_by("path")
    )
    articles = newest(NewsArticlePage.objects.live().descendant_of(page))
    feeds = LiveFeedPage.objects.live().filter(alias_of__isnull=True).descendant_of(page)
    feeds = list(feeds.order_by("-last_published_at", "-pk")[:MAX_AFFECTED_ARTICLES])
    slugs = feed_topic_slugs(articles)
    for root in roots:
        stale.add_paths(root, site_wide_paths(slugs))
        stale.add_paths(root, (path for index in indexes for path in feed_paths("index", index.pk)))
        for feed in feeds:
            fragments = reverse_path("wagtail_newsfeed:live_fragments", feed.pk)
            stale.add_paths(root, [*feed_paths("live", feed.pk), fragments])
    for moved in [page, *indexes]:
        if (old := was(moved)) is not None and old[1]:
            stale.add_paths(old[0], page_paths(moved, old[1]))
    if articles:
        stale.add_api([api_path("article-list"), api_path("article-find")])
    for article in articles:
        _add_article_copies(stale, article, was(article))
    if feeds:
        stale.add_api([api_path("feed-list")])
    for feed in feeds:
        if (old := was(feed)) is not None and old[1]:
            stale.add_paths(old[0], page_paths(feed, old[1]))
        stale.add_api([api_path("feed-detail", feed.pk), api_path("feed-entries", feed.pk)])
    return stale
