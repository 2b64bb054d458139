"""How long a request may wait for the webhooks it sends (when the task backend runs them in it).

One budget per request, not per change: the first webhook sent after a commit starts the clock,
and every later one in the same request (each page of an unpublished or deleted section, each page
of a bulk action) shares it. No attempt starts once ``WEBHOOK_TIMEOUT`` has passed; what is left
stays due, for the next webhook activity or ``send_webhooks``. Outside a request (a command, a
worker) each batch gets a budget of its own. The request signals are connected in
``signal_handlers``; a context variable, so each thread or async context has its own.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ..conf import bounded


@dataclass
class _Budget:
    started: float | None = None


_current: ContextVar[_Budget | None] = ContextVar("wagtail_newsfeed_webhook_budget", default=None)


def request_started(**kwargs: Any) -> None:
    """``request_started``: a new request, a new budget (its clock starts with its first send)."""
    _current.set(_Budget())


def request_finished(**kwargs: Any) -> None:
    _current.set(None)


def budget_started() -> float:
    """When the current budget began: the request's first send, or now outside a request."""
    budget = _current.get()
    if budget is None:
        return time.monotonic()
    if budget.started is None:
        budget.started = time.monotonic()
    return budget.started


def budget_spent(started: float) -> bool:
    """Whether sending that began at ``started`` has used up the time a request may wait for it
    (``WEBHOOK_TIMEOUT``; the attempt running when it runs out may take as long again)."""
    return time.monotonic() - started >= bounded("WEBHOOK_TIMEOUT")
