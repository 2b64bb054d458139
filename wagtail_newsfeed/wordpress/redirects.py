"""Every old URL keeps working: redirects (``wagtail.contrib.redirects``) from each post's
permalink, ``?p=<id>`` and guid to its new page, and from each attachment's file URL to the
imported file.

A path that already redirects somewhere else (an editor's redirect, another post's, a post of
another WordPress site imported into the same Wagtail site) is left alone and reported, except a
post's own permalink and ``?p=<id>`` taken by a post of the same export whose guid, earlier slug or
canonical URL names it: an earlier import let that post take it, so it is moved back (an editor who
pointed it at any other page is left alone). A path that already redirects to the right place is not
written again, so re-runs create nothing twice, and one that is missing is created again. The
redirects of a site's category archives and feeds, whose targets (the index filtered by a topic, a
feed) any site's posts or an editor may share, are recorded as that site's (a ``WordPressOrigin`` of
kind ``redirect``): an import removes only those it recorded for its own site
(``drop_link_redirects`` with ``owner``). Only public posts get redirects: a draft, scheduled,
private or password-protected post's old URLs (``/?p=<id>`` above all, which anyone can count
through) would reveal its new URL, and a post that is no longer public loses the redirects to it
(``drop_redirects``). A path the site itself answers (an existing page such as ``/news``, or a view
of the URLconf such as ``/admin``) never gets a redirect: Wagtail stores old paths without their
trailing slash, so a post whose permalink was ``/news/`` would otherwise take over ``/news``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import reduce
from operator import or_

from django.conf import settings as django_settings
from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site
from wagtail.views import serve

from ..models import WordPressOrigin
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
    create: bool = True,
    page_id: int | None = None,
    stale_link: str = "",
    own: Mapping[str, Collection[int]] | None = None,
    owner: str = "",
) -> None:
    """Redirects from ``paths`` (normalised old paths) to ``page`` or ``link``, those created
    recorded as the WordPress site ``owner``'s when given; with
    ``create=False`` only the report lines (a re-run of an unchanged post, known by its
    ``page_id``, repeats them). A redirect to ``stale_link`` (where an earlier version of the
    importer pointed it) is moved to ``link``, and one from a path of ``own`` (the post's own
    old URLs) to one of the pages ``own`` gives for it is moved to ``page_id``, even with
    ``create=False``: an earlier version let that post's guid or canonical URL take it."""
    page_id = page.pk if page is not None else page_id
    wanted = []
    for path in dict.fromkeys(paths):
        if len(path) > MAX_PATH:
            report.warn(
                "redirect", f"{label}: {values.shown(path)} is longer than {MAX_PATH} characters"
            )
        elif path and path != "/":
            wanted.append(path)
    taken = site_paths(wanted, site, page_id)
    for path, reason in taken.items():
        if reason:
            report.warn("redirect", f"{label}: {values.shown(path)} {reason}; no redirect")
    wanted = [path for path in wanted if path not in taken]
    if not wanted:
        return
    existing = {
        redirect.old_path: redirect
        for redirect in Redirect.objects.filter(site=site, old_path__in=wanted)
    }
    own = {path: pages for path, pages in (own or {}).items() if path in wanted}
    reclaimed = list(taken_by_other_posts(own, site, page_id)) if own and page_id else []
    for redirect in reclaimed:
        redirect.redirect_page_id = page_id
        existing[redirect.old_path] = redirect
    new, moved = [], []
    for path in wanted:
        redirect = existing.get(path)
        if (
            redirect is not None
            and stale_link
            and page_id is None
            and redirect.redirect_page_id is None
            and redirect.redirect_link == stale_link
        ):
            redirect.redirect_link = link
            moved.append(redirect)
            continue
        if redirect is None:
            new.append(
                Redirect(
                    old_path=path,
                    site=site,
                    is_permanent=True,
                    redirect_page_id=page_id,
                    redirect_link=link,
                )
            )
        elif (page_id is not None and redirect.redirect_page_id != page_id) or (
            page_id is None and redirect.redirect_link != link
        ):
            report.warn(
                "redirect", f"{label}: {values.shown(path)} already redirects elsewhere; left alone"
            )
    Redirect.objects.bulk_update(reclaimed, ["redirect_page"])
    if create:
        Redirect.objects.bulk_create(new)
        if owner and new:
            record_redirects(owner, site, [redirect.old_path for redirect in new])
        report.count("redirects", "created", len(new))
        Redirect.objects.bulk_update(moved, ["redirect_link"])
    report.count("redirects", "updated", len(reclaimed) + (len(moved) if create else 0))


def drop_redirects(
    paths: list[str],
    site: Site | None,
    page_id: int,
    own: Mapping[str, Collection[int]] | None = None,
) -> int:
    """Delete the redirects from ``paths`` to page ``page_id`` (a post no longer public), and
    those from ``own`` (its own old URLs) to the pages ``own`` gives for them; how many there
    were."""
    wanted = [path for path in dict.fromkeys(paths) if path and len(path) <= MAX_PATH]
    if not wanted:
        return 0
    deleted, _ = Redirect.objects.filter(
        site=site, old_path__in=wanted, redirect_page_id=page_id
    ).delete()
    taken, _ = taken_by_other_posts(own or {}, site, page_id).delete()
    return deleted + taken


def record_redirects(owner: str, site: Site | None, paths: list[str]) -> None:
    """Record the redirects from ``paths`` as made by the import of WordPress site ``owner``."""
    ids = Redirect.objects.filter(site=site, old_path__in=paths).values_list("pk", flat=True)
    WordPressOrigin.objects.bulk_create(
        [WordPressOrigin(site=owner, kind=WordPressOrigin.Kind.REDIRECT, wp_id=pk) for pk in ids],
        ignore_conflicts=True,
    )


def drop_link_redirects(
    paths: list[str], site: Site | None, links: list[str], owner: str | None = None
) -> int:
    """Delete the redirects from ``paths`` to any of ``links`` (an attachment's file, whose
    ``?attachment_id=`` readers may no longer reach); with ``owner``, only those recorded as
    made by that WordPress site's import (never another site's or an editor's, which may lead
    to the same place); how many there were."""
    redirects = Redirect.objects.filter(
        site=site,
        old_path__in=[path for path in paths if path and len(path) <= MAX_PATH],
        redirect_page__isnull=True,
        redirect_link__in=[link for link in links if link],
    )
    if owner is None:
        deleted, _ = redirects.delete()
        return deleted
    origins = WordPressOrigin.objects.filter(site=owner, kind=WordPressOrigin.Kind.REDIRECT)
    ids = list(redirects.filter(pk__in=origins.values("wp_id")).values_list("pk", flat=True))
    if not ids:
        return 0
    deleted, _ = Redirect.objects.filter(pk__in=ids).delete()
    origins.filter(wp_id__in=ids).delete()
    return deleted


def taken_by_other_posts(
    own: Mapping[str, Collection[int]], site: Site | None, page_id: int
) -> QuerySet[Redirect]:
    """Redirects from ``own`` (a post's own old URLs) to the pages it gives for each (those of
    the posts of the same export whose guid, earlier slug or canonical URL names the path):
    never a redirect an editor pointed elsewhere, nor one to another WordPress site's post."""
    wanted = [
        Q(old_path=path, redirect_page_id__in=[pk for pk in pages if pk != page_id])
        for path, pages in own.items()
        if len(path) <= MAX_PATH and any(pk != page_id for pk in pages)
    ]
    if not wanted:
        return Redirect.objects.none()
    return Redirect.objects.filter(reduce(or_, wanted), site=site)


def site_paths(paths: list[str], site: Site | None, page_id: int | None) -> dict[str, str]:
    """The old paths the site answers itself, each with the reason ("" for the target's own URL,
    which needs no redirect)."""
    taken = {}
    for path in paths:
        if _is_view(path.split("?", 1)[0]):
            taken[path] = "is a URL of the site itself (not a Wagtail page)"
    roots = [site.root_page] if site is not None else [s.root_page for s in Site.objects.all()]
    by_url_path = {
        root.url_path + path.strip("/") + "/": path
        for root in roots
        for path in paths
        if "?" not in path and path not in taken
    }
    for url_path, pk in Page.objects.filter(url_path__in=list(by_url_path)).values_list(
        "url_path", "pk"
    ):
        own = page_id is not None and pk == page_id
        taken[by_url_path[url_path]] = "" if own else "is the URL of an existing page"
    return taken


def _is_view(path: str) -> bool:
    """Whether Django's URLconf sends ``path`` (with or without its trailing slash) to a view
    other than Wagtail's page serving, or it lies under ``STATIC_URL``/``MEDIA_URL``."""
    if path in ("", "/"):
        return False
    prefixes = [
        prefix
        for prefix in (django_settings.STATIC_URL, django_settings.MEDIA_URL)
        if prefix and str(prefix).startswith("/") and str(prefix) != "/"
    ]
    if any(f"{path}/".startswith(str(prefix)) for prefix in prefixes):
        return True
    for candidate in (path, f"{path}/"):
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        return match.func is not serve and match.url_name != "wagtail_serve"
    return False
