"""Embed HTML as readers get it: Wagtail's frontend HTML for the embed, with a name on every iframe.

Providers' oEmbed HTML often has an ``<iframe>`` without a ``title`` (Vimeo's does), which screen
readers announce as a nameless frame. The frame is named here, where the HTML is prepared for the
page and the API: by the embed's title, else the block's caption, else (on pages) a generic
"Embedded content". HTML without such an iframe is passed on exactly as the provider sent it.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException


def embed_html(value: Any, caption: str = "", fallback: str = "") -> str:
    """The frontend HTML of an ``EmbedBlock`` value (as ``EmbedValue.html``, from the one
    ``Embed`` row), its unnamed iframes titled; "" when the provider cannot be reached."""
    from . import body_references

    if value is None:
        return ""
    # Read with the other embeds of a list's bodies when one is being shown.
    embed = body_references.embed(value.url, value.max_width, value.max_height)
    try:
        embed = embed or embeds.get_embed(value.url, value.max_width, value.max_height)
    except EmbedException:
        return ""  # As Wagtail's own embed_to_frontend_html: a failed embed never breaks a page.
    html = render_to_string("wagtailembeds/embed_frontend.html", {"embed": embed})
    title = (embed.title or "").strip() or (caption or "").strip() or fallback
    return name_iframes(html, title)


def name_iframes(html: str, title: str) -> str:
    """``html`` with ``title`` on each ``<iframe>`` that has none (parsed, never pattern-matched;
    BeautifulSoup escapes the title as an attribute value)."""
    if not title or "iframe" not in html.lower():
        return html
    doc = BeautifulSoup(html, "html.parser")
    unnamed = [frame for frame in doc.find_all("iframe") if not (frame.get("title") or "").strip()]
    if not unnamed:
        return html
    for frame in unnamed:
        frame["title"] = title
    return str(doc)
