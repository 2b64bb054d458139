"""Settings of the processes these tests start (gunicorn servers, the seeding helper, migrate).

The example site's settings as a site runs them: ``DATABASE_URL`` picks the database (the harness
points it at a database made for the test session), and with no ``REDIS_URL`` the cache is Django's
default local-memory cache, private to each process. ``CONN_MAX_AGE`` keeps the example's default.
"""

import os

from example_site.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-processes-not-secret"  # the same in every process: cursors are signed
ALLOWED_HOSTS = ["127.0.0.1"]
MEDIA_ROOT = os.environ["MEDIA_ROOT"]  # a temporary folder, set by the harness
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Wagtail runs search indexing and cache purges as tasks; run them inline, as tests/settings does.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAIL_NEWSFEED = {
    "PUBLISHER_NAME": "Processes Newsroom",
    # A site may cache a feed's version for as long as this (the default is 2 s). A long lifetime
    # makes the tests deterministic: a stale answer cannot expire on its own before the request
    # that must not see it, however slow the machine.
    "API_LIVE_CACHE_MAX_AGE": 60,
}
# With DEBUG off Django logs a 500's traceback nowhere; send it to stderr, which the harness
# keeps and shows when a test fails.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
