"""Links in rich text as readers get them: only to what they may see.

Wagtail turns the stored form of an internal link (``<a linktype="page" id="3">``) into an ``href``
with a link handler per link type, site-wide: reader pages, feeds and both APIs. These handlers
take the place of Wagtail's for pages and documents (``wagtail_hooks`` registers them after
Wagtail's own), so a link to a draft, private or expired page, or to a document in a private
collection, keeps its text and loses its URL, as Wagtail already does for a deleted page. A link
handler is given no request: editors' previews lose those links too.
"""

from __future__ import annotations

from typing import Any

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
