"""The players, embeds and file links of post content, as the body builder writes them: an embed
block where one of Wagtail's embed finders knows the provider, otherwise a link (and a report
line); an audio or video player as a link to its file; a file block as a document block."""

from __future__ import annotations

from typing import Any

from bs4 import Tag

from . import values
from .markup import URL, iframe_url, parse_html, text_of


class EmbedBlocks:
    """Part of ``body.BodyBuilder``: uses its ``resolver``, ``warn``, ``add`` and ``link``."""

    resolver: Any
    warn: Any
    add: Any
    link: Any

    def iframe(self, node: Tag, caption: str) -> None:
        src = str(node.get("src") or "").strip()
        url = iframe_url(src)
        if url and self.embed(url, caption):
            return
        self.warn("removed_markup", f"iframe {src[:200]!r}")
        if src.startswith(("http://", "https://")):
            self.link(src, str(node.get("title") or "") or src)

    def media_player(self, node: Tag) -> None:
        source = node.get("src") or next(
            (s.get("src") for s in node.find_all("source") if s.get("src")), ""
        )
        source = str(source or "")
        self.warn("removed_markup", f"<{node.name}> {source[:200]!r}")
        if source.startswith(("http://", "https://")):
            self.link(source, source)

    def embed(self, url: str, caption: str = "") -> bool:
        url = url.strip()
        if not URL.fullmatch(url) or not self.resolver.embed_ok(url):
            return False
        self.add("embed", {"embed": url, "caption": values.truncate(caption, 500)})
        return True

    def embed_block(self, url: str, wrapper_text: str, caption: str = "") -> None:
        """A Gutenberg or ``[embed]`` embed: an embed block, or a link when Wagtail does not
        know the provider (it would render nothing)."""
        url = (url or wrapper_text or "").strip()
        if not url:
            return
        if self.embed(url, caption):
            return
        if URL.fullmatch(url):
            self.warn("embed_as_link", url[:200])
            self.link(url, caption or url)
        else:
            self.warn("removed_markup", f"embed of {url[:200]!r}: not a web address, dropped")

    def embed_markup(self, url: str, markup: str) -> None:
        """A Gutenberg embed block: its URL attribute, else the URL in its saved figure."""
        soup = parse_html(markup)
        captions = soup.find_all("figcaption")
        wrapper = soup.find(class_="wp-block-embed__wrapper")
        caption = text_of(captions[-1]) if captions else ""
        self.embed_block(url, text_of(wrapper) if wrapper else text_of(soup), caption)

    def document_block(self, attachment_id: Any, markup: str) -> bool:
        pk = self.resolver.document(attachment_id)
        if pk is None:
            return False
        soup = parse_html(markup)
        first = soup.find("a")
        self.add(
            "document",
            {"document": pk, "title": values.truncate(text_of(first) if first else "", 255)},
        )
        return True
