"""Links in rich text as readers get them: only to what they may see.

Wagtail turns the stored form of an internal link (``<a linktype="page" id="3">``) into an ``href``
with a link handler per link type, site-wide: reader pages, feeds and both APIs. These handlers
take the place of Wagtail's for pages and documents (``wagtail_hooks`` registers them after
Wagtail's own), so a link to a draft, private or expired page, or to a document in a private
collection, keeps its text and loses its URL, as Wagtail already does for a deleted page. A link
handler is given no request: editors' previews lose those links too.

Web addresses stored in fields (a source's website, an embed's URL) pass ``web_url`` wherever they
become a link or an API value: only http(s) addresses do, whatever the database holds.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.rich_text.pages import PageLinkHandler


def _ids(attrs_list: list[dict[str, Any]]) -> list[Any]:
    # Ids as written, as Wagtail's handlers read them: one that is not a number fails the
    # lookup, and ``rendering`` then leaves the block out and logs it for the editors.
    return [attrs.get("id") for attrs in attrs_list]


class VisiblePageLinkHandler(PageLinkHandler):
    """Wagtail's page link, resolved only to pages readers may see: a link to a draft, private,
    expired or deleted page keeps its text but has no ``href`` (its URL could give the story
    away). The rule joins Wagtail's own query for the linked pages: no query more."""

    @classmethod
    def get_many(cls, attrs_list: list[dict[str, Any]]) -> list[Any]:
        from wagtail.models import Page

        from . import body_references
        from .visibility import visible_pages

        ids = _ids(attrs_list)
        listed = body_references.pages(ids)  # a list's bodies: read once for all of them
        if listed is not None:
            return listed
        pages = visible_pages(Page.objects.filter(id__in=ids)).defer_streamfields().specific()
        by_id = {str(page.pk): page for page in pages}
        return [by_id.get(str(i)) for i in ids]


class PublicDocumentLinkHandler(DocumentLinkHandler):
    """Wagtail's document link, resolved only to documents outside private collections: the
    others keep their text but have no ``href``. One query, as Wagtail's."""

    @classmethod
    def get_many(cls, attrs_list: list[dict[str, Any]]) -> list[Any]:
        from . import body_references
        from .visibility import private_collections

        ids = _ids(attrs_list)
        listed = body_references.documents(ids)  # a list's bodies: read once for all of them
        if listed is not None:
            return listed
        public = cls.get_model().objects.exclude(collection__in=private_collections())
        by_id = {str(document.pk): document for document in public.filter(id__in=ids)}
        return [by_id.get(str(i)) for i in ids]


def register_visible_link_types(features: Any) -> None:
    """Put the handlers above in place of Wagtail's for page and document links (run after
    Wagtail's own ``register_rich_text_features`` hooks): rich text anywhere on the site, its
    feeds and its APIs then links only to what readers may see."""
    features.register_link_type(VisiblePageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)


#: The schemes a stored web address may have to be linked or served: a website, not a script
#: (``javascript:``), an inline document (``data:``) or a mail link.
WEB_SCHEMES = frozenset({"http", "https"})

# What a browser ignores in a URL before it reads the scheme (WHATWG URL standard): C0 controls
# and spaces at either end, tabs and newlines anywhere ("java\tscript:" is "javascript:").
_ENDS = "".join(chr(code) for code in range(0x21))
_IGNORED = re.compile("[\t\n\r]")


def web_url(url: str | None) -> str | None:
    """``url`` as a browser reads it if it is an absolute http(s) address, else ``None``.

    A ``URLField`` checks the scheme only in forms; a value stored around them (loaddata, a data
    migration, a restored database) reaches readers as it is. Templates (the
    ``newsfeed_web_url`` filter) and the API pass stored addresses through this one rule.
    """
    if not url:
        return None
    cleaned = _IGNORED.sub("", str(url).strip(_ENDS))
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        return None
    return cleaned
