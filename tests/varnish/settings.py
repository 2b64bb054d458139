"""Settings of the servers and the helper behind Varnish: the process tests' settings, plus the
host Varnish's health probe and the readers send (``localhost``, the default Wagtail site's)."""

from tests.processes.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Behind a proxy, as a site may be configured: the API's links follow X-Forwarded-Proto (as
# docs/configuration.md asks behind a TLS proxy) and X-Forwarded-Host. The VCL must keep readers
# from using either to change a shared copy (tests/varnish/test_vcl_attacks.py).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = True
