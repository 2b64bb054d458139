"""System checks for what a new site's settings must have around the app: the apps it needs,
aware times (``USE_TZ``), and Wagtail's redirects replaced by ours, which would otherwise give
hidden pages' new URLs away."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.core.checks import Error, Tags, Warning, register

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
