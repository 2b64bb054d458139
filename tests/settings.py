"""Test settings: the example site's, with a throwaway media folder and a non-UTC time zone.

``DATABASE_URL`` picks the database (SQLite in memory by default; PostgreSQL in CI).
"""

import os
import tempfile

import dj_database_url

from example_site.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-not-secret"
# A zone far from UTC (and with DST) makes timezone bugs show up in tests.
TIME_ZONE = "America/New_York"
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsfeed-test-media-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    "default": dj_database_url.config(default="sqlite://:memory:", conn_max_age=0),
}
# Wagtail's database search backend, refusing searches by tests not marked ``indexed``, whose
# test data is not indexed (tests/indexing.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "tests.indexing"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
WAGTAIL_NEWSFEED = {"PUBLISHER_NAME": "Test Newsroom"}
# Wagtail runs search indexing and cache purges as tasks; run them inline in tests.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("NEWSFEED_TEST_TASKS_BACKEND"):
    TASKS["default"]["BACKEND"] = os.environ["NEWSFEED_TEST_TASKS_BACKEND"]
