"""System checks for webhooks: say when retries and trailing batches of entry changes depend on
later activity (a task backend that cannot defer), and refuse a malformed
``WEBHOOK_ALLOWED_PRIVATE_NETWORKS`` (which would otherwise allow nothing, silently).

Neither reads the database. Ids are in the ``1xx`` range, apart from those of the ``checks``
package."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.core.checks import CheckMessage, Error, Info, Tags, register

from ..conf import SETTING_NAME, settings

#: Django 6's ``Tags.tasks``.
TASKS_TAG = "tasks"


# A deployment note: ``manage.py check --deploy`` shows it, not every runserver and migrate.
@register(TASKS_TAG, deploy=True)
def check_task_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """INFO, not WARNING: the immediate backend is Wagtail's default and works, only later."""
    from .deliveries import can_defer

    try:
        deferring = can_defer()
    except Exception:  # a broken TASKS setting is reported by django-tasks' own checks
        return []
    if deferring:
        return []
    return [
        Info(
            "The task backend cannot defer tasks: webhook retries and trailing batches of live "
            "entry changes are sent with the next webhook activity, not when they fall due.",
            hint=(
                "Run 'manage.py send_webhooks' every minute from cron (or keep "
                "'send_webhooks --loop 5' running), or use a worker backend that supports "
                "run_after. See docs/webhooks.md."
            ),
            id="wagtail_newsfeed.I101",
        )
    ]


def malformed_networks(value: Any) -> list[str]:
    """What is wrong with a ``WEBHOOK_ALLOWED_PRIVATE_NETWORKS`` value (empty when nothing)."""
    if not isinstance(value, list | tuple):
        return [f"it must be a list of networks, not {type(value).__name__} {value!r}"]
    problems = []
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except (TypeError, ValueError):
            problems.append(f"{item!r} is not a network like '10.0.0.0/8' or 'fd00::/8'")
    return problems


@register(Tags.compatibility)
def check_allowed_private_networks(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    value = settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS
    return [
        Error(
            f"{SETTING_NAME}['WEBHOOK_ALLOWED_PRIVATE_NETWORKS'] is malformed: {problem}.",
            hint="Give a list of CIDR strings, e.g. ['10.0.0.0/8', '127.0.0.1/32'].",
            id="wagtail_newsfeed.E101",
        )
        for problem in malformed_networks(value)
    ]
