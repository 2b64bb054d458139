"""Settings of the scale run's app servers: the benchmark settings, with the example site's own
cache configuration (the one a site deploys, which survives Redis going away) rather than the
benchmark's plain Redis cache."""

from benchmarks.settings import *  # noqa: F403
from example_site import settings as example_site

if hasattr(example_site, "CACHES"):
    CACHES = example_site.CACHES
