"""The console's rescue in headless Chromium: text posted after the session ended (the post
lands on the login page) or with a refused CSRF token (Django's 403 page) is offered back on the
next load of the console, restored into the composer without saving, and posted from there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session

from tests import factories
from tests.browser.admin import log_in
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

BODY_EDITOR = "[data-newsfeed-composer] [contenteditable=true]"
NOTICE = "[data-newsfeed-rescue-notice]"
TEXT = "Typed while the session ran out: the bridge reopens at noon."
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def feed(live_server):
    index = factories.make_index(title="News")
    feed = factories.make_feed(index, "Election night live")
    factories.make_superuser("editor")
    return feed


def console_url(live_server, feed) -> str:
    return f"{live_server.url}/admin/newsfeed/feeds/{feed.pk}/console/"


def open_console_and_type(chromium, live_server, feed):
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    page.goto(console_url(live_server, feed))
    page.wait_for_function(
        f"document.activeElement && document.activeElement.matches({BODY_EDITOR!r})"
    )
    page.keyboard.type(TEXT)
    return context, page


def rescue_copies(page) -> int:
    return page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('wagtail_newsfeed.rescue:')).length"
    )


def restore_and_post(page, live_server, feed):
    """The notice offers the text; Restore puts it back unsaved; Ctrl+Enter posts it."""
    notice = page.locator(NOTICE)
    notice.wait_for(state="visible")
    assert re.search(r"Your text from \d{1,2}:\d{2}.* was not saved", notice.inner_text())
    # Keyboard users land on it: the caret is not put in the (empty) composer.
    assert page.evaluate("document.activeElement.matches('[data-newsfeed-rescue-restore]')")
    assert LiveEntry.objects.count() == 0

    page.get_by_role("button", name="Restore it").click()
    page.get_by_text("Your text is restored below").wait_for()
    assert TEXT in page.locator(BODY_EDITOR).first.inner_text()
    assert LiveEntry.objects.count() == 0  # restored, not saved
    assert notice.is_hidden() and rescue_copies(page) == 0  # the text is on the page now

    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    entry = LiveEntry.objects.get(feed=feed)
    assert TEXT in str(entry.body[0].value)
    assert "saved=" not in page.url  # the answer is read once, not on every reload

    page.goto(console_url(live_server, feed))
    page.locator(BODY_EDITOR).first.wait_for()
    assert page.locator(NOTICE).is_hidden() and rescue_copies(page) == 0


def test_text_posted_after_the_session_ended_is_restored_after_logging_in(
    chromium, live_server, feed
):
    context, page = open_console_and_type(chromium, live_server, feed)
    Session.objects.all().delete()  # expired, or logged out in another tab

    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/admin/login/\?next=.*"))
    assert LiveEntry.objects.count() == 0
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf".*/feeds/{feed.pk}/console/$"))

    restore_and_post(page, live_server, feed)
    context.close()


def test_text_refused_by_the_csrf_check_is_restored_on_the_console(chromium, live_server, feed):
    context, page = open_console_and_type(chromium, live_server, feed)
    # A login in another tab rotates the token: the page's token no longer matches the cookie.
    context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])

    with page.expect_navigation() as navigation:
        page.keyboard.press("Control+Enter")
    assert navigation.value.status == 403
    assert "CSRF" in page.content() and LiveEntry.objects.count() == 0

    page.goto(console_url(live_server, feed))
    restore_and_post(page, live_server, feed)
    context.close()


def notice_axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations in the shown notice (as in test_accessibility.py)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run 'npm ci' in the repository root")
    page.add_script_tag(content=AXE.read_text())
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    results = page.evaluate(
        """([selector, tags]) => axe.run({include: [[selector]]},
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [NOTICE, tags],
    )
    return [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in results["violations"]]


def test_a_discarded_copy_is_not_offered_again(chromium, live_server, feed):
    context, page = open_console_and_type(chromium, live_server, feed)
    Session.objects.all().delete()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/admin/login/.*"))
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.locator(NOTICE).wait_for(state="visible")
    assert page.get_by_role("alert").filter(has_text="was not saved").count() == 1
    assert notice_axe_violations(page) == []

    page.get_by_role("button", name="Discard it").click()

    assert page.locator(NOTICE).is_hidden() and rescue_copies(page) == 0
    page.reload()
    page.locator(BODY_EDITOR).first.wait_for()
    assert page.locator(NOTICE).is_hidden() and LiveEntry.objects.count() == 0
    context.close()


def test_going_back_after_a_csrf_refusal_offers_the_text_with_a_fresh_token(
    chromium, live_server, feed
):
    context, page = open_console_and_type(chromium, live_server, feed)
    context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])
    with page.expect_navigation() as navigation:
        page.keyboard.press("Control+Enter")
    assert navigation.value.status == 403

    page.go_back()

    restore_and_post(page, live_server, feed)
    context.close()


def test_an_edit_posted_after_the_session_ended_is_restored_on_the_edit_page(
    chromium, live_server, feed
):
    entry = factories.make_entry(feed, text="First report.")
    edit = f"{live_server.url}/admin/newsfeed/feeds/{feed.pk}/console/entries/{entry.pk}/edit/"
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    page.goto(edit)
    body = page.locator("[data-newsfeed-entry-form] [contenteditable=true]").first
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Correction: two lanes only.")
    Session.objects.all().delete()

    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/admin/login/.*"))
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/edit/$"))
    page.locator(NOTICE).wait_for(state="visible")
    page.get_by_role("button", name="Restore it").click()
    page.get_by_text("Your text is restored below").wait_for()
    assert "Correction: two lanes only." in body.inner_text()
    assert "Correction" not in str(LiveEntry.objects.get(pk=entry.pk).body[0].value)

    body.click()
    page.keyboard.press("Control+Enter")
    page.get_by_text("updated.").first.wait_for()
    assert "First report. Correction: two lanes only." in str(
        LiveEntry.objects.get(pk=entry.pk).body[0].value
    )
    assert rescue_copies(page) == 0
    context.close()


def test_a_post_saved_whose_answer_was_lost_is_not_posted_twice(chromium, live_server, feed):
    """The server saved the entry but the answer never reached the browser (a dropped
    connection): the rescue copy is offered on the next load, and restoring it says the entry
    was already posted, drops the copy and posts nothing."""
    context, page = open_console_and_type(chromium, live_server, feed)
    lost = []

    def deliver_then_drop(route):
        if route.request.method == "POST":
            lost.append(route.fetch(max_redirects=0).status)  # the server answers...
            route.abort("connectionreset")  # ...but the browser never hears it
        else:
            route.continue_()

    page.route(re.compile(r".*/console/$"), deliver_then_drop)
    page.keyboard.press("Control+Enter")
    for _ in range(400):  # up to 20 s on a busy machine
        if lost:
            break
        page.wait_for_timeout(50)
    assert lost == [302] and LiveEntry.objects.count() == 1
    page.unroute(re.compile(r".*/console/$"))

    page.goto(console_url(live_server, feed))
    page.locator(NOTICE).wait_for(state="visible")
    page.get_by_role("button", name="Restore it").click()
    page.get_by_text("was already posted from this text").wait_for()
    assert page.locator(NOTICE).is_hidden() and rescue_copies(page) == 0
    assert LiveEntry.objects.count() == 1
    assert TEXT not in page.locator(BODY_EDITOR).first.inner_text()  # nothing left to post
    context.close()
