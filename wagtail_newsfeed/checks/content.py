"""System checks of what is stored: the default Wagtail Site still at a local address, and live
feeds outside a news index.

They read the database, so they are tagged ``database``: Django runs them only when asked for
a database (``check --database default``, and ``migrate``), never at import time, and they say
nothing when the tables do not exist yet."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError, router

from ..webhooks.targets import literal_address


def is_local_hostname(hostname: str) -> bool:
    """Whether links to ``hostname`` lead each reader to their own machine: ``localhost`` and
    its subdomains (RFC 6761), any loopback address (127.0.0.0/8, ``::1``) and the unspecified
    address (``0.0.0.0``, ``::``) that ``runserver 0.0.0.0:8000`` listens on, in any spelling a
    resolver reads (``127.1``). The hostname may carry a root dot (``localhost.``) or IPv6
    brackets (``[::1]``)."""
    name = hostname.strip().lower().removesuffix(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = literal_address(name)  # 127.1, 2130706433, 0x7f000001 too
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1
    return address.is_loopback or address.is_unspecified


def _site_database(databases: Any) -> str | None:
    """The database to read Wagtail's sites from, if this check run was given it."""
    from wagtail.models import Site

    alias = router.db_for_read(Site)
    return alias if databases and alias in databases else None


@register(Tags.database)
def check_site_hostname(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    """Feeds, sitemaps, JSON-LD and share tags make their links absolute with the default
    Wagtail Site's root URL: a new project's site is ``localhost``."""
    alias = _site_database(databases)
    if alias is None or django_settings.DEBUG:
        return []
    from wagtail.models import Site

    try:
        site = Site.objects.using(alias).filter(is_default_site=True).first()
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    if site is None:
        return []
    if not is_local_hostname(site.hostname or ""):
        return []
    return [
        Warning(
            f"The default Wagtail Site's root URL is {site.root_url!r}: links in RSS/Atom "
            "feeds, sitemaps, JSON-LD and share tags point at it, so readers and search "
            "engines get links to their own machine.",
            hint="Set the site's real hostname and port in the Wagtail admin under Settings "
            f"→ Sites{_admin_url('wagtailsites:edit', site.pk)} (a demo site: 'manage.py "
            "load_newsfeed_demo --site-url https://your.domain').",
            id="wagtail_newsfeed.W003",
        )
    ]


def _admin_url(name: str, pk: Any) -> str:
    """`` (/admin/...)`` for the hint, where the admin is routed."""
    from django.urls import NoReverseMatch, reverse

    try:
        return f" ({reverse(name, args=[pk])})"
    except NoReverseMatch:
        return ""


@register(Tags.database)
def check_live_feed_parents(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Live feeds belong under a news index (``LiveFeedPage.parent_page_types``). Feeds created
    elsewhere before that rule keep working; the warning says where they are."""
    from ..models import LiveFeedPage, NewsIndexPage

    alias = router.db_for_read(LiveFeedPage)
    if not databases or alias not in databases:
        return []
    try:
        index_paths = set(NewsIndexPage.objects.using(alias).values_list("path", flat=True))
        feeds = list(LiveFeedPage.objects.using(alias).values_list("pk", "title", "path"))
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    steplen = LiveFeedPage.steplen
    outside = [(pk, title) for pk, title, path in feeds if path[:-steplen] not in index_paths]
    if not outside:
        return []
    named = ", ".join(f"{title!r} (id {pk})" for pk, title in outside[:5])
    more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
    return [
        Warning(
            f"{len(outside)} live feed(s) are not under a news index: {named}{more}. They keep "
            "working, but news indexes do not list them and new feeds can only be added under "
            "a news index.",
            hint="Move them under a News index page in the Wagtail admin (the page's ⋯ menu → "
            "Move).",
            id="wagtail_newsfeed.W004",
        )
    ]
