"""One post's content converted the way the importer converts it, without a database: the
``blocks_of``-style fixtures of the content tests build on this."""

from __future__ import annotations

from collections.abc import Callable

from wagtail_newsfeed.wordpress import gutenberg
from wagtail_newsfeed.wordpress.content import Resolver, convert
from wagtail_newsfeed.wordpress.media import MediaLibrary, MediaRef, Uploads
from wagtail_newsfeed.wordpress.report import Report
from wagtail_newsfeed.wordpress.survey import Catalog

Warnings = list[tuple[str, str]]
Converter = Callable[..., tuple[list[dict], Warnings]]


def converter(
    catalog: Catalog,
    refs: dict[int, MediaRef] | None = None,
    pages: dict[int, int] | None = None,
) -> Converter:
    """``run(markup, reusable=None, footnotes=None)`` -> (raw blocks, warnings as
    (kind, message)) for post 1, with ``refs`` as the media already imported and ``pages`` as
    the posts that already have a page (WordPress id -> page id)."""
    media = MediaLibrary(catalog, Uploads(None), Report(), dry_run=False)
    if refs is not None:
        media.refs = refs

    def run(
        markup: str,
        reusable: gutenberg.Reusable | dict[int, str] | None = None,
        footnotes: str | None = None,
    ) -> tuple[list[dict], Warnings]:
        warnings: Warnings = []
        resolver = Resolver(catalog, media, dict(pages or {}), post_id=1)
        raw = convert(
            markup,
            resolver,
            lambda kind, message: warnings.append((kind, message)),
            {} if reusable is None else reusable,
            footnotes,
        )
        return raw, warnings

    return run
