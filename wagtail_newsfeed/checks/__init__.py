"""Django system checks, one module per concern: the ``WAGTAIL_NEWSFEED`` setting
(``settings``), the apps and Django settings a site needs (``installation``), the URLconf
(``routing``), settings that turn an outage into errors (``resilience``) and what is stored
(``content``). Importing the package registers them all (``AppConfig.ready()`` does)."""

from . import content, installation, resilience, routing, settings  # noqa: F401
