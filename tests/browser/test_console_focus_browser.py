"""Where focus lands when a console page opens, in headless Chromium: back at the entry an action
was taken on (``#console-entry-N``), not in the composer far above it; on the first field a
refused post got wrong; in the body after "Restore it" and on the conflict page. Wherever it
lands in the form, Ctrl+Enter posts as usual."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session

from tests import factories
from tests.browser import admin
from tests.browser.admin import console_url, log_in
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

COMPOSER = "[data-newsfeed-composer]"
BODY_EDITOR = f"{COMPOSER} [contenteditable=true]"
ENTRY_FORM_EDITOR = "[data-newsfeed-entry-form] [contenteditable=true]"
#: Long enough for the composer's editor to load and for any late move of focus to happen.
SETTLE_MS = 1500


@pytest.fixture
def feed(live_server):
    index = factories.make_index(title="News")
    feed = factories.make_feed(index, "Election night live")
    factories.make_superuser("editor")
    return feed


def open_console(chromium, live_server, feed):
    """The console in a viewport short enough that older entries are far below the composer."""
    return admin.open_console(chromium, live_server, feed, height=800)


def wait_for_focus(page, selector: str) -> None:
    page.wait_for_function(
        "s => document.activeElement && document.activeElement.matches(s)", arg=selector
    )


def settle(page) -> None:
    """The composer's editor has loaded, and a little more time has passed."""
    page.locator(BODY_EDITOR).first.wait_for()
    page.wait_for_timeout(SETTLE_MS)


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.bottom > 0 && r.top < window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize(
    ("button", "message", "draft"),
    [
        ("Pin", "pinned.", False),
        ("Mark key event", "marked as a key event.", False),
        ("Unpublish", "unpublished (now a draft).", False),
        ("Publish", "published.", True),
    ],
)
def test_an_action_far_down_the_list_leaves_the_page_and_focus_at_that_entry(
    chromium, live_server, feed, button, message, draft
):
    status = LiveEntry.Status.DRAFT if draft else LiveEntry.Status.PUBLISHED
    far = factories.make_entry(feed, text="The oldest entry, far down.", status=status)
    for n in range(25):
        factories.make_entry(feed, text=f"Newer entry {n}.")
    context, page = open_console(chromium, live_server, feed)
    wait_for_focus(page, BODY_EDITOR)  # no fragment: the caret is in the composer, as ever
    entry = f"#console-entry-{far.pk}"

    page.locator(entry).get_by_role("button", name=re.compile(rf"^{button}\b")).click()

    page.wait_for_url(re.compile(rf".*/console/#console-entry-{far.pk}$"))
    page.get_by_text(message).first.wait_for()
    settle(page)
    assert page.evaluate("document.activeElement.id") == f"console-entry-{far.pk}"
    # Still where the browser scrolled to (the admin scrolls its <main>, not the window).
    assert in_viewport(page, entry)
    assert not in_viewport(page, COMPOSER)
    # Focused from the script, not reachable with Tab: one stop per entry would be too many.
    assert page.locator(entry).get_attribute("tabindex") == "-1"
    # Tab goes on to the entry's own controls.
    page.keyboard.press("Tab")
    assert page.evaluate(f"document.querySelector({entry!r}).contains(document.activeElement)")
    context.close()


def test_back_to_the_console_from_an_edit_lands_on_the_entry(chromium, live_server, feed):
    far = factories.make_entry(feed, text="The oldest entry, far down.")
    for n in range(25):
        factories.make_entry(feed, text=f"Newer entry {n}.")
    context, page = open_console(chromium, live_server, feed)
    page.goto(f"{console_url(live_server, feed)}entries/{far.pk}/edit/")
    page.locator(ENTRY_FORM_EDITOR).first.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Corrected.")
    page.keyboard.press("Control+Enter")

    page.get_by_text("updated.").first.wait_for()
    settle(page)
    assert page.evaluate("document.activeElement.id") == f"console-entry-{far.pk}"
    assert in_viewport(page, f"#console-entry-{far.pk}")
    context.close()


def test_a_fragment_naming_no_entry_puts_the_caret_in_the_composer(chromium, live_server, feed):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = log_in(context, live_server)
    page.goto(f"{console_url(live_server, feed)}#console-entry-999999")
    wait_for_focus(page, BODY_EDITOR)
    context.close()


def test_a_post_refused_for_an_empty_body_puts_the_caret_in_the_body(chromium, live_server, feed):
    context, page = open_console(chromium, live_server, feed)
    wait_for_focus(page, BODY_EDITOR)

    page.keyboard.press("Control+Enter")

    page.get_by_text("Write something in the body").first.wait_for()
    assert not LiveEntry.objects.exists()
    wait_for_focus(page, BODY_EDITOR)
    # The body's error is read out with it.
    described = page.evaluate(
        """() => (document.activeElement.getAttribute("aria-describedby") || "").split(" ")
              .map(id => id && document.getElementById(id)).filter(Boolean)
              .map(e => e.textContent).join(" ")"""
    )
    assert "Write something in the body" in described
    page.keyboard.type("Now with a body.")
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    assert "Now with a body." in str(LiveEntry.objects.get(feed=feed).body[0].value)
    context.close()


def test_a_post_refused_for_a_field_puts_focus_on_that_field(chromium, live_server, feed):
    context, page = open_console(chromium, live_server, feed)
    wait_for_focus(page, BODY_EDITOR)
    page.keyboard.type("Polls closed.")
    page.fill(f"{COMPOSER} input[name=display_time]", "not a time")
    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+Enter")

    page.get_by_text("could not be saved").first.wait_for()
    assert not LiveEntry.objects.exists()
    wait_for_focus(page, f"{COMPOSER} input[name=display_time]")
    page.wait_for_timeout(SETTLE_MS)  # and it stays there once the editor has loaded
    assert page.evaluate("document.activeElement.name") == "display_time"
    # Its error is read out with it (Wagtail's aria-describedby).
    assert page.locator(f"{COMPOSER} input[name=display_time]").get_attribute("aria-invalid")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    assert "Polls closed." in str(LiveEntry.objects.get(feed=feed).body[0].value)
    context.close()


def test_restore_it_puts_the_caret_in_the_body_and_ctrl_enter_posts(chromium, live_server, feed):
    text = "Typed while the session ran out."
    context, page = open_console(chromium, live_server, feed)
    wait_for_focus(page, BODY_EDITOR)
    page.keyboard.type(text)
    Session.objects.all().delete()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r".*/admin/login/.*"))
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Restore it").click()

    page.get_by_text("Your text is restored below").wait_for()
    wait_for_focus(page, BODY_EDITOR)
    page.wait_for_timeout(SETTLE_MS)
    assert page.evaluate(f"document.activeElement.matches({BODY_EDITOR!r})")
    page.keyboard.press("Control+Enter")  # as the editors' guide says
    page.get_by_text("published.").first.wait_for()
    assert text in str(LiveEntry.objects.get(feed=feed).body[0].value)
    context.close()


def test_the_conflict_page_puts_the_caret_in_the_body_and_ctrl_enter_saves(
    chromium, live_server, feed
):
    entry = factories.make_entry(feed, text="First report.")
    context, first = open_console(chromium, live_server, feed)
    edit = f"{console_url(live_server, feed)}entries/{entry.pk}/edit/"
    second = context.new_page()
    for tab in (first, second):
        tab.goto(edit)
        tab.locator(ENTRY_FORM_EDITOR).first.click()
        tab.keyboard.press("Control+End")
    second.keyboard.type(" From tab two.")
    second.keyboard.press("Control+Enter")
    second.get_by_text("updated.").first.wait_for()
    first.keyboard.type(" From tab one.")
    first.keyboard.press("Control+Enter")

    first.get_by_text("Someone else changed this entry").wait_for()
    wait_for_focus(first, ENTRY_FORM_EDITOR)
    first.wait_for_timeout(SETTLE_MS)
    assert first.evaluate(f"document.activeElement.matches({ENTRY_FORM_EDITOR!r})")
    first.keyboard.press("Control+Enter")  # "Save my version"
    first.get_by_text("updated.").first.wait_for()
    stored = str(LiveEntry.objects.get(pk=entry.pk).body[0].value)
    assert "From tab one." in stored and "From tab two." not in stored
    context.close()
