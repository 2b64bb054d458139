"""Signing in to the Wagtail admin from a browser test, and opening a feed's live console."""

from __future__ import annotations

import re


def log_in(context, live_server, username="editor"):
    """A new page of ``context``, signed in as ``username`` (password ``pw``) on the dashboard."""
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    return page


def console_url(live_server, feed) -> str:
    """The address of ``feed``'s live console (its entries' edit pages are below it)."""
    return f"{live_server.url}/admin/newsfeed/feeds/{feed.pk}/console/"


def open_console(chromium, live_server, feed, username="editor", height=1000):
    """A new context (a 1280 by ``height`` viewport) and its page signed in as ``username`` on
    ``feed``'s console."""
    context = chromium.new_context(viewport={"width": 1280, "height": height})
    page = log_in(context, live_server, username)
    page.goto(console_url(live_server, feed))
    return context, page
