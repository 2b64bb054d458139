"""schema.org structured data for search engines: ``NewsArticle`` and ``LiveBlogPosting``.

The data is built as plain Python dicts (easy to test, easy for a site to extend) and serialised by
``dumps_jsonld``, which escapes ``<``, ``>`` and ``&`` so that no text an editor writes (say a
headline containing ``</script>`` or ``<!--``) can end the ``<script>`` element it is embedded in.
Live entries come from ``visibility.visible_entries``: drafts and deleted entries never appear.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings as django_settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.models import Page

from .conf import settings
from .local_time import in_local_time
from .rendering import plain_text
from .serialization import image_renditions
from .sites import absolute_url, get_site, home_url

SCHEMA_CONTEXT = "https://schema.org"

# Characters that could end a <script> element or open an HTML comment inside it; JSON readers
# decode the \uXXXX forms back to the same text.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


# Helpers shared with syndication.py ---------------------------------------------------------------


def dumps_jsonld(data: Any) -> str:
    """JSON safe to place inside ``<script type="application/ld+json">``."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def named_publisher(request: HttpRequest | None = None) -> str:
    """The one rule for the publication's name: ``PUBLISHER_NAME``, else the name of the Wagtail
    Site serving ``request``, else Django's ``WAGTAIL_SITE_NAME``; ``""`` when none is set.

    Never the Site's hostname: a masthead, a share card or a Google News publication called
    "127.0.0.1" or "localhost" is never what a newsroom means."""
    name = _one_line(settings.PUBLISHER_NAME)
    if not name:  # the Site is looked up only when needed: a task has no request to keep it
        site = get_site(request)
        name = _one_line(site.site_name if site is not None else "")
    return name or _one_line(getattr(django_settings, "WAGTAIL_SITE_NAME", ""))


def _one_line(name: Any) -> str:
    """A name as one line, so that one made only of spaces counts as no name."""
    return " ".join(str(name or "").split())


def publisher_name(request: HttpRequest | None = None) -> str:
    """The publication's name for the masthead, ``og:site_name``, JSON-LD, feeds and the Google
    News sitemap (``named_publisher``), or a neutral "News" where nothing names it."""
    return named_publisher(request) or gettext("News")


def page_image(page: Any) -> Any:
    """The image a page is shared and found with: an article's lead image, a live feed's share
    image (``None`` for other pages)."""
    from .models import LiveFeedMixin, NewsArticleMixin

    if isinstance(page, NewsArticleMixin):
        return page.lead_image
    if isinstance(page, LiveFeedMixin):
        return page.share_image
    return None


def page_sections(page: Any) -> list[str]:
    """The sections a story is filed in (``article:section`` takes the first, JSON-LD's
    ``articleSection`` all): an article's topics by name; a story without topics (every live
    feed) is in the section of the news index it is published under, named by its title."""
    from .models import NewsArticleMixin, NewsIndexPage

    if isinstance(page, NewsArticleMixin):
        topics = [topic.name for topic in page.get_topic_list()]  # by name, prefetched or not
        if topics:
            return topics
    parent = page.get_parent()
    # Only a live index: the row of a never-published one holds its draft title.
    model = parent.specific_class if parent is not None and parent.live else None
    return [parent.title] if model is not None and issubclass(model, NewsIndexPage) else []


def stream_text(stream: Any) -> str:
    """The plain text of a StreamField value (what the search index sees), for summaries."""
    if not stream:
        return ""
    parts = stream.stream_block.get_searchable_content(stream)
    # Blocks give text already (rich text is stripped and unescaped): only collapse whitespace.
    return " ".join(" ".join(str(part).split()) for part in parts if part).strip()


def isoformat(value: datetime | None, timespec: str = "auto") -> str | None:
    """ISO 8601 in the site's time zone, or in UTC where the zone's offset then had seconds
    (Amsterdam's +00:19:32 before 1937), which ISO 8601 and HTML cannot write, or where the
    zone's time is outside Python's calendar (``local_time.in_local_time``)."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = in_local_time(value)
        if value.utcoffset().total_seconds() % 60:
            value = value.astimezone(UTC)
    return value.isoformat(timespec=timespec)


def image_urls(image: Any, request: HttpRequest | None = None) -> list[str]:
    """Absolute rendition URLs of ``image`` for each spec in ``SEO_IMAGE_RENDITIONS`` that can be
    made (none for an image whose file is missing: ``serialization.image_renditions``)."""
    renditions = image_renditions(image, settings.SEO_IMAGE_RENDITIONS)
    urls = []
    for rendition in renditions.values():
        url = absolute_url(rendition.url, request)
        if url not in urls:
            urls.append(url)
    return urls


# The documents -------------------------------------------------------------------------------


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def publisher_jsonld(request: HttpRequest | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Organization", "name": publisher_name(request)}
    if get_site(request) is not None:
        data["url"] = home_url(request)
    if settings.PUBLISHER_LOGO_URL:
        data["logo"] = {
            "@type": "ImageObject",
            "url": absolute_url(settings.PUBLISHER_LOGO_URL, request),
        }
    return data


def _person(author: Any) -> dict[str, Any]:
    return _without_empty({"@type": "Person", "name": author.name, "jobTitle": author.role})


def article_jsonld(article: Any, request: HttpRequest | None = None) -> dict[str, Any]:
    """A ``NewsArticle`` for a news article page."""
    url = article.get_full_url(request)
    published = article.display_date
    modified = article.updated_at or article.last_published_at or published
    return _without_empty(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "NewsArticle",
            "headline": Truncator(article.seo_title or article.title).chars(110),
            "description": article.search_description or article.standfirst,
            "image": image_urls(page_image(article), request),
            "datePublished": isoformat(published),
            "dateModified": isoformat(max(modified, published) if published else modified),
            "author": [_person(author) for author in article.get_authors()],
            "publisher": publisher_jsonld(request),
            "articleSection": page_sections(article),
            "keywords": article.get_tag_names() if hasattr(article, "get_tag_names") else [],
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
        }
    )


def entry_jsonld(entry: Any, feed_url: str) -> dict[str, Any]:
    """A ``BlogPosting`` for one live entry (``liveBlogUpdate`` item)."""
    text = stream_text(entry.body)
    return _without_empty(
        {
            "@type": "BlogPosting",
            "headline": Truncator(entry.headline or text).chars(110),
            "datePublished": isoformat(entry.display_time),
            "dateModified": isoformat(max(entry.updated_at, entry.display_time)),
            "articleBody": text,
            "author": [_person(author) for author in entry.get_authors()],
            "url": entry.permalink(feed_url),
        }
    )


def live_feed_jsonld(
    feed: Any, request: HttpRequest | None = None, entries: list[Any] | None = None
) -> dict[str, Any]:
    """A ``LiveBlogPosting`` with the latest visible entries as ``liveBlogUpdate`` (``entries``,
    newest first, when the caller has them already)."""
    from .models.live import byline_prefetches
    from .visibility import visible_entries

    url = feed.get_full_url(request)
    if entries is None:
        entries = list(
            visible_entries(feed, request)
            .prefetch_related(*byline_prefetches())
            .order_by("-display_time", "-pk")[: settings.ENTRIES_PER_PAGE]
        )
    modified = max(
        (t for t in [feed.last_published_at, *(e.updated_at for e in entries)] if t), default=None
    )
    return _without_empty(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "LiveBlogPosting",
            "headline": Truncator(feed.seo_title or feed.title).chars(110),
            "description": feed.search_description or plain_text(feed.summary),
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "datePublished": isoformat(feed.first_published_at),
            "dateModified": isoformat(modified),
            "coverageStartTime": isoformat(coverage_start(feed)),
            "coverageEndTime": isoformat(coverage_end(feed)),
            "image": image_urls(page_image(feed), request),
            "articleSection": page_sections(feed),
            "publisher": publisher_jsonld(request),
            "liveBlogUpdate": [entry_jsonld(entry, url) for entry in entries],
        }
    )


def coverage_start(feed: Any) -> datetime | None:
    """When the coverage began, or is planned to begin. Coverage that has begun and has no
    recorded start began when the page was first published; upcoming coverage has begun at no
    time in the past, so only a planned start is given."""
    from .models.live import CoverageStatus

    if feed.coverage_status == CoverageStatus.UPCOMING:
        return feed.coverage_start
    start = feed.coverage_start or feed.first_published_at
    if start and feed.coverage_end and start > feed.coverage_end:
        return None  # it ended before it began: no start to state
    return start


def coverage_end(feed: Any) -> datetime | None:
    """When the coverage ended, or is planned to end; upcoming coverage has ended at no time in
    the past."""
    from .models.live import CoverageStatus

    end = feed.coverage_end
    if feed.coverage_status == CoverageStatus.UPCOMING and end and end <= timezone.now():
        return None
    return end


def page_jsonld(
    page: Page, request: HttpRequest | None = None, live_state: Any = None
) -> dict[str, Any] | None:
    """The structured data for any newsfeed page, or ``None`` for pages that have none. Kept
    in the cache (``fragments``) by the page's ``cache_key`` and, for a live feed whose page
    state (``live_page.LiveFeedPageState``) is given, by the feed's version and by the end of
    coverage it states: the one part that changes with the clock alone (an upcoming feed's
    planned end is dropped once it passes, ``coverage_end``)."""
    from .fragments import cached
    from .models import LiveFeedMixin, NewsArticleMixin

    page = page.specific
    where = (request.scheme, request.get_host()) if request is not None else None
    if isinstance(page, NewsArticleMixin):
        return cached(
            "article_jsonld",
            (page.pk, page.cache_key, where),
            lambda: article_jsonld(page, request),
            request,
        )
    if isinstance(page, LiveFeedMixin):
        if live_state is None:
            return live_feed_jsonld(page, request)
        return cached(
            "live_feed_jsonld",
            (page.pk, page.cache_key, live_state.version, coverage_end(page), where),
            lambda: live_feed_jsonld(page, request, live_state.latest),
            request,
        )
    return None
