"""The django-tasks tasks that send webhooks (immediate by default, a worker in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_webhook_delivery(delivery_id: int) -> str | None:
    """One attempt at one delivery (skipped if it is not due or another worker holds it)."""
    from .deliveries import send_delivery

    return send_delivery(delivery_id)


@task()
def send_due_webhook_deliveries() -> int:
    """Every due delivery, then prune the log: for backends that cannot defer a task, run it
    periodically (or run ``manage.py send_webhooks``)."""
    from .deliveries import send_due_deliveries

    return send_due_deliveries()
