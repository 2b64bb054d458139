"""The third process: seeds content and makes changes with the app's own functions, on the same
database and settings as the servers, but in a process of its own (with its own local-memory
cache, so whatever it notes in its cache no server can see).

Run as ``python -m tests.processes.helper``. It reads one JSON command a line on stdin,
``{"command": name, "args": {...}}``, and answers each with one JSON line on stdout,
``{"result": ...}`` or ``{"error": traceback}``. It stays up for the whole test session, so Django
starts once and each change takes milliseconds.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

# The protocol owns stdout; anything else printed goes to stderr (kept by the harness).
protocol = sys.stdout
sys.stdout = sys.stderr

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from wagtail.models import Page, PageViewRestriction, Site  # noqa: E402

from tests import factories  # noqa: E402
from wagtail_newsfeed import delta, entry_rules  # noqa: E402
from wagtail_newsfeed.models import LiveEntry, LiveFeedPage, NewsIndexPage  # noqa: E402

EDITOR = "processes-editor"
COMMANDS: dict[str, Callable[..., Any]] = {}


def command(function: Callable[..., Any]) -> Callable[..., Any]:
    COMMANDS[function.__name__] = function
    return function


@command
def ping() -> str:
    return "pong"


@command
def newsroom() -> dict[str, Any]:
    """A news index, and a superuser with a DRF token for the write API."""
    index = factories.make_index(title="Processes news")
    editor = factories.make_superuser(EDITOR)
    return {"index": index.pk, "token": Token.objects.create(user=editor).key}


@command
def article(index: int) -> dict[str, Any]:
    """A published article with a topic of its own (so the topic is listed only through it)."""
    topic = factories.make_topic()
    page = factories.make_article(NewsIndexPage.objects.get(pk=index), topics=[topic])
    return {"id": page.pk, "path": urlsplit(page.get_url()).path, "topic": topic.slug}


@command
def feed(index: int) -> dict[str, Any]:
    page = factories.make_feed(NewsIndexPage.objects.get(pk=index))
    return {"id": page.pk, "path": urlsplit(page.get_url()).path}


@command
def entry(feed: int) -> dict[str, Any]:
    """A published entry."""
    created = factories.make_entry(LiveFeedPage.objects.get(pk=feed))
    return {"id": created.pk, "version": created.version}


@command
def unpublish(page: int) -> None:
    Page.objects.get(pk=page).specific.unpublish()


@command
def restrict_to_logged_in(page: int) -> None:
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=page), restriction_type=PageViewRestriction.LOGIN
    )


@command
def delete_entry(entry: int) -> dict[str, Any]:
    deleted = entry_rules.delete_entry(
        LiveEntry.objects.get(pk=entry), get_user_model().objects.get(username=EDITOR)
    )
    return {"version": deleted.version}


@command
def rename(page: int, slug: str) -> dict[str, Any]:
    """Publish the page under a new slug, as an editor would; returns its new path."""
    specific = Page.objects.get(pk=page).specific
    specific.slug = slug
    specific.save_revision().publish()
    specific.refresh_from_db()
    return {"path": urlsplit(specific.get_url()).path}


@command
def move_default_site(hostname: str, port: int) -> dict[str, Any]:
    """Give the default Site another address (as its admin form would); returns the old one."""
    site = Site.objects.get(is_default_site=True)
    before = {"hostname": site.hostname, "port": site.port}
    site.hostname, site.port = hostname, port
    site.save()
    return before


@command
def feed_versions(feed: int) -> dict[str, Any]:
    """The feed's change counter and its entries' versions, straight from the database."""
    page = LiveFeedPage.objects.get(pk=feed)
    return {
        "counter": delta.current_version(page),
        "entries": sorted(LiveEntry.objects.filter(feed=page).values_list("version", flat=True)),
    }


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            reply = {"result": COMMANDS[request["command"]](**request.get("args", {}))}
        except Exception:
            reply = {"error": traceback.format_exc()}
        finally:
            close_old_connections()
        protocol.write(json.dumps(reply) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
