"""Benchmark settings: the example site on PostgreSQL with persistent connections, DEBUG off
(and, with ``REDIS_URL``, the example site's Redis cache)."""

from example_site.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "benchmarks.urls"
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
