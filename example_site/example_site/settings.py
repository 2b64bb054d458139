"""Settings for the wagtail-newsfeed example site.

SQLite by default; set ``DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/newsfeed``) for
PostgreSQL and ``REDIS_URL`` to use Redis as the cache.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "example-site-not-secret-change-me")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "home",
    "wagtail_newsfeed",
    "wagtail_modeladmin",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.forms",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail_newsfeed.middleware.VisibleRedirectMiddleware",
    # WordPress's plain permalinks (/?p=123) after an import (docs/migrating-from-wordpress.md).
    "wagtail_newsfeed.wordpress.middleware.WordPressRedirectMiddleware",
    # A database restart or a lock held too long answers 503 + Retry-After, not 500.
    "wagtail_newsfeed.middleware.DatabaseUnavailableMiddleware",
]

# Django's database sessions, except that a cookie no session key could be (a NUL, which
# PostgreSQL refuses in a query) is no session rather than a 500 (docs/security.md).
SESSION_ENGINE = "wagtail_newsfeed.sessions"

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A persistent connection outlives a database restart: check it before a request uses
        # it, so the first request after a restart reconnects instead of answering 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take SQLite's write lock when their transaction begins and wait up to 20 s for it,
    # so concurrent posts queue instead of failing with "database is locked" (Django >= 5.1).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's PostgreSQL search index uses django.contrib.postgres fields, which Django 6.1
    # checks are installed (postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, except that Redis being down is a cache miss, not an error
            # (see docs/deployment.md, "When Redis or PostgreSQL blinks").
            "BACKEND": "wagtail_newsfeed.cache_backends.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
# The reference headless frontend's scripts and styles, served as /static/headless/...
STATICFILES_DIRS = [("headless", BASE_DIR / "headless")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "The Daily Wire Desk"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_FINDERS = [{"class": "wagtail.embeds.finders.oembed"}]

if os.environ.get("FRONTEND_CACHE_URL"):
    # Varnish in front (example_site/deploy/varnish.vcl): publishing and entry changes send it
    # PURGE requests, e.g. FRONTEND_CACHE_URL=http://127.0.0.1:6081. See docs/deployment.md.
    # Wagtail's HTTPBackend with a time limit: a purge that hangs is logged, never holds a write.
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail_newsfeed.purging.TimeoutHTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"],
            "TIMEOUT": 2,
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "wagtail-newsfeed API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `check --deploy` would otherwise build the schema of every DRF view, Wagtail's own admin
    # API included, and warn about views that are not ours.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

WAGTAIL_NEWSFEED = {
    "PUBLISHER_NAME": "The Daily Wire Desk",
    # The admin's "Headless frontend" preview opens the reference frontend (docs/headless.md).
    "HEADLESS_PREVIEW_URL": "/headless/preview/",
}
