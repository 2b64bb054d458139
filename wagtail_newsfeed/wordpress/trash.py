"""A post moved to the trash after an earlier import: its page is taken down.

Readers lose it the way they lose a draft: the page is unpublished (or its scheduled publish
cancelled, so it never goes live) and the old URLs stop redirecting to it (a redirect to an
unpublished page is a 404). The importer then forgets the post's fingerprint, so a post that comes
back out of the trash is written again, published at its original times, with its redirects.
"""

from __future__ import annotations

import dataclasses

from wagtail.models import Page, Site

from .archives import post_feed_path
from .pages import cancel_schedule
from .records import Item
from .redirects import drop_redirects
from .report import Report
from .survey import Catalog, canonical_url, old_urls

#: WordPress renames a trashed post's slug (``wp_add_trashed_suffix_to_post_name_for_post``)
#: and keeps the one it had in this meta key, restoring it on untrash.
TRASHED_SUFFIX = "__trashed"
DESIRED_SLUG = "_wp_desired_post_slug"


def trashed_paths(catalog: Catalog, item: Item) -> list[str]:
    """The old paths a trashed post redirected from while it was public: those of the export
    and, for a slug WordPress suffixed with ``__trashed``, those of the slug before."""
    paths = old_urls(catalog, item)
    links = [item.link]
    if item.name.endswith(TRASHED_SUFFIX):
        slug = item.meta.get(DESIRED_SLUG, "").strip()[:1000] or item.name[: -len(TRASHED_SUFFIX)]
        before = dataclasses.replace(item, name=slug, link=item.link.replace(item.name, slug, 1))
        paths += old_urls(catalog, before)
        links.append(before.link)
    canonical = canonical_url(item)
    path = catalog.old_path(canonical) if canonical else None
    if path and path != "/":
        paths.append(path)
    for link in links:  # the comment feed of each permalink
        feed = post_feed_path(catalog.old_path(link) if link else None)
        if feed:
            paths.append(feed)
    return list(dict.fromkeys(paths))


def is_up(page: Page) -> bool:
    """Whether readers see the page now or will at its scheduled time."""
    return page.live or page.revisions.filter(approved_go_live_at__isnull=False).exists()


def take_down(page: Page, paths: list[str], site: Site | None, report: Report) -> str:
    """Unpublish ``page`` (or cancel its scheduled publish) and drop the redirects from
    ``paths`` to it, counting each in ``report``; what was done to the page ("" for nothing:
    it was down already)."""
    removed = drop_redirects(paths, site, page.pk)
    report.count("redirects", "removed (the post is not public)", removed)
    if page.live:
        page.unpublish()
        report.count("articles", "unpublished (trashed)")
        return "unpublished"
    if cancel_schedule(page):
        report.count("articles", "unscheduled (trashed)")
        return "unscheduled"
    report.count("items skipped", "trash")
    return ""
