"""Every old URL keeps working: redirects (``wagtail.contrib.redirects``) from each post's
permalink, ``?p=<id>`` and guid to its new page, and from each attachment's file URL to the
imported file.

A path that already redirects somewhere else (an editor's redirect, another post's) is left
alone and reported; a path that already redirects to the right place is not written again, so
re-runs create nothing twice.
"""

from __future__ import annotations

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from . import values
from .report import Report

MAX_PATH = 255


def save_redirects(
    paths: list[str],
    site: Site | None,
    report: Report,
    label: str,
    *,
    page: Page | None = None,
    link: str = "",
) -> None:
    """Redirects from ``paths`` (normalised old paths) to ``page`` or ``link``."""
    wanted = []
    for path in dict.fromkeys(paths):
        if len(path) > MAX_PATH:
            report.warn(
                "redirect", f"{label}: {values.shown(path)} is longer than {MAX_PATH} characters"
            )
        elif path and path != "/":
            wanted.append(path)
    if not wanted:
        return
    existing = {
        redirect.old_path: redirect
        for redirect in Redirect.objects.filter(site=site, old_path__in=wanted)
    }
    new = []
    for path in wanted:
        redirect = existing.get(path)
        if redirect is None:
            new.append(
                Redirect(
                    old_path=path,
                    site=site,
                    is_permanent=True,
                    redirect_page=page,
                    redirect_link=link,
                )
            )
        elif (page is not None and redirect.redirect_page_id != page.pk) or (
            page is None and redirect.redirect_link != link
        ):
            report.warn(
                "redirect", f"{label}: {values.shown(path)} already redirects elsewhere; left alone"
            )
    Redirect.objects.bulk_create(new)
    report.count("redirects", "created", len(new))
