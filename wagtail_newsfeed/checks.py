"""System checks for the ``WAGTAIL_NEWSFEED`` setting, the apps the newsroom needs, settings that
turn a Redis or database blink into errors for readers, and the installation mistakes a new site
makes: sitemaps routed without their app, a Wagtail Site still at a local address, and
Wagtail's redirects, which would give hidden pages' new URLs away.

Checks that read the database are tagged ``database``: Django runs them only when asked for a
database (``check --database default``, and ``migrate``), never at import time, and they say
nothing when the tables do not exist yet."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError, connections, router
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, resolve, reverse

from .conf import DEFAULTS, NUMBER_LIMITS, SETTING_NAME, settings
from .webhooks.targets import literal_address

REQUIRED_APPS = [
    "wagtail",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.embeds",
    "wagtail.contrib.table_block",
    "wagtail_modeladmin",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "modelcluster",
    "taggit",
]
#: What breaks without an app, where nothing else says so.
MISSING_APP_EFFECTS = {
    "rest_framework.authtoken": "Without it, API writes with a token answer 401.",
    "drf_spectacular": "Without it, the API docs page answers 500.",
    "drf_spectacular_sidecar": "Without it, the API docs page stays blank (its assets are "
    "not found).",
}

POSITIVE_INTS = [
    "ARTICLES_PER_PAGE",
    "ENTRIES_PER_PAGE",
    "KEY_EVENTS_LIMIT",
    "POLL_INTERVAL",
    "POLL_MAX_INTERVAL",
    "API_PAGE_SIZE",
    "API_MAX_PAGE_SIZE",
    "API_DELTA_PAGE_SIZE",
    "API_SEARCH_MAX_RESULTS",
    "FEED_ITEMS",
    "NEWS_SITEMAP_MAX_AGE_DAYS",
    "ENTRY_BODY_MAX_BYTES",
    "ARTICLE_BODY_MAX_BYTES",
    "BODY_MAX_BLOCKS",
    "BODY_MAX_DEPTH",
    "TABLE_MAX_CELLS",
    "ENTRY_MAX_AUTHORS",
    "HEADLESS_PREVIEW_TOKEN_MAX_AGE",
    "WEBHOOK_MAX_ATTEMPTS",
]
#: An old webhook secret that signs for longer is no longer being replaced.
MAX_SECRET_OVERLAP_HOURS = 24 * 365
#: Beyond this many attempts a delivery's back-off runs to years (30 s × 2²⁹ at the 30th).
MAX_WEBHOOK_ATTEMPTS = 30
NON_NEGATIVE_INTS = [
    "API_CACHE_MAX_AGE",
    "API_LIVE_CACHE_MAX_AGE",
    "WEBHOOK_SECRET_OVERLAP_HOURS",
    "WEBHOOK_MAX_RESPONSE_BYTES",
]
#: Settings read as ``float``: an int or a float, finite. A timeout of 0 fails every attempt
#: without trying, a retry delay of 0 makes every retry in the request that failed, and a log
#: kept 0 days forgets what coalescing and back-off go by.
POSITIVE_NUMBERS = ["WEBHOOK_TIMEOUT", "WEBHOOK_RETRY_DELAY", "WEBHOOK_LOG_DAYS"]
NON_NEGATIVE_NUMBERS = ["WEBHOOK_COALESCE_SECONDS"]
#: Numeric settings with a ceiling, and what it means (beyond those of ``NUMBER_LIMITS`` a date
#: overflows: the code never uses more).
UPPER_BOUNDS = {
    "WEBHOOK_SECRET_OVERLAP_HOURS": (MAX_SECRET_OVERLAP_HOURS, " (a year)"),
    "WEBHOOK_MAX_ATTEMPTS": (MAX_WEBHOOK_ATTEMPTS, ""),
    "WEBHOOK_TIMEOUT": (NUMBER_LIMITS["WEBHOOK_TIMEOUT"], " (five minutes)"),
    "WEBHOOK_RETRY_DELAY": (NUMBER_LIMITS["WEBHOOK_RETRY_DELAY"], " (a day)"),
    "WEBHOOK_LOG_DAYS": (NUMBER_LIMITS["WEBHOOK_LOG_DAYS"], " (a hundred years)"),
    "WEBHOOK_COALESCE_SECONDS": (NUMBER_LIMITS["WEBHOOK_COALESCE_SECONDS"], " (a day)"),
}


@register(Tags.compatibility)
def check_required_apps(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return missing_apps([config.name for config in apps.get_app_configs()])


def missing_apps(installed_apps: list[str]) -> list[Error]:
    return [
        Error(
            f"wagtail-newsfeed needs {name!r} in INSTALLED_APPS.",
            hint=MISSING_APP_EFFECTS.get(name),
            id="wagtail_newsfeed.E001",
        )
        for name in REQUIRED_APPS
        if name not in installed_apps
    ]


@register(Tags.compatibility)
def check_time_zone_support(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return naive_time_errors(django_settings.USE_TZ)


def naive_time_errors(use_tz: bool) -> list[Error]:
    """Every time the app stores, compares and sends (display times, the delta cursor's order,
    feeds, the API's ``Z`` times) is aware: with ``USE_TZ = False`` the first comparison of
    an editor's time with the app's bounds is a 500."""
    if use_tz:
        return []
    return [
        Error(
            "wagtail-newsfeed needs USE_TZ = True (Django's default): with naive times, "
            "posting an entry or loading the demo fails.",
            hint="Set USE_TZ = True; TIME_ZONE still sets the time shown to editors and readers.",
            id="wagtail_newsfeed.E011",
        )
    ]


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    user = settings.user_settings
    for key in user:
        if key not in DEFAULTS:
            errors.append(
                Error(
                    f"{SETTING_NAME} has an unknown key {key!r}.",
                    hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                    id="wagtail_newsfeed.E002",
                )
            )
    for key in POSITIVE_INTS + NON_NEGATIVE_INTS:
        value = getattr(settings, key)
        minimum = 1 if key in POSITIVE_INTS else 0
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            errors.append(
                Error(
                    f"{SETTING_NAME}[{key!r}] must be an integer >= {minimum}, not {value!r}.",
                    id="wagtail_newsfeed.E003",
                )
            )
    for key in POSITIVE_NUMBERS + NON_NEGATIVE_NUMBERS:
        value = getattr(settings, key)
        positive = key in POSITIVE_NUMBERS
        if not _is_number(value) or value < 0 or (positive and value == 0):
            errors.append(
                Error(
                    f"{SETTING_NAME}[{key!r}] must be a number {'>' if positive else '>='} 0, "
                    f"not {value!r}.",
                    id="wagtail_newsfeed.E003",
                )
            )
    for key, (most, meaning) in UPPER_BOUNDS.items():
        value = getattr(settings, key)
        if _is_number(value) and value > most:
            errors.append(
                Error(
                    f"{SETTING_NAME}[{key!r}] must be at most {most}{meaning}, not {value!r}.",
                    id="wagtail_newsfeed.E003",
                )
            )
    if settings.API_PAGE_SIZE > settings.API_MAX_PAGE_SIZE:
        errors.append(
            Error(
                f"{SETTING_NAME}['API_PAGE_SIZE'] is larger than 'API_MAX_PAGE_SIZE'.",
                id="wagtail_newsfeed.E004",
            )
        )
    renditions = settings.API_RENDITIONS
    if not isinstance(renditions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in renditions.items()
    ):
        errors.append(
            Error(
                f"{SETTING_NAME}['API_RENDITIONS'] must map names to Wagtail filter specs, "
                "e.g. {'medium': 'width-800'}.",
                id="wagtail_newsfeed.E005",
            )
        )
    rate = settings.API_WRITE_THROTTLE_RATE
    if rate is not None and not _is_throttle_rate(rate):
        errors.append(
            Error(
                f"{SETTING_NAME}['API_WRITE_THROTTLE_RATE'] must be None or like '120/min', "
                f"not {rate!r}.",
                id="wagtail_newsfeed.E006",
            )
        )
    specs = settings.SEO_IMAGE_RENDITIONS
    if (
        not isinstance(specs, list | tuple)
        or not specs
        or not all(isinstance(s, str) for s in specs)
    ):
        errors.append(
            Error(
                f"{SETTING_NAME}['SEO_IMAGE_RENDITIONS'] must be a non-empty list of Wagtail "
                "filter specs, e.g. ['fill-1200x675'].",
                id="wagtail_newsfeed.E007",
            )
        )
    if settings.SHARED_CACHE not in (None, True, False):
        errors.append(
            Error(
                f"{SETTING_NAME}['SHARED_CACHE'] must be None (decided from the cache backend), "
                f"True or False, not {settings.SHARED_CACHE!r}.",
                id="wagtail_newsfeed.E008",
            )
        )
    return errors


@register(Tags.compatibility)
def check_headless_preview_url(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A bad preview URL would only show up as a broken frame in the editor's preview panel."""
    configured = settings.HEADLESS_PREVIEW_URL
    if configured is None or configured == "":
        return []
    if isinstance(configured, dict):
        bad = [v for v in configured.values() if not _is_preview_url(v)]
    else:
        bad = [] if _is_preview_url(configured) else [configured]
    return [
        Error(
            f"{SETTING_NAME}['HEADLESS_PREVIEW_URL'] must be an http(s) URL or a path starting "
            f"with '/', or a dict of them keyed by site hostname or id; {value!r} is not.",
            hint="e.g. 'https://www.example.com/api/preview' or {'default': '/preview/'}.",
            id="wagtail_newsfeed.E010",
        )
        for value in bad
    ]


def _is_preview_url(value: Any) -> bool:
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    return value.startswith("/") and not value.startswith("//")


def _is_number(value: Any) -> bool:
    """An int or a float (not a bool), finite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_throttle_rate(rate: Any) -> bool:
    if not isinstance(rate, str) or "/" not in rate:
        return False
    count, period = rate.split("/", 1)
    return count.isdigit() and period[:1] in ("s", "m", "h", "d")


WAGTAIL_REDIRECTS = "wagtail.contrib.redirects.middleware.RedirectMiddleware"
VISIBLE_REDIRECTS = "wagtail_newsfeed.middleware.VisibleRedirectMiddleware"


@register()
def check_redirect_middleware(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Wagtail's redirects answer a redirect to a draft or private page with its new URL
    (``middleware.VisibleRedirectMiddleware``); a new project's settings have it."""
    if WAGTAIL_REDIRECTS not in getattr(django_settings, "MIDDLEWARE", ()):
        return []
    return [
        Warning(
            "Wagtail's RedirectMiddleware answers redirects to pages readers may not see: the "
            "old URL of a moved draft, scheduled or private story tells anyone its new one.",
            hint=f"Replace {WAGTAIL_REDIRECTS!r} with {VISIBLE_REDIRECTS!r} in MIDDLEWARE.",
            id="wagtail_newsfeed.W005",
        )
    ]


PLAIN_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
RESILIENT_REDIS_CACHE = "wagtail_newsfeed.cache_backends.ResilientRedisCache"


@register(Tags.caches)
def check_cache_backend(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Django's RedisCache raises when Redis is unreachable: every request that reads the cache
    fails with it."""
    backend = getattr(django_settings, "CACHES", {}).get("default", {}).get("BACKEND")
    if backend != PLAIN_REDIS_CACHE:
        return []
    return [
        Warning(
            "The default cache is Django's RedisCache: while Redis is unreachable, pages, API "
            "reads, delta polls and writes answer 500.",
            hint=f"Use {RESILIENT_REDIS_CACHE!r}, which answers from the database instead "
            "(see the deployment guide).",
            id="wagtail_newsfeed.W001",
        )
    ]


@register(Tags.compatibility)
def check_persistent_connections(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    return unchecked_persistent_connections(connections.settings)


def unchecked_persistent_connections(databases: dict[str, dict[str, Any]]) -> list[Warning]:
    """A persistent connection outlives a database restart; unchecked, the first request to
    use it afterwards fails."""
    warnings = []
    for alias, database in databases.items():
        max_age = database.get("CONN_MAX_AGE", 0)
        if (
            (max_age is None or max_age > 0)
            and not database.get("CONN_HEALTH_CHECKS")
            and database.get("ENGINE") != "django.db.backends.sqlite3"  # no server to restart
        ):
            warnings.append(
                Warning(
                    f"DATABASES[{alias!r}] keeps connections open (CONN_MAX_AGE) without "
                    "CONN_HEALTH_CHECKS: after a database restart, the first request on each "
                    "of them answers 500.",
                    hint=f"Set DATABASES[{alias!r}]['CONN_HEALTH_CHECKS'] = True "
                    "(dj-database-url: conn_health_checks=True).",
                    id="wagtail_newsfeed.W002",
                )
            )
    return warnings


# Installation mistakes --------------------------------------------------------------------------


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


def _sitemap_views() -> set[Callable]:
    from wagtail.contrib.sitemaps import views as wagtail_sitemap_views

    from . import sitemaps

    return {sitemaps.page_sitemap, sitemaps.news_sitemap, wagtail_sitemap_views.sitemap}


def routed_views(patterns: list[Any]) -> Iterator[Callable]:
    """Every view the URL patterns route to, through all their includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routed_views(pattern.url_patterns)
        else:
            yield pattern.callback


@register(Tags.urls)
def check_sitemaps_app(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        patterns = get_resolver().url_patterns
    except Exception:  # a broken URLconf is reported by Django's own URL checks
        return []
    return sitemaps_without_app(
        [config.name for config in apps.get_app_configs()], list(routed_views(patterns))
    )


def sitemaps_without_app(installed_apps: list[str], views: list[Callable]) -> list[Error]:
    """The sitemap views render Django's ``sitemap.xml`` template: without
    ``django.contrib.sitemaps`` every request to them is a 500."""
    if "django.contrib.sitemaps" in installed_apps or not set(views) & _sitemap_views():
        return []
    return [
        Error(
            "The sitemap URLs are routed but 'django.contrib.sitemaps' is not in "
            "INSTALLED_APPS: /sitemap.xml and /news-sitemap.xml answer 500.",
            hint="Add 'django.contrib.sitemaps' (and 'wagtail.contrib.sitemaps') to "
            "INSTALLED_APPS (see docs/installation.md).",
            id="wagtail_newsfeed.E009",
        )
    ]


#: URLs live pages poll (``live.js``): if Wagtail's page serving answers them, readers' pages
#: stop updating although every page still renders.
POLLED_URLS = (
    ("wagtail_newsfeed_api:feed-entries", {"pk": 1}),
    ("wagtail_newsfeed:live_fragments", {"feed_id": 1}),
)


@register(Tags.urls)
def check_url_order(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return shadowed_urls()


def shadowed_urls(urlconf: str | None = None) -> list[Error]:
    """The app's URLs included after Wagtail's catch-all (``include(wagtail_urls)``) are never
    reached: Wagtail's ``serve`` answers them with a 404. A site that does not include them
    at all is fine (live pages are then static)."""
    shadowed = []
    for name, kwargs in POLLED_URLS:
        try:
            url = reverse(name, kwargs=kwargs, urlconf=urlconf)
            match = resolve(url, urlconf=urlconf)
        except (NoReverseMatch, Resolver404):
            continue
        if match.url_name == "wagtail_serve":
            shadowed.append(url)
    if not shadowed:
        return []
    return [
        Error(
            f"Wagtail's page serving answers {', '.join(shadowed)}: the newsfeed URLs are "
            "included after include(wagtail_urls), so live pages never update.",
            hint="Move the 'api/newsfeed/' and 'newsfeed/' includes above "
            "path('', include(wagtail_urls)) in your URLconf (see docs/installation.md).",
            id="wagtail_newsfeed.E012",
        )
    ]


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
    from .models import LiveFeedPage, NewsIndexPage

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
