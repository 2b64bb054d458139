"""Settings of the servers and the helper behind Varnish: the process tests' settings, plus the
host Varnish's health probe and the readers send (``localhost``, the default Wagtail site's)."""

from tests.processes.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
