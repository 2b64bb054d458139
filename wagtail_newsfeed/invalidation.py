"""Which reader paths and API paths a change makes stale: the one answer that the CDN purge
(``purging``) and the webhook payload (``webhooks.events``) both give, so what a frontend is told
to revalidate is what the cache in front of the site drops.

Reader paths (a page with each variant its ``get_cached_paths`` names, an index's topic listings,
the RSS/Atom feeds, the sitemaps, a live page's fragments) belong to the Site that serves them:
feeds and sitemaps list one Site's articles. The API answers alike on every Site's hostname, so
its paths belong to no Site: a purge sends them to each Site's root URL, a payload gives them on
the change's Site. Parts the site has not mounted (the feeds, the API, the news sitemap) are
left out.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page, Site

from .models import (
    ArticleAuthor,
    Author,
    LiveEntry,
    LiveFeedMixin,
    LiveFeedPage,
    NewsArticleMixin,
    NewsArticlePage,
    NewsIndexPage,
    Source,
    Topic,
)
from .models.taxonomy import with_ancestors
from .sites import root_urls
from .visibility import (
    visible_articles,
    visible_authors,
    visible_entries,
    visible_pages,
    visible_sources,
    visible_topics,
)

API_NAMESPACE = "wagtail_newsfeed_api"
NEWS_SITEMAP_URL_NAME = "wagtail_newsfeed_news_sitemap"
#: The name docs/installation.md gives the page sitemap's URL (``sitemaps.page_sitemap``).
PAGE_SITEMAP_URL_NAME = "sitemap"
FEED_FORMATS = ("rss", "atom")

#: What readers may see of each taxonomy model (``visibility``): only a public one has pages,
#: feeds and API answers that could be stale, and only a public one may be named to a receiver.
PUBLIC_TAXONOMY = {"topic": visible_topics, "author": visible_authors, "source": visible_sources}


def _reverse(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _api(name: str, *args: Any) -> str | None:
    return _reverse(f"{API_NAMESPACE}:{name}", *args)


def feed_paths(kind: str, *args: Any) -> list[str]:
    """The RSS and Atom paths of the ``kind`` feed ("latest", "index", "topic", "live"), or none
    when the site has not mounted ``wagtail_newsfeed.urls``."""
    paths = [_reverse(f"wagtail_newsfeed:{kind}_{fmt}", *args) for fmt in FEED_FORMATS]
    return [path for path in paths if path] if all(paths) else []


def _add(target: list[str], items: Iterable[str | None]) -> None:
    """Append ``items`` not yet in ``target``: payloads list each path once, in a stable order."""
    for item in items:
        if item and item not in target:
            target.append(item)


@dataclass
class Stale:
    """What one change makes stale: reader ``paths`` on the Site at ``site`` (the root URL the
    change is reported on), reader paths on other Sites by root URL, and ``api_paths``, which
    every Site serves."""

    site: str = ""
    paths: list[str] = field(default_factory=list)
    other_sites: dict[str, list[str]] = field(default_factory=dict)
    api_paths: list[str] = field(default_factory=list)

    def add_paths(self, root_url: str | None, paths: Iterable[str | None]) -> None:
        if root_url is None:
            return
        if root_url == self.site:
            _add(self.paths, paths)
        else:
            _add(self.other_sites.setdefault(root_url, []), paths)

    def add_api(self, paths: Iterable[str | None]) -> None:
        _add(self.api_paths, paths)

    def urls(self, api_roots: Iterable[str]) -> set[str]:
        """Absolute URLs: each reader path on its Site, each API path on every one of
        ``api_roots`` (a path without a Site to serve it is no URL)."""
        sites = {self.site: self.paths, **self.other_sites}
        urls = {root + path for root, paths in sites.items() if root for path in paths}
        return urls | {root + path for root in api_roots if root for path in self.api_paths}

    def payload(self) -> dict[str, Any]:
        """``site``, ``paths`` and ``api_urls`` (on ``site``) of a webhook payload, and
        ``other_sites`` where the change shows on more than one Site."""
        data: dict[str, Any] = {
            "site": self.site,
            "paths": list(self.paths),
            "api_urls": [self.site + path for path in self.api_paths],
        }
        if self.other_sites:
            data["other_sites"] = {root: list(paths) for root, paths in self.other_sites.items()}
        return data


def default_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def _located(page: Page, cache: Any) -> tuple[str | None, str | None] | None:
    """The root URL of the Site serving ``page`` and the page's path there (``None`` where
    Wagtail serves no pages, as in a headless site); ``None`` if no Site serves it. ``cache``
    keeps Wagtail's Site root paths across calls."""
    parts = page.get_url_parts(request=cache)
    if parts is None:
        return None
    site_id, root_url, path = parts
    if root_url is None:
        roots = Site.get_site_root_paths()
        root_url = next((root.root_url for root in roots if root.site_id == site_id), None)
    return root_url, path


def _page_paths(page: Page, path: str) -> list[str]:
    """``path`` with each variant ``get_cached_paths`` names, as Wagtail's own purge joins them."""
    return [path + cached.lstrip("/") for cached in page.specific_deferred.get_cached_paths()]


def _start(page: Page, cache: Any) -> tuple[Stale, str | None]:
    """A ``Stale`` on the Site serving ``page`` (the default Site's if none does), with the
    page's own paths; and its path."""
    located = _located(page, cache)
    if located is None or located[0] is None:
        return Stale(site=default_root_url()), None
    root_url, path = located
    stale = Stale(site=root_url)
    if path:
        stale.add_paths(root_url, _page_paths(page, path))
    return stale, path


def _add_page(stale: Stale, page: Page, cache: Any) -> None:
    located = _located(page, cache)
    if located is not None and located[1]:
        stale.add_paths(located[0], _page_paths(page, located[1]))


def _add_index(stale: Stale, index: Page, topic_slugs: Iterable[str], cache: Any) -> None:
    """A news index page, its listings of ``topic_slugs`` (``?topic=``) and its feeds."""
    located = _located(index, cache)
    if located is None:
        return
    root_url, path = located
    if path:
        by_topic = (f"{path}?{urlencode({'topic': slug})}" for slug in topic_slugs)
        stale.add_paths(root_url, [*_page_paths(index, path), *by_topic])
    stale.add_paths(root_url, feed_paths("index", index.pk))


def listing_change(index: Page, topic_slugs: Iterable[str] = ()) -> Stale:
    """An index that listed a page, with its ``topic_slugs`` listings and its feeds."""
    cache = SimpleNamespace()
    stale, _path = _start(index, cache)
    _add_index(stale, index, topic_slugs, cache)
    return stale


# Articles --------------------------------------------------------------------------------------


def topic_slugs(page: Any) -> list[str]:
    """The page's topics and the broader topics above them, whose listings show it too."""
    topics = getattr(page, "topics", None)
    if topics is None:
        return []
    # ``all()`` may be modelcluster's in-memory list (a revision's topics): ids, then the tree.
    ids = [topic.pk for topic in topics.all() if topic.pk is not None]
    return list(with_ancestors(Topic.objects.filter(pk__in=ids)).values_list("slug", flat=True))


@dataclass(frozen=True)
class Listings:
    """The taxonomy an article is listed under: its topics (with the broader ones), authors and
    source, by slug. Their listings, feeds and API endpoints show the article, or stop showing
    it when it leaves them, so a change makes them stale as they were before and after."""

    topics: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()

    def __or__(self, other: Listings) -> Listings:
        return Listings(
            self.topics | other.topics, self.authors | other.authors, self.sources | other.sources
        )


#: Listed under nothing: an article's listings before a change, where they did not show it.
UNLISTED = Listings()


def listings(article: Any) -> Listings:
    """What ``article`` (a saved page, or a revision's page in memory) is listed under."""
    links = getattr(article, "article_authors", None)
    author_ids = [link.author_id for link in links.all()] if links is not None else []
    source_id = getattr(article, "source_id", None)
    return Listings(
        topics=frozenset(topic_slugs(article)),
        authors=frozenset(Author.objects.filter(pk__in=author_ids).values_list("slug", flat=True)),
        sources=frozenset(
            Source.objects.filter(pk=source_id).values_list("slug", flat=True) if source_id else ()
        ),
    )


def saved_listings(article: Any) -> Listings:
    """What ``article`` is listed under while live, before a save changes it: a draft's
    listings never showed it (and may name taxonomy readers must not learn of)."""
    if article.pk is None:
        return UNLISTED
    saved = type(article).objects.filter(pk=article.pk, live=True).first()
    return listings(saved) if saved is not None else UNLISTED


def remember_listings(article: Any) -> None:
    """Note, before a save changes them, the listings ``article`` shows on
    (``listings_before``)."""
    article._newsfeed_listed_before = saved_listings(article)


def listings_before(article: Any) -> Listings:
    """The listings ``article`` showed on before its last save (``remember_listings``)."""
    return getattr(article, "_newsfeed_listed_before", UNLISTED)


def taxonomy_api_paths(listed: Listings) -> list[str | None]:
    """The API's taxonomy endpoints that show what ``listed`` names: their lists hold only
    what visible stories use (``visibility``), so a story's change can change them."""
    paths = [_api(f"{kind}-list") for kind in ("topic", "author", "source")]
    for kind, slugs in (("topic", listed.topics), ("author", listed.authors)):
        paths += [_api(f"{kind}-detail", slug) for slug in sorted(slugs)]
    paths += [_api("source-detail", slug) for slug in sorted(listed.sources)]
    return paths


def page_sitemap_paths() -> list[str]:
    """The page sitemap, which lists every page readers may see (live feeds among them): a page
    event of one, publish or unpublish, a move or a view restriction, changes it. (A live
    feed's ``lastmod`` follows its entries too, but entry changes do not purge it: it states
    days, and regenerating the whole sitemap on every entry change would cost more than the
    ``PAGE_CACHE_MAX_AGE`` it can be late.)"""
    return [path for path in [_reverse(PAGE_SITEMAP_URL_NAME)] if path]


def page_sitemap_change(page: Page) -> Stale:
    """The page sitemap of the Site serving ``page`` (the default Site's if none does): what
    a view restriction on any page changes, a plain page's too."""
    located = _located(page, SimpleNamespace())
    stale = Stale(site=located[0] if located and located[0] else default_root_url())
    stale.add_paths(stale.site, page_sitemap_paths())
    return stale


def site_wide_paths(topic_slugs: Iterable[str]) -> list[str]:
    """What lists a Site's articles whichever index they are under: its latest and topic feeds
    and its sitemaps."""
    sitemaps = [_reverse(NEWS_SITEMAP_URL_NAME), _reverse(PAGE_SITEMAP_URL_NAME)]
    topic_feeds = [path for slug in topic_slugs for path in feed_paths("topic", slug)]
    return [path for path in [*feed_paths("latest"), *sitemaps, *topic_feeds] if path]


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
    stale, path = _start(article, cache)
    listed = listings(article) | listed_before
    slugs = sorted(listed.topics)
    parent = article.get_parent()
    if parent is not None:
        _add_index(stale, parent, slugs, cache)
    stale.add_paths(stale.site, site_wide_paths(slugs))
    stale.add_api(
        [
            _api("article-list"),
            _api("article-detail", article.pk),
            # Every ?path= of it (a proxy bans a path's every query string) and, for a CDN
            # that purges exact URLs, the lookup of this page.
            _api("article-find"),
            lookup(path),
            *taxonomy_api_paths(listed),
        ]
    )
    for linker in linking_pages(article):
        _add_page(stale, linker, cache)
        if isinstance(linker, NewsArticleMixin):
            stale.add_api([_api("article-detail", linker.pk)])
    return stale


def lookup(path: str | None) -> str | None:
    """The API's lookup of the article at ``path`` (``articles/find/?path=``), which a CDN
    that purges exact URLs holds a copy of."""
    find = _api("article-find")
    return f"{find}?{urlencode({'path': path})}" if find and path else None


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
        stale.add_paths(located[0], _page_paths(article, path))
    stale.add_api([_api("article-detail", article.pk), lookup(path)])


# Live feeds ------------------------------------------------------------------------------------


def live_feed_change(feed: Any, *, with_index: bool = False, entries: Iterable[Any] = ()) -> Stale:
    """A live feed's page, its RSS/Atom feed, fragments and API endpoints, with the API URL of
    each entry in ``entries`` (a list, or a queryset: a feed may hold thousands) and its
    authors' (a byline can make an author public, or no longer); ``with_index`` (a page event:
    a publish or unpublish, a move, a view restriction, a delete) adds the page that lists it
    and the page sitemap."""
    cache = SimpleNamespace()
    stale, _path = _start(feed, cache)
    if with_index:
        if (parent := feed.get_parent()) is not None:
            _add_page(stale, parent, cache)
        stale.add_paths(stale.site, page_sitemap_paths())
    fragments = _reverse("wagtail_newsfeed:live_fragments", feed.pk)
    stale.add_paths(stale.site, [*feed_paths("live", feed.pk), fragments])
    if isinstance(entries, QuerySet):
        pks, chosen = list(entries.values_list("pk", flat=True)), entries.values("pk")
    else:
        pks = chosen = [entry.pk for entry in entries]
    stale.add_api(
        [
            _api("feed-list"),  # each feed's cursor and time of change
            _api("feed-detail", feed.pk),
            _api("feed-entries", feed.pk),  # with its ?since= deltas, where a proxy bans paths
            *(_api("feed-entry-detail", feed.pk, pk) for pk in pks),
        ]
    )
    if pks:
        authors = Author.objects.filter(live_entries__in=chosen).values_list("slug", flat=True)
        stale.add_api([_api("author-list")])
        stale.add_api(_api("author-detail", slug) for slug in sorted(set(authors)))
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


# Taxonomy --------------------------------------------------------------------------------------


def is_public_taxonomy(instance: Any) -> bool:
    """Whether readers can see this topic, author or source (a visible story uses it)."""
    visible = PUBLIC_TAXONOMY.get(instance._meta.model_name)
    return visible is not None and visible().filter(pk=instance.pk).exists()


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
    _add(slugs, [slug_before])
    topics = slugs if kind == "topic" else []
    stale = Stale(site=default_root_url())
    cache = SimpleNamespace()
    for index in visible_pages(NewsIndexPage.objects.all()).order_by("path").iterator():
        _add_index(stale, index, topics, cache)
    articles = newest_visible(_articles_naming(instance))
    feed_topics = [*topics]
    _add(feed_topics, feed_topic_slugs(articles))
    topic_feeds = (path for slug in feed_topics for path in feed_paths("topic", slug))
    site_feeds = [*feed_paths("latest"), *topic_feeds]
    for root_url in [stale.site, *root_urls()]:
        stale.add_paths(root_url or None, site_feeds)
    stale.add_api(
        [
            _api(f"{kind}-list"),
            *(_api(f"{kind}-detail", slug) for slug in slugs),
            _api("article-list"),
            _api("article-find"),
        ]
    )
    for article in articles:
        _add_article_copies(stale, article, _located(article, cache))
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
        stale.add_api([_api("feed-list")])
    for feed in feeds:
        located = _located(feed, cache)
        if located is not None and located[1]:
            fragments = _reverse("wagtail_newsfeed:live_fragments", feed.pk)
            page_paths = _page_paths(feed, located[1])
            stale.add_paths(located[0], [*page_paths, *feed_paths("live", feed.pk), fragments])
        stale.add_api([_api("feed-detail", feed.pk), _api("feed-entries", feed.pk)])
    stale.add_api(_api("feed-entry-detail", feed_id, pk) for feed_id, pk in shown)


# Sections --------------------------------------------------------------------------------------


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
    then, now = _located(_as_at(page, url_path_before), cache), _located(page, cache)
    if then == now:
        return Stale()
    roots = list(dict.fromkeys(loc[0] for loc in (now, then) if loc is not None and loc[0]))
    stale = Stale(site=roots[0] if roots else default_root_url())

    def was(below: Any) -> tuple[str | None, str | None] | None:
        return _located(
            _as_at(below, url_path_before + below.url_path[len(page.url_path) :]), cache
        )

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
            fragments = _reverse("wagtail_newsfeed:live_fragments", feed.pk)
            stale.add_paths(root, [*feed_paths("live", feed.pk), fragments])
    for moved in [page, *indexes]:
        if (old := was(moved)) is not None and old[1]:
            stale.add_paths(old[0], _page_paths(moved, old[1]))
    if articles:
        stale.add_api([_api("article-list"), _api("article-find")])
    for article in articles:
        _add_article_copies(stale, article, was(article))
    if feeds:
        stale.add_api([_api("feed-list")])
    for feed in feeds:
        if (old := was(feed)) is not None and old[1]:
            stale.add_paths(old[0], _page_paths(feed, old[1]))
        stale.add_api([_api("feed-detail", feed.pk), _api("feed-entries", feed.pk)])
    return stale
