"""``{% newsfeed_share_meta %}`` and ``{% newsfeed_publisher %}``: what a shared link shows.

The canonical link and the OpenGraph and Twitter card tags give a link pasted into a social
network or a chat its title, summary and picture. Only pages readers may see get them
(``visibility``): a draft's preview or a private page would otherwise hand its URL, title and
image to wherever the HTML goes, and a draft has no URL to be canonical to yet. URLs are absolute
on the Wagtail Site's root URL, like the JSON-LD's. A paginated index page is canonical to itself
(its topic and page number), as search engines now ask, never to the first page. A live feed is one
story at one URL, as in its JSON-LD: its pages of older entries are canonical to the feed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import HttpRequest
from django.utils.text import Truncator
from wagtail.models import Page

from ..conf import settings
from ..jsonld import isoformat, page_image, page_sections, publisher_name
from ..rendering import plain_text
from ..serialization import image_renditions
from ..sites import absolute_url
from ..visibility import is_page_visible
from ..xml import one_line, xml_safe

register = template.Library()

#: Longest description sent: what the networks show before they cut it themselves.
DESCRIPTION_CHARS = 200


def html_datetime(value: datetime | date | None) -> str:
    """``value`` as the HTML/ISO 8601 text ``<time datetime>`` and OpenGraph accept: whole
    seconds (HTML allows at most three fractional digits), in the current time zone
    (``jsonld.isoformat``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return isoformat(value, timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""


def _line(value: Any) -> str:
    """Stored text (a title, a topic's name) as one line for a share tag, cleaned as headlines
    are (``xml.one_line``): a control character or non-character written straight into the
    database never reaches a meta tag, and text of invisible characters alone is empty."""
    return one_line(str(value or ""))


def _text(value: Any) -> str:
    """A plain-text field (``search_description``) as one line for a share card: its words as
    written (``_line``), never read as HTML (the template escapes them)."""
    return Truncator(" ".join(_line(value).split())).chars(DESCRIPTION_CHARS)


def _rich_text(value: Any) -> str:
    """A rich text field (standfirst is plain; summary and intro are HTML) as one line."""
    return _text(plain_text(str(value or "")))


def canonical_url(page: Page, request: HttpRequest | None, query: dict[str, Any]) -> str:
    """The page's absolute URL (Wagtail's, on the page's Site) with the query parameters that
    choose what it shows."""
    url = page.get_full_url(request) or ""
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if url and query else url


def share_meta(
    page: Page,
    request: HttpRequest | None,
    query: dict[str, Any],
    live_state: Any = None,
    topic: Any = None,
) -> dict[str, Any]:
    """The values of the share tags of a visible newsfeed (or any other) page; an index's topic
    listing is titled and described by its topic, as its ``<title>`` and heading are."""
    from ..models import LiveFeedMixin, NewsArticleMixin, NewsIndexPage

    page = page.specific
    meta: dict[str, Any] = {
        "canonical": canonical_url(page, request, query),
        "title": _line(page.seo_title) or _line(page.title),
        "site_name": publisher_name(request),
        "type": "website",
        "description": _text(page.search_description),
        "image": None,
        "published": "",
        "modified": "",
        "section": "",
    }
    if isinstance(page, NewsArticleMixin):
        published = page.display_date
        modified = page.updated_at or page.last_published_at or published
        meta.update(
            type="article",
            description=meta["description"] or _text(page.standfirst),
            published=html_datetime(published),
            modified=html_datetime(max(modified, published) if published else modified),
            section=_section(page),
            image=_image(page_image(page), request),
        )
    elif isinstance(page, LiveFeedMixin):
        latest = live_state.latest if live_state is not None else []
        modified = max(
            (t for t in [page.last_published_at, *(e.updated_at for e in latest)] if t),
            default=None,
        )
        meta.update(
            type="article",
            description=meta["description"] or _rich_text(page.summary),
            published=html_datetime(page.first_published_at),
            modified=html_datetime(modified),
            section=_section(page),
            image=_image(page_image(page), request),
        )
    elif isinstance(page, NewsIndexPage) and topic is not None:
        meta.update(
            title=" | ".join(filter(None, [_line(topic.name), meta["title"]])),
            description=_text(topic.description) or meta["description"] or _rich_text(page.intro),
        )
    elif isinstance(page, NewsIndexPage):
        meta["description"] = meta["description"] or _rich_text(page.intro)
    return meta


def _section(page: Page) -> str:
    """The first section the story is filed in with a name that shows (``jsonld.page_sections``)."""
    return next(filter(None, map(_line, page_sections(page))), "")


def _image(image: Any, request: HttpRequest | None) -> dict[str, Any] | None:
    """The page's image (``jsonld.page_image``) as its first ``SEO_IMAGE_RENDITIONS`` rendition,
    with its size and alt text; ``None`` when that rendition cannot be made (a missing file).

    The alt text is an image title, which Wagtail stores as typed: ``xml_safe`` keeps a pasted
    control character out of the meta tag."""
    spec = settings.SEO_IMAGE_RENDITIONS[0]
    rendition = image_renditions(image, [spec]).get(spec)
    if rendition is None:
        return None
    return {
        "url": absolute_url(rendition.url, request),
        "width": rendition.width,
        "height": rendition.height,
        "alt": xml_safe(getattr(image, "default_alt_text", "") or image.title).strip(),
    }


def _query(context: Any, page: Page) -> dict[str, Any]:
    """What selects this view of the page, read from the validated context (never raw GET)."""
    query: dict[str, Any] = {}
    topic = context.get("topic")
    if getattr(topic, "slug", None):
        query["topic"] = topic.slug
    # The page number the view checked (converters.listing_page_number): reading
    # ``articles.number`` would count the listing on every request, though the listing itself is
    # a cached piece.
    number = context.get("listing_page") or 1
    # Search results are not indexed (robots noindex): they point at the listing they search.
    if number > 1 and not context.get("search_query"):
        query["page"] = number
    return query


@register.inclusion_tag("wagtail_newsfeed/includes/share_meta.html", takes_context=True)
def newsfeed_share_meta(context: Any, page: Page | None) -> dict[str, Any]:
    """The canonical link and share tags, or nothing for a preview, draft or private page."""
    from ..fragments import cached

    request = context.get("request")
    if (
        page is None
        or not page.pk
        or getattr(request, "is_preview", False)
        or not is_page_visible(page, request)
    ):
        return {"meta": None}
    query = _query(context, page)
    live_state = context.get("newsfeed_live")
    where = (request.scheme, request.get_host()) if request is not None else None
    version = live_state.version if live_state is not None else None
    meta = cached(
        "share_meta",
        (page.pk, page.cache_key, version, where, sorted(query.items())),
        lambda: share_meta(page, request, query, live_state, context.get("topic")),
        request,
    )
    # A page outside every Wagtail Site has no URL to be canonical to.
    return {"meta": meta if meta["canonical"] else None}


@register.simple_tag(takes_context=True)
def newsfeed_publisher(context: Any) -> str:
    """The masthead's name: the same as in share tags, JSON-LD, feeds and the news sitemap
    (``jsonld.publisher_name``)."""
    return publisher_name(context.get("request"))
