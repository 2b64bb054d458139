"""The console's rescue in headless Chromium: text posted after the session ended (the post
lands on the login page) or with a refused CSRF token (Django's 403 page) is offered back on the
next load of the console, saying why when the browser can tell, restored into the composer
without saving, and posted from there. A text larger than the server reads, or offline, is not
sent but kept; a rescued copy the server cannot take is put back into the form without posting."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories, tools
from tests.browser.admin import console_url, log_in, open_console
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


def open_console_and_type(chromium, live_server, feed):
    context, page = open_console(chromium, live_server, feed)
    page.wait_for_function(
        f"document.activeElement && document.activeElement.matches({BODY_EDITOR!r})"
    )
    page.keyboard.type(TEXT)
    return context, page


def rescue_copies(page) -> int:
    return page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('wagtail_newsfeed.rescue:')).length"
    )


#: Why the text was not saved, as the notice says it: when the browser cannot tell, it names what
#: it may have been.
SESSION_ENDED = "was not saved: your session had ended."
UNKNOWN_CAUSE = (
    "was not saved: the page may have expired, the connection dropped or the server failed."
)


def restore_and_post(page, live_server, feed, reason=UNKNOWN_CAUSE):
    """The notice offers the text, saying why it was lost; Restore puts it back unsaved;
    Ctrl+Enter posts it."""
    notice = page.locator(NOTICE)
    notice.wait_for(state="visible")
    assert re.search(r"Your text from \d{1,2}:\d{2}.* was not saved", notice.inner_text())
    assert reason in notice.inner_text()
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
    page.wait_for_load_state()  # the console's script has read ?saved=
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

    restore_and_post(page, live_server, feed, reason=SESSION_ENDED)
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
        tools.missing("axe-core is not installed: run 'npm ci' in the repository root")
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
    edit = f"{console_url(live_server, feed)}entries/{entry.pk}/edit/"
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
    page.wait_for_load_state()  # the console's script has read ?saved=
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


def test_offline_the_text_is_kept_on_the_page_and_not_sent(chromium, live_server, feed):
    context, page = open_console_and_type(chromium, live_server, feed)
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    context.set_offline(True)

    page.keyboard.press("Control+Enter")

    alert = page.locator("[data-newsfeed-unsent]")
    alert.wait_for(state="visible")
    assert "Not sent: the browser is offline." in alert.inner_text()
    assert posts == [] and LiveEntry.objects.count() == 0
    assert TEXT in page.locator(BODY_EDITOR).first.inner_text()

    context.set_offline(False)
    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    page.wait_for_load_state()  # the console's script has read ?saved=
    assert TEXT in str(LiveEntry.objects.get(feed=feed).body[0].value)
    context.close()


#: A text longer than the server reads in these tests (DATA_UPLOAD_MAX_MEMORY_SIZE below).
LONG_TEXT = "Pasted by mistake: " + "the whole council report " * 1200
SHORT_TEXT = "The council report, in short."


def type_long_text(chromium, live_server, feed):
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    page.goto(console_url(live_server, feed))
    page.wait_for_function(
        f"document.activeElement && document.activeElement.matches({BODY_EDITOR!r})"
    )
    page.keyboard.insert_text(LONG_TEXT)
    return context, page


def shorten_and_publish(page, feed):
    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(SHORT_TEXT)
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    page.wait_for_load_state()  # the console's script has read ?saved=
    assert SHORT_TEXT in str(LiveEntry.objects.get(feed=feed).body[0].value)


def count_posts(page) -> list:
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    return posts


def test_a_text_larger_than_the_server_reads_is_not_sent_but_kept(
    chromium, live_server, feed, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    context, page = type_long_text(chromium, live_server, feed)
    posts = count_posts(page)

    page.keyboard.press("Control+Enter")

    alert = page.locator("[data-newsfeed-unsent]")
    alert.wait_for(state="visible")
    assert re.search(
        r"Not sent: at [23]\d\.\d.KB this text is too long for this site, "
        r"which takes at most 19.5.KB",
        alert.inner_text(),
    )
    assert posts == [] and LiveEntry.objects.count() == 0 and rescue_copies(page) == 0
    assert "the whole council report" in page.locator(BODY_EDITOR).first.inner_text()

    shorten_and_publish(page, feed)
    assert rescue_copies(page) == 0
    context.close()


def test_a_rescued_text_too_large_to_post_is_restored_into_the_form_without_posting(
    chromium, live_server, feed, settings
):
    """Posted while the server took it, refused (Django's 400 page) once the limit was
    lowered: restoring it can never go through the server, so it goes back into the form."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    context, page = type_long_text(chromium, live_server, feed)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    with page.expect_navigation() as navigation:
        page.keyboard.press("Control+Enter")
    assert navigation.value.status == 400 and LiveEntry.objects.count() == 0

    page.goto(console_url(live_server, feed))
    posts = count_posts(page)
    notice = page.locator(NOTICE)
    notice.wait_for(state="visible")
    assert re.search(
        r"Your text from .* was not saved: at [23]\d\.\d.KB it is too long to send "
        r"\(this site takes at most 19.5.KB\)",
        notice.inner_text(),
    )
    page.get_by_role("button", name="Restore it").click()

    assert re.search(r"back in the form below, not saved. At [23]\d\.\d.KB", notice.inner_text())
    assert "shorten it to at most 19.5" in notice.inner_text()
    body = page.locator(BODY_EDITOR).first
    assert body.inner_text().strip() == LONG_TEXT.strip()
    page.wait_for_function("document.activeElement && document.activeElement.isContentEditable")
    assert posts == [] and LiveEntry.objects.count() == 0
    assert rescue_copies(page) == 1  # kept until the shortened text is sent

    shorten_and_publish(page, feed)
    assert rescue_copies(page) == 0
    context.close()


def test_a_copy_the_server_did_not_take_back_is_restored_into_the_form_the_next_time(
    chromium, live_server, feed
):
    """A proxy in front of the site refuses the post (413): the copy is offered with the
    generic reason, restoring it through the server fails the same way, and the next offer
    puts it back in the form without posting it again."""
    context, page = open_console_and_type(chromium, live_server, feed)
    console = re.compile(r".*/console/$")
    page.route(
        console,
        lambda route: (
            route.fulfill(status=413, body="Too large")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    with page.expect_navigation() as navigation:
        page.keyboard.press("Control+Enter")
    assert navigation.value.status == 413

    page.goto(console_url(live_server, feed))
    page.locator(NOTICE).wait_for(state="visible")
    assert UNKNOWN_CAUSE in page.locator(NOTICE).inner_text()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Restore it").click()
    assert navigation.value.status == 413

    page.goto(console_url(live_server, feed))
    posts = count_posts(page)
    page.locator(NOTICE).wait_for(state="visible")
    assert "the server could not take it back either" in page.locator(NOTICE).inner_text()
    page.get_by_role("button", name="Restore it").click()
    page.get_by_text("Your text is back in the form below").wait_for()
    assert TEXT in page.locator(BODY_EDITOR).first.inner_text()
    assert posts == [] and LiveEntry.objects.count() == 0

    page.unroute(console)
    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    page.wait_for_load_state()  # the console's script has read ?saved=
    assert TEXT in str(LiveEntry.objects.get(feed=feed).body[0].value)
    assert rescue_copies(page) == 0
    context.close()


def test_every_block_of_a_copy_too_large_to_post_goes_back_into_the_block_editor(
    chromium, live_server, feed, settings
):
    """Put back without the server: rich text, a struct, a list in a struct and plain fields as
    they were posted; a chosen image cannot be shown without the server, and the notice says
    it must be chosen again."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 8_000
    image = factories.make_image("Crowd")
    long_text = "Every word of the council's budget debate. " * 200
    # Posted in another order than shown (a point moved up), one point deleted.
    points = [("Bins: weekly", "", "1"), ("Gone", "1", "0"), ("Parks open", "", "0")]
    body = streamfield(
        [
            ("paragraph", rich_text(f"<p>{long_text}</p>")),
            ("heading", {"text": "Budget & fees", "level": "h3"}),
            (
                "key_points",
                {
                    "title": "What changes",
                    "points": {
                        "count": "3",
                        **{
                            str(i): {"value": v, "deleted": d, "order": o, "id": ""}
                            for i, (v, d, o) in enumerate(points)
                        },
                    },
                },
            ),
            ("image", {"image": str(image.pk), "alt_text": "A crowd", "caption": "", "credit": ""}),
        ]
    )
    fields = {"headline": "Council meets", "body": body, "display_time": "", "is_key_event": "on"}
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    page.goto(console_url(live_server, feed))
    owner = page.evaluate(
        """() => { const f = document.querySelector('[data-newsfeed-composer]');
        return f.getAttribute('data-newsfeed-rescue-owner') + ' ' + f.getAttribute('action'); }"""
    )
    copy = {
        "owner": owner,
        "time": int(time.time() * 1000),
        "data": urlencode(nested_form_data(fields)),
    }
    page.evaluate(
        "copy => localStorage.setItem('wagtail_newsfeed.rescue:abc123', JSON.stringify(copy))", copy
    )
    page.reload()
    notice = page.locator(NOTICE)
    notice.wait_for(state="visible")
    assert "it is too long to send" in notice.inner_text()

    page.get_by_role("button", name="Restore it").click()

    assert "must be chosen again" in notice.inner_text()
    assert page.locator(BODY_EDITOR).first.inner_text().strip() == long_text.strip()
    posted = page.evaluate(
        """() => { const f = document.querySelector('[data-newsfeed-composer]');
        f.querySelectorAll('input').forEach(i => i.draftailEditor && i.draftailEditor.saveState());
        const skip = (k) => /-id$|^csrfmiddlewaretoken$|^body-0-value$/.test(k);
        const kept = [...new FormData(f)].filter(([k, v]) => v !== '' && !skip(k));
        return Object.fromEntries(kept); }"""
    )
    assert posted == {
        "headline": "Council meets",
        "is_key_event": "on",
        "body-count": "4",
        **{f"body-{i}-order": str(i) for i in range(4)},
        "body-0-type": "paragraph",
        "body-1-type": "heading",
        "body-1-value-text": "Budget & fees",
        "body-1-value-level": "h3",
        "body-2-type": "key_points",
        "body-2-value-title": "What changes",
        "body-2-value-points-count": "2",
        "body-2-value-points-0-value": "Parks open",
        "body-2-value-points-0-order": "0",
        "body-2-value-points-1-value": "Bins: weekly",
        "body-2-value-points-1-order": "1",
        "body-3-type": "image",
        "body-3-value-alt_text": "A crowd",
    }
    assert LiveEntry.objects.count() == 0 and rescue_copies(page) == 1
    context.close()
