"""RSS 2.0 and Atom feeds built on Django's syndication framework.

Four feeds, each in both formats: the site's latest articles, one news index's articles, one
topic's articles, and one live feed's latest entries. Every list comes from ``visibility`` so
drafts, private, scheduled, expired and deleted content never reach a feed reader; a hidden or
unknown index, topic or live feed is a 404. Links and enclosures are absolute; dates are the
reader-facing ones (``published_at`` for articles, ``display_time`` for entries). Each feed links
to its own page, which is also its Atom id (unique, as RFC 4287 asks): the home page, the index,
the index filtered by the topic (``topic_page_url``) and the live page.

Stored text is never trusted to be writable: the feed generators drop the characters XML 1.0
cannot carry (see ``xml.py``) from every value, so one pasted control character cannot turn the
site-wide feed into a 500. Each field is written as the type readers take it to be: titles, the
Atom subtitle and names are plain text (the XML writer escapes them); RSS ``<description>`` and
Atom ``<summary type="html">`` are HTML, so their plain text is HTML-escaped once, and a standfirst
such as ``Tom & Jerry <script>`` reaches readers as words, not markup.
"""

from __future__ import annotations

import copy
import io
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import NoReverseMatch, reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page

from .conf import settings
from .fragments import cached_many
from .http_caching import public_by_content
from .jsonld import named_publisher, publisher_name, stream_text
from .models.articles import listing_prefetches
from .models.taxonomy import filed_under
from .rendering import plain_text
from .serialization import image_renditions
from .sites import absolute_url, home_url, in_request_site
from .xml import xml_safe

FORMATS = ("rss", "atom")
#: The date of a feed with no items and no page of its own (the site's latest articles).
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)
MIME_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def _xml_safe_value(value: Any) -> Any:
    """A feed generator argument with every string in it made XML-safe (lists and enclosures
    included); dates, numbers, booleans and ``None`` pass through."""
    if isinstance(value, (str, Promise)):
        return xml_safe(value)
    if isinstance(value, (list, tuple)):
        return [_xml_safe_value(part) for part in value]
    if isinstance(value, Enclosure):
        return Enclosure(
            xml_safe(value.url), xml_safe(str(value.length)), xml_safe(value.mime_type)
        )
    return value


class XMLSafeFeedMixin(SyndicationFeed):
    """Cleans every argument of the feed and of each item before Django's generator sees it.

    Django's ``SimplerXMLGenerator`` raises on control characters and cannot encode a lone
    surrogate, so without this one bad stored value makes the whole feed a 500.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *map(_xml_safe_value, args),
            **{key: _xml_safe_value(value) for key, value in kwargs.items()},
        )

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(
            *map(_xml_safe_value, args),
            **{key: _xml_safe_value(value) for key, value in kwargs.items()},
        )

    def latest_post_date(self) -> datetime:
        """The newest item's date; for a feed with no items, its page's last publication
        (``NewsFeed.feed_extra_kwargs``), not the "now" of Django's generator: an empty feed is
        then the same document each second, and its ``ETag`` gets a reader a 304."""
        if any(item.get("updateddate") or item.get("pubdate") for item in self.items):
            return super().latest_post_date()
        return self.feed.get("empty_feed_date") or EMPTY_FEED_DATE

    def write(self, outfile: Any, encoding: str) -> None:
        """Written to ``outfile`` at once: the XML writer makes thousands of small writes, and
        each write to an ``HttpResponse`` is encoded and stored as a chunk of its own (most of
        a feed's time before this)."""
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class XMLSafeRssFeed(XMLSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0 that any stored text can be written to."""


class XMLSafeAtomFeed(XMLSafeFeedMixin, Atom1Feed):
    """Atom 1.0 that any stored text can be written to."""


@dataclass
class FeedSource:
    """What one feed request is about: its title, links and the queryset of its items."""

    title: str
    link: str
    description: str
    items: QuerySet
    page: Page | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def article_items(queryset: QuerySet) -> QuerySet:
    """Newest first, limited: the articles a feed lists (``FeedArticle.for_pages`` reads what
    each shows)."""
    return queryset.order_by("-published_at", "-pk")[: settings.FEED_ITEMS]


@dataclass(frozen=True)
class FeedArticle:
    """What a feed shows of one article, kept as a rendered piece by the article's version
    (``Page.cache_key``), so a feed after one publish reads only that article afresh."""

    title: str
    link: str
    summary: str
    pubdate: Any
    updateddate: Any
    author_name: str
    categories: tuple[str, ...]
    enclosure: tuple[str, str, str] | None

    @classmethod
    def for_pages(
        cls, queryset: QuerySet, request: HttpRequest | None, expire_times: list | None = None
    ) -> list[FeedArticle]:
        """The items of ``queryset`` (already ordered and limited), in order; their
        ``expire_at`` are added to ``expire_times`` (``http_caching.max_age_before``)."""
        rows = list(queryset.values_list("pk", "url_path", "last_published_at", "expire_at"))
        versions = {pk: (pk, url_path, published) for pk, url_path, published, _ in rows}
        if expire_times is not None:
            expire_times.extend(expire_at for *_, expire_at in rows)
        host = (request.scheme, request.get_host()) if request is not None else ()
        pieces = cached_many(
            "feed-article",
            {pk: (*version, *host) for pk, version in versions.items()},
            lambda missing: cls.compute(queryset.model, missing, request),
            request,
        )
        return [pieces[pk] for pk in versions]

    @classmethod
    def compute(
        cls, model: type[Page], pks: list[int], request: HttpRequest | None
    ) -> dict[int, FeedArticle]:
        images = get_image_model().objects.prefetch_renditions(settings.SEO_IMAGE_RENDITIONS[0])
        pages = (
            model.objects.filter(pk__in=pks)
            .select_related("source")
            .prefetch_related(Prefetch("lead_image", queryset=images), *listing_prefetches())
        )
        return {page.pk: cls.from_page(page, request) for page in pages}

    @classmethod
    def from_page(cls, page: Any, request: HttpRequest | None) -> FeedArticle:
        return cls(
            title=page.title,
            link=page.get_full_url(request),
            summary=page.standfirst or Truncator(stream_text(page.body)).words(60),
            pubdate=page.display_date,
            updateddate=max(filter(None, [page.updated_at, page.display_date]), default=None),
            author_name=", ".join(author.name for author in page.get_authors()),
            categories=tuple(topic.name for topic in page.get_topic_list()),
            enclosure=lead_image_enclosure(page.lead_image, request),
        )


def lead_image_enclosure(image: Any, request: HttpRequest | None) -> tuple[str, str, str] | None:
    """``(url, length, mime type)`` of an image's feed rendition; ``None`` without an image or
    when the rendition cannot be made (a missing file: ``serialization.image_renditions``)."""
    spec = settings.SEO_IMAGE_RENDITIONS[0]
    rendition = image_renditions(image, [spec]).get(spec)
    if rendition is None:
        return None
    try:
        length = rendition.file.size
    except OSError:
        length = 0
    mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return (absolute_url(rendition.url, request), str(length), mime_type)


class NewsFeed(Feed):
    """Shared behaviour; one copy per request so ``self.request`` is safe across threads."""

    feed_type = XMLSafeRssFeed
    request: HttpRequest | None = None

    #: The setting giving the max-age that Varnish, a CDN and feed readers may keep it for.
    cache_max_age_setting = "PAGE_CACHE_MAX_AGE"
    #: The ``expire_at`` of the pages this request's feed shows, noted as they are read.
    expire_times: list[Any]

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):  # a feed is read, never written or traced
            return HttpResponseNotAllowed(["GET", "HEAD"])
        feed = copy.copy(self)
        feed.request = request
        feed.expire_times = []
        response = Feed.__call__(feed, request, *args, **kwargs)
        # The same for every reader (nothing per user), and purged on publish (``purging``),
        # but not when a page it shows expires: no longer than until then.
        max_age = int(getattr(settings, self.cache_max_age_setting))
        return public_by_content(request, response, max_age, feed.expire_times)

    def feed_extra_kwargs(self, obj: FeedSource) -> dict[str, Any]:
        """The date the generator gives the feed when it has no items: its page's last
        publication (an index's, a live feed's), which changes when what it shows does."""
        page = obj.page
        return {"empty_feed_date": page.last_published_at if page is not None else None}

    def title(self, obj: FeedSource) -> str:
        return obj.title

    def link(self, obj: FeedSource) -> str:
        return obj.link

    def feed_url(self, obj: FeedSource) -> str:
        """The feed's own address (RSS ``atom:link rel=self``, Atom ``link rel=self``) by the one
        absolute-URL rule, like every other link in it: never the host a request came in on."""
        return absolute_url(self.request.path, self.request)

    def subtitle(self, obj: FeedSource) -> str:
        """Plain text: Atom's ``<subtitle>`` has no type, so it is text."""
        return obj.description or obj.title

    def description(self, obj: FeedSource) -> str:
        """RSS's channel ``<description>``, which readers render as HTML."""
        return escape(self.subtitle(obj))

    def author_name(self, obj: FeedSource) -> str:
        return publisher_name(self.request)

    def items(self, obj: FeedSource) -> list[Any]:
        self.expire_times.append(obj.page.expire_at if obj.page is not None else None)
        return FeedArticle.for_pages(obj.items, self.request, self.expire_times)

    # Articles (``FeedArticle`` items)

    def item_title(self, item: Any) -> str:
        return item.title

    def item_description(self, item: Any) -> str:
        """RSS ``<description>`` / Atom ``<summary type="html">``: the summary, HTML-escaped."""
        return escape(item.summary)

    def item_link(self, item: Any) -> str:
        return item.link

    def item_guid(self, item: Any) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Any):
        return item.pubdate

    def item_updateddate(self, item: Any):
        return item.updateddate

    def item_author_name(self, item: Any) -> str:
        return item.author_name

    def item_categories(self, item: Any) -> list[str]:
        return list(item.categories)

    def item_enclosures(self, item: Any) -> list[Enclosure]:
        return [Enclosure(*item.enclosure)] if item.enclosure else []


def _site_articles(request: HttpRequest) -> QuerySet:
    from .visibility import visible_articles

    return in_request_site(visible_articles(), request)


class LatestArticlesFeed(NewsFeed):
    """The site's latest articles (the site the request is for)."""

    def get_object(self, request: HttpRequest) -> FeedSource:
        name = named_publisher(request)
        return FeedSource(
            title=_("%(publisher)s: latest news") % {"publisher": name}
            if name
            else _("Latest news"),
            link=home_url(request),
            description=_("The latest articles."),
            items=article_items(_site_articles(request)),
        )


class IndexArticlesFeed(NewsFeed):
    """The articles of one news index page."""

    def get_object(self, request: HttpRequest, page_id: int) -> FeedSource:
        from .models import NewsIndexPage
        from .visibility import visible_articles, visible_pages

        indexes = visible_pages(NewsIndexPage.objects.filter(pk=page_id))
        index = in_request_site(indexes, request).first()
        link = index.get_full_url(request) if index is not None else None
        if link is None:  # or outside every Wagtail Site: no reader can reach it
            raise Http404(_("No news index with id %(id)s.") % {"id": page_id})
        return FeedSource(
            title=index.seo_title or index.title,
            link=link,
            description=index.search_description or plain_text(index.intro),
            items=article_items(visible_articles().child_of(index)),
            page=index,
        )


class TopicArticlesFeed(NewsFeed):
    """The articles on one topic and its subtopics, across the site. A topic no visible article
    of the site uses (itself or through a subtopic) is a 404: its name alone could give away an
    unpublished story, and another Site's topic is that Site's (as its index's ``?topic=``)."""

    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        from .visibility import visible_topics

        topic = visible_topics().filter(slug=slug).first()
        filed = filed_under(_site_articles(request), topic.subtree()) if topic else None
        if filed is None or not filed.exists():
            raise Http404(_("No topic %(slug)r.") % {"slug": slug})
        return FeedSource(
            title=topic.name,
            link=topic_page_url(topic, request),
            description=topic.description,
            items=article_items(filed),
            extra={"topic": topic},
        )


def topic_page_url(topic: Any, request: HttpRequest) -> str:
    """The topic's own page: the first (by tree order) visible news index of the request's site
    that lists it, filtered by it (``/news/?topic=climate``, canonical to itself). A topic feed's
    link and so its Atom id: each topic's feed is a feed of its own, not the site-wide one."""
    from .models import NewsIndexPage
    from .visibility import visible_pages

    indexes = in_request_site(visible_pages(NewsIndexPage.objects.all()), request)
    for index in indexes.order_by("path"):
        url = index.get_full_url(request)
        if url and index.get_topics().filter(pk=topic.pk).exists():
            return f"{url}?{urlencode({'topic': topic.slug})}"
    # Articles under some other page type: the feed's own address is still the topic's alone.
    return absolute_url(request.path, request)


class LiveFeedEntriesFeed(NewsFeed):
    """The latest published entries of one live feed; each item links to its ``#entry-<id>``."""

    cache_max_age_setting = "LIVE_PAGE_CACHE_MAX_AGE"

    def get_object(self, request: HttpRequest, page_id: int) -> FeedSource:
        from .models.live import byline_prefetches
        from .visibility import visible_entries, visible_feeds

        feed = in_request_site(visible_feeds().filter(pk=page_id), request).first()
        feed_url = feed.get_full_url(request) if feed is not None else None
        if feed_url is None:  # or outside every Wagtail Site: no reader can reach it
            raise Http404(_("No live feed with id %(id)s.") % {"id": page_id})
        entries = (
            visible_entries(feed)
            .prefetch_related(*byline_prefetches())
            .order_by("-display_time", "-pk")[: settings.FEED_ITEMS]
        )
        return FeedSource(
            title=feed.seo_title or feed.title,
            link=feed_url,
            description=feed.search_description or plain_text(feed.summary),
            items=entries,
            page=feed,
            extra={"feed_url": feed_url},
        )

    def get_feed(self, obj: FeedSource, request: HttpRequest):
        self._feed_url = obj.extra["feed_url"]
        return super().get_feed(obj, request)

    def items(self, obj: FeedSource) -> list[Any]:
        self.expire_times.append(obj.page.expire_at)  # the live feed's: its entries go with it
        return list(obj.items)

    def item_title(self, item: Any) -> str:
        return item.headline or Truncator(stream_text(item.body)).words(12)

    def item_description(self, item: Any) -> str:
        return escape(stream_text(item.body))

    def item_link(self, item: Any) -> str:
        return item.permalink(self._feed_url)

    def item_guid(self, item: Any) -> str:
        # The entry's first permalink, kept as its id: a new guid would show every entry of
        # the feed to its subscribers again as new.
        return f"{self._feed_url}#{item.anchor}"

    def item_pubdate(self, item: Any):
        return item.display_time

    def item_updateddate(self, item: Any):
        return max(item.updated_at, item.display_time)

    def item_author_name(self, item: Any) -> str:
        return ", ".join(author.name for author in item.get_authors())

    def item_categories(self, item: Any) -> list[str]:
        return [_("Key event")] if item.is_key_event else []

    def item_enclosures(self, item: Any) -> list[Enclosure]:
        return []


def atom(feed_class: type[NewsFeed]) -> type[NewsFeed]:
    """The Atom twin of an RSS feed class."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": XMLSafeAtomFeed})


# Links to feeds, for <link rel="alternate"> and for cache purging -----------------------------


def feed_format_paths(kind: str, *args: Any) -> dict[str, str]:
    """``{"rss": path, "atom": path}`` of the ``kind`` feed ("latest", "index", "topic", "live"),
    or ``{}`` when the site has not mounted ``wagtail_newsfeed.urls``."""
    paths = {}
    for fmt in FORMATS:
        try:
            paths[fmt] = reverse(f"wagtail_newsfeed:{kind}_{fmt}", args=args)
        except NoReverseMatch:
            return {}
    return paths


def alternate_feeds(
    page: Page | None, request: HttpRequest | None = None, *, topic: Any = None
) -> list[dict[str, str]]:
    """The feeds a page should advertise: ``[{"title", "type", "href"}]``, absolute URLs.

    A live feed page offers its entries; a news index its articles (and the topic it is
    filtered by); every page the site's latest articles.
    """
    from .models import LiveFeedMixin, NewsIndexPage

    wanted: list[tuple[str, str, tuple]] = []
    specific = page.specific if page is not None else None
    if isinstance(specific, LiveFeedMixin):
        wanted.append((specific.title, "live", (specific.pk,)))
    elif isinstance(specific, NewsIndexPage):
        if topic is not None:
            wanted.append((topic.name, "topic", (topic.slug,)))
        wanted.append((specific.title, "index", (specific.pk,)))
    wanted.append((named_publisher(request) or _("Latest news"), "latest", ()))
    links = []
    for title, kind, args in wanted:
        for fmt, path in feed_format_paths(kind, *args).items():
            links.append(
                {
                    "title": f"{title} ({'RSS' if fmt == 'rss' else 'Atom'})",
                    "type": MIME_TYPES[fmt],
                    "href": absolute_url(path, request),
                }
            )
    return links
