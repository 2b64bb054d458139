"""Webhooks: tell headless frontends what changed, signed per Standard Webhooks 1.0.

``events`` turns content changes into delivery rows (``access``: view restrictions and moves),
``deliveries`` sends them (``tasks`` runs that through django-tasks), ``targets`` decides which
addresses may be called, ``signing`` signs the requests, and ``viewsets`` is the admin. See
docs/webhooks.md.
"""

# Registered on import: ``signal_handlers`` imports this package from ``AppConfig.ready()``.
from . import checks  # noqa: E402, F401
