"""Signing in to the Wagtail admin from a browser test, and opening a feed's live console."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.browser.writes import while_polled


def log_in(context, live_server, username="editor"):
    """A new page of ``context``, signed in as ``username``: the session Django's login makes,
    as a cookie of the context. The login form itself is driven where it is what a test is about
    (the console's accessibility, a console whose session ended): here it would cost every test
    two admin pages in the browser and on the server."""
    client = Client()
    while_polled(lambda: client.force_login(get_user_model().objects.get(username=username)))
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])
    return context.new_page()


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
