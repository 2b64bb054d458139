"""Signing in to the Wagtail admin from a browser test."""

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
