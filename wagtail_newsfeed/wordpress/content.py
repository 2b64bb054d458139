"""Post and entry content, from WordPress markup to a validated StreamField value.

``convert`` reads classic-editor HTML (shortcodes, then ``wpautop``-style paragraphs) or
Gutenberg block markup into raw blocks; ``Resolver`` answers what the content refers to (imported
images and documents, old permalinks of imported posts, embed providers Wagtail knows).
``clean_blocks`` then passes the raw blocks through the app's one write validator, like every
other writer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from bs4 import Tag
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from wagtail import blocks as wagtail_blocks
from wagtail.embeds.finders import get_finders

from .. import validation
from ..converters import parse_id
from . import gutenberg
from .body import BodyBuilder
from .media import PENDING, MediaLibrary
from .shortcodes import Expander
from .survey import Catalog

Warn = Callable[[str, str], None]


class Resolver:
    """What one post's content refers to, as ids in this Wagtail."""

    def __init__(
        self,
        catalog: Catalog,
        media: MediaLibrary,
        pages: dict[int, int],
        post_id: int | None = None,
    ) -> None:
        self.catalog, self.media, self.pages, self.post_id = catalog, media, pages, post_id
        #: Posts this content links to that have no page yet (a later pass rewrites the links).
        self.waiting_for: set[int] = set()

    def image(self, node: Tag) -> int | None:
        classes = node.get("class") or []
        for name in classes if isinstance(classes, list) else str(classes).split():
            if name.startswith("wp-image-"):
                found = self.media.ref(parse_id(name.removeprefix("wp-image-")), "image")
                if found is not None:
                    return found
        for attribute in ("data-id", "data-attachment-id"):
            found = self.media.ref(parse_id(str(node.get(attribute) or "")), "image")
            if found is not None:
                return found
        attachment = self.media.attachment_for_url(str(node.get("src") or ""))
        return self.media.ref(attachment, "image")

    def document(self, attachment_id: Any) -> int | None:
        return self.media.ref(attachment_id, "document")

    def shows_image(self, href: str, node: Tag) -> bool:
        """Whether a link around the image ``node`` leads to that image only: a file of the
        media library (the image at full size, say) or the attachment page of the image."""
        if self.media.attachment_for_url(href) is not None:
            return True
        path = self.catalog.old_path(href)
        if path is None:
            return False
        if "?attachment_id=" in path:
            return True
        classes = node.get("class") or []
        names = classes if isinstance(classes, list) else str(classes).split()
        ids = [
            parse_id(name.removeprefix("wp-image-"))
            for name in names
            if name.startswith("wp-image-")
        ]
        ids += [parse_id(str(node.get(name) or "")) for name in ("data-id", "data-attachment-id")]
        for wp_id in ids:
            attachment = self.catalog.attachments.get(wp_id) if wp_id is not None else None
            if attachment and attachment.link and self.catalog.old_path(attachment.link) == path:
                return True
        return False

    def link(self, href: str) -> tuple[str, int] | None:
        """A link to an imported post or document, in the form rich text stores internally."""
        post = self.catalog.post_for_url(href)
        if post is not None:
            if post in self.pages:
                return "page", self.pages[post]
            self.waiting_for.add(post)
            return None
        document = self.media.ref(self.media.attachment_for_url(href), "document")
        return ("document", document) if document not in (None, PENDING) else None

    def embed_ok(self, url: str) -> bool:
        return any(finder.accept(url) for finder in _finders())

    def attached_images(self) -> list[int]:
        """Image attachments uploaded to this post (a ``[gallery]`` without ``ids``)."""
        attached = self.catalog.attachments_by_parent.get(self.post_id or 0, [])
        return [wp_id for wp_id in attached if self.media.ref(wp_id, "image")][:100]


_cached_finders: list[Any] = []


def _finders() -> list[Any]:
    # Configured finders only match URLs against their providers here: nothing is fetched.
    # Building them compiles every provider's patterns, so they are kept until settings change.
    if not _cached_finders:
        _cached_finders.extend(get_finders())
    return _cached_finders


def _forget_finders(*, setting: str, **kwargs: Any) -> None:
    if setting == "WAGTAILEMBEDS_FINDERS":
        _cached_finders.clear()


setting_changed.connect(_forget_finders)


def convert(
    content: str,
    resolver: Resolver,
    warn: Warn,
    reusable: gutenberg.Reusable | dict[int, str],
    footnotes: str | None = None,
) -> list[dict]:
    """Raw blocks for classic or block-editor content. Pass one ``gutenberg.Reusable`` for a
    post and its Liveblog entries: they share its expansion budget; and the post's
    ``footnotes`` meta, which a footnotes block shows."""
    builder = BodyBuilder(resolver, warn)
    expander = Expander(warn, resolver.attached_images)

    def classic(markup: str) -> None:
        builder.html(expander.expand(markup), autop=True)

    if gutenberg.has_blocks(content):
        reader = gutenberg.BlockReader(
            builder, classic, reusable, gutenberg.footnotes_of(footnotes), expander.expand
        )
        reader.reusable.grant(content)
        reader.read(gutenberg.parse(content))
    else:
        classic(content)
    return builder.finish()


#: The fields of the blocks the builder writes that hold an image or document id.
MEDIA_FIELDS = ("image", "document")


def without_pending(raw: list[dict]) -> list[dict]:
    """The blocks a dry run can validate: images and documents it would create have no id yet
    (``PENDING``), so the blocks showing them (an image, a gallery's images, a file block) are
    left out of its check. Links in text never hold one (``Resolver.link``)."""
    return [block for block in raw if not _pending(block["value"])]


def _pending(value: Any) -> bool:
    return isinstance(value, dict) and any(value.get(name) == PENDING for name in MEDIA_FIELDS)


def with_ids(raw: list[dict], seed: str) -> list[dict]:
    """Blocks with ids derived from the post, so importing the same content twice stores the
    same value (and re-runs can tell "unchanged")."""
    return [
        {**block, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/{index}"))}
        for index, block in enumerate(raw)
    ]


def clean_blocks(
    raw: list[dict], stream_block: wagtail_blocks.StreamBlock, max_bytes: int
) -> wagtail_blocks.StreamValue:
    """``raw`` through the write validator, then Wagtail's own block validation.

    The validator's ``block_validation`` runs every block's ``clean``, and an embed's fetches
    the oEmbed over the network (and stores it); an import must not touch the network, so embeds
    are left to render time and every other block is cleaned here.
    """
    value = validation.clean_body(
        raw, stream_block, None, max_bytes=max_bytes, block_validation=False
    )
    for index, child in enumerate(value):
        if child.block_type == "embed":
            continue
        try:
            child.block.clean(child.value)
        except ValidationError as error:
            raise ValidationError(
                f"body[{index}] ({child.block_type}): {describe(error)}"
            ) from None
    return value


def describe(error: Exception) -> str:
    """One line for a validation error, block paths included (``body[2].image: ...``)."""
    if not isinstance(error, ValidationError):
        return f"{type(error).__name__}: {error}"[:500]
    data = error.as_json_data() if hasattr(error, "as_json_data") else None
    if data:
        lines: list[str] = []
        _flatten(data, "body", lines)
        if lines:
            return "; ".join(lines)[:500]
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )[:500]
    return " ".join(error.messages)[:500]


def _flatten(data: Any, path: str, lines: list[str]) -> None:
    if isinstance(data, str):
        lines.append(f"{path}: {data}")
    elif isinstance(data, list):
        for item in data:
            _flatten(item, path, lines)
    elif isinstance(data, dict):
        for message in data.get("messages", []):
            lines.append(f"{path}: {message}")
        for key, child in (data.get("blockErrors") or {}).items():
            label = f"{path}[{key}]" if str(key).isdigit() else f"{path}.{key}"
            _flatten(child, label, lines)
