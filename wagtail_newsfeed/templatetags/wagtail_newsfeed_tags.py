"""Template helpers for the newsroom's reader pages.

Templates never decide visibility themselves: ``newsfeed_visible`` asks ``visibility.py``. Entry
permalinks are built from the feed page already in the context so a list of entries does not look
up its feed once per entry.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet
from wagtail.models import Page

from ..models import LiveEntry
from ..visibility import is_page_visible

register = template.Library()


@register.filter
def newsfeed_datetime(value: Any) -> str:
    """A ``<time datetime>`` value: ISO 8601 in whole seconds, as HTML allows at most three
    fractional digits (Django's ``date:"c"`` gives six)."""
    from .wagtail_newsfeed_share import html_datetime

    return html_datetime(value)


@register.filter
def newsfeed_date(value: Any, style: str = "date") -> str:
    """A date or time as readers of the current language write it (``names.DATE_STYLES``:
    date, short_date, datetime, datetime_zone, time)."""
    from ..names import DATE_STYLES, local_date

    return local_date(value, style if style in DATE_STYLES else "date")


@register.filter
def newsfeed_text(value: Any) -> str:
    """Stored text (an image's title as its alt text) without the characters HTML and XML
    forbid: an editor's paste must not make the page invalid."""
    from ..xml import xml_safe

    return xml_safe(str(value or ""))


@register.filter
def newsfeed_web_url(value: Any) -> str:
    """A stored web address (a source's website) to link to: "" unless it is http(s), so a
    ``javascript:`` value stored around the form shows as text, not a link (``links.web_url``)."""
    from ..links import web_url

    return web_url(value) or ""


@register.simple_tag
def newsfeed_rich_text(instance: Any, name: str) -> str:
    """A page's rich-text field as ``|richtext`` shows it, cleaned first by that field's
    features (``serialization.rich_text_field_html``): a stored value may never have been
    validated, and ``|richtext`` shows what is stored."""
    from django.template.loader import render_to_string

    from ..serialization import rich_text_field_html

    html = rich_text_field_html(instance, name)
    return render_to_string("wagtailcore/shared/richtext.html", {"html": html})


@register.simple_tag
def newsfeed_renditions(image: Any, *specs: str) -> list[Any]:
    """``image``'s renditions for ``specs``, in order, leaving out those that cannot be made:
    none for an image whose file is missing, unreadable or not an image at all (Wagtail's own
    tags draw a broken "not-found" picture for the first and fail the page on the others).

    Each width is given once, for a ``srcset`` may not name a width twice: Wagtail's
    ``width-N`` never makes an image wider than its original, so of the ``width-N`` specs no
    narrower than ``image`` only the first is asked for (the original's width), and a rendition
    as wide as one before it is left out."""
    from ..serialization import image_renditions

    if not image:
        return []
    specs = _no_upscaling(image, specs)
    made = image_renditions(image, specs)
    renditions, widths = [], set()
    for rendition in (made[spec] for spec in specs if spec in made):
        if rendition.width not in widths:
            widths.add(rendition.width)
            renditions.append(rendition)
    return renditions


def _no_upscaling(image: Any, specs: tuple[str, ...]) -> list[str]:
    """``specs`` without the ``width-N`` ones after the first that is at least ``image``'s width
    (Wagtail would make each of them at the original's width)."""
    kept, full_width = [], False
    for spec in specs:
        width = spec.removeprefix("width-")
        if width != spec and width.isdigit() and image.width and int(width) >= image.width:
            if full_width:
                continue
            full_width = True
        kept.append(spec)
    return kept


@register.filter
def newsfeed_visible(page: Page | None) -> bool:
    """True if readers may see ``page`` (live, public, not expired)."""
    return bool(page) and is_page_visible(page)


@register.simple_tag(takes_context=True)
def newsfeed_body(
    context: Any, value: Any, editor: bool | None = None, heading_level: int = 2
) -> str:
    """A StreamField body, block by block, each with its own template (``rendering``): a block
    whose stored value cannot render is left out, or shown as a placeholder to editors (in the
    admin, and in Wagtail's preview when ``editor`` is not given). ``heading_level`` is the
    level of the body's section headings: an article's are h2, a live entry's sit below its
    h2 headline (3), or are h2 if it has none."""
    from ..body_references import render_body

    if editor is None:
        editor = bool(getattr(context.get("request"), "is_preview", False))
    flat = context.flatten()
    flat[HEADING_LEVEL] = heading_level
    return render_body(value, flat, editor=editor)


#: The context variable holding the level of a body's section headings (``newsfeed_body``).
HEADING_LEVEL = "newsfeed_heading_level"


@register.simple_tag(takes_context=True)
def newsfeed_heading(context: Any, level: str = "h2") -> str:
    """The tag of a heading a body block asks for: ``"h2"`` (a section heading, a box's title)
    or ``"h3"`` (below it), moved down as far as the body is (``newsfeed_body``), never past
    h6: a live entry's "h2" is an h3 under the entry's headline."""
    try:
        base = int(context.get(HEADING_LEVEL) or 2)
    except (TypeError, ValueError):
        base = 2
    return f"h{min(6, max(2, base) + (1 if level == 'h3' else 0))}"


@register.simple_tag(takes_context=True)
def newsfeed_fragment(context: Any) -> dict[str, Any]:
    """What ``{% wagtailcache %}`` needs to keep a piece of a reader page (``fragments``):
    ``timeout`` and ``vary`` (the render generation, language, time zone and host, as links
    in the piece may be absolute)."""
    from django.utils import timezone, translation

    from ..conf import settings
    from ..fragments import PIECES_FORMAT, render_generation

    request = context.get("request")
    vary = ":".join(
        (
            str(PIECES_FORMAT),
            render_generation(request),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            request.get_host() if request is not None else "",
        )
    )
    return {"timeout": settings.FRAGMENT_CACHE_TIMEOUT, "vary": vary}


@register.simple_tag(takes_context=True)
def entry_permalink(context: dict[str, Any], entry: LiveEntry) -> str:
    """The URL of one entry (``LiveEntry.permalink``): its feed page's URL with ``?entry=<id>``,
    which shows the page of entries holding it, and the ``#entry-<id>`` anchor."""
    page = context.get("page")
    request = context.get("request")
    if page is None or page.pk != entry.feed_id:
        page = entry.feed
    return entry.permalink(page.get_url(request=request) or "")


@register.simple_tag(takes_context=True)
def entry_link(context: dict[str, Any], entry: LiveEntry) -> str:
    """Where a link to ``entry`` goes from this page: its anchor when the live page being
    rendered shows it, else its permalink (the key events of a long feed name entries far
    from the page the reader has)."""
    live_state = context.get("newsfeed_live")
    if live_state is not None and entry.pk in live_state.shown_ids:
        return f"#{entry.anchor}"
    return entry_permalink(context, entry)


@register.simple_tag(takes_context=True)
def newsfeed_jsonld(context: dict[str, Any], page: Page | None) -> str:
    """``<script type="application/ld+json">`` with the page's schema.org data (see jsonld.py)."""
    from django.utils.safestring import mark_safe

    from ..jsonld import dumps_jsonld, page_jsonld

    request = context.get("request")
    # A live page hands over its state: the entries it shows are fetched once, if at all.
    live_state = context.get("newsfeed_live")
    data = page_jsonld(page, request, live_state=live_state) if page is not None else None
    if data is None:
        return ""
    # dumps_jsonld escapes <, > and &, so the JSON cannot close the script element.
    return mark_safe(f'<script type="application/ld+json">{dumps_jsonld(data)}</script>')


@register.simple_tag(takes_context=True)
def newsfeed_alternate_links(context: dict[str, Any], page: Page | None) -> str:
    """``<link rel="alternate">`` tags for the RSS and Atom feeds that cover this page."""
    from django.utils.html import format_html_join

    from ..syndication import alternate_feeds

    links = alternate_feeds(page, context.get("request"), topic=context.get("topic"))
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((link["type"], link["title"], link["href"]) for link in links),
    )


class BodiesNode(template.Node):
    def __init__(self, nodelist: template.NodeList, sources: list[Any]) -> None:
        self.nodelist = nodelist
        self.sources = sources

    def render(self, context: Any) -> str:
        from ..body_references import scope

        bodies = []
        for source in self.sources:
            found = source.resolve(context)
            items = found if isinstance(found, list | tuple | QuerySet) else [found]
            bodies.extend(getattr(item, "body", None) for item in items)
        with scope(bodies):
            return self.nodelist.render(context)


@register.tag
def newsfeed_bodies(parser: Any, token: Any) -> BodiesNode:
    """``{% newsfeed_bodies entries pinned_entry %}...{% endnewsfeed_bodies %}``: the bodies
    of these entries (lists, or one entry) are shown within, and what they refer to (pages,
    documents, embeds, chosen images and sources) is read once per kind for all of them
    (``body_references``), not once per block."""
    sources = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endnewsfeed_bodies",))
    parser.delete_first_token()
    return BodiesNode(nodelist, sources)
