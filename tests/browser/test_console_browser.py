"""The live console in headless Chromium: two-key posting (type, Ctrl+Enter), text typed and
submitted at once is never lost, and the display-time guard for contributors."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.admin import console_url, open_console
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: Readers poll every second in these tests; a new entry must show within a few polls.
SHOWS_WITHIN_MS = 8000
BODY_EDITOR = "[data-newsfeed-composer] [contenteditable=true]"


@pytest.fixture
def feed(settings, live_server):
    settings.WAGTAIL_NEWSFEED = {"POLL_INTERVAL": 1, "POLL_MAX_INTERVAL": 4}
    index = factories.make_index(title="News")
    feed = factories.make_feed(index, "Election night live", summary="<p>Counting.</p>")
    editor = factories.make_superuser("editor")
    factories.make_author("Eda Editor", slug="eda-editor", role="Live editor", user=editor)
    return feed


def wait_for_caret_in_body(page):
    """The console puts the caret in the body's empty paragraph once the editor has loaded."""
    page.wait_for_function(
        f"document.activeElement && document.activeElement.matches({BODY_EDITOR!r})"
    )


def site_time(value):
    """A time as the display-time field takes it (the site's time zone, to the minute)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_caret_is_in_the_body_and_ctrl_enter_publishes_with_a_byline_to_an_open_reader_page(
    chromium, live_server, feed, docs_img
):
    reader_context = chromium.new_context()
    reader = reader_context.new_page()  # anonymous
    reader.goto(f"{live_server.url}{feed.url}")
    context, page = open_console(chromium, live_server, feed)

    wait_for_caret_in_body(page)
    assert page.locator(BODY_EDITOR).count() == 1  # one empty paragraph, nothing to click
    assert page.get_by_role("heading", name=re.compile("Election night live")).count() >= 1
    page.keyboard.type("Turnout passed 60 percent, officials say.")
    # docs/img/console.png with NEWSFEED_SCREENSHOTS=1, else a temporary folder.
    page.screenshot(path=str(docs_img / "console.png"), full_page=False)
    page.keyboard.press("Control+Enter")

    page.get_by_text("published.").first.wait_for()
    entry = LiveEntry.objects.get(feed=feed)
    assert entry.status == LiveEntry.Status.PUBLISHED
    assert [block.block_type for block in entry.body] == ["paragraph"]
    # With the poster's byline (their Author is the console's default).
    assert [author.name for author in entry.get_authors()] == ["Eda Editor"]
    shown = reader.locator(f"#entry-{entry.pk}", has_text="Turnout passed 60 percent")
    shown.wait_for(timeout=SHOWS_WITHIN_MS)
    assert "Eda Editor" in shown.inner_text()
    # The message names the entry by its first words, not its database id.
    assert page.get_by_text("“Turnout passed 60 percent, officials say. (").count() == 1
    # The composer is ready for the next entry, caret in the body again.
    wait_for_caret_in_body(page)
    context.close()
    reader_context.close()


@pytest.mark.parametrize("submit", ["ctrl-enter", "cmd-enter", "click"])
def test_text_typed_and_submitted_at_once_is_kept(chromium, live_server, feed, submit):
    context, page = open_console(chromium, live_server, feed)
    wait_for_caret_in_body(page)

    # No pause: Draftail would copy the text to the form 250 ms after the last keystroke.
    page.keyboard.type("Breaking: the bridge is closed")
    if submit == "ctrl-enter":
        page.keyboard.press("Control+Enter")
    elif submit == "cmd-enter":  # macOS: Cmd is the Meta key
        page.keyboard.press("Meta+Enter")
    else:
        page.locator("button[data-newsfeed-primary]").click()

    page.get_by_text("published.").first.wait_for()
    assert "This field is required" not in page.content()
    entry = LiveEntry.objects.get(feed=feed)
    assert "Breaking: the bridge is closed" in str(entry.body[0].value)
    context.close()


def test_backdated_entry_says_so_on_the_publish_button(chromium, live_server, feed):
    context, page = open_console(chromium, live_server, feed)
    wait_for_caret_in_body(page)
    page.keyboard.type("Earlier: polls opened.")
    earlier = timezone.now() - timedelta(hours=2)
    when = page.locator("[data-newsfeed-composer] input[name=display_time]")
    when.fill(site_time(earlier))
    when.dispatch_event("change")

    button = page.locator("button[data-newsfeed-primary]")
    expected = timezone.localtime(earlier).strftime("%H:%M")
    if timezone.localtime(earlier).date() != timezone.localtime().date():
        expected = site_time(earlier)
    assert button.inner_text() == f"Publish (backdated to {expected})"
    button.click()

    page.get_by_text("published.").first.wait_for()
    entry = LiveEntry.objects.get(feed=feed)
    assert site_time(entry.display_time) == site_time(earlier)
    context.close()


def test_the_publish_button_never_says_now_for_a_time_it_cannot_read(chromium, live_server, feed):
    """The display-time field also takes the site's own formats (``03/12/2026 10:00``, a date
    alone) and times with an offset: the button says "at the time set" for a time the script
    does not read, reads an offset, and says "now" only for an empty field or the present."""
    context, page = open_console(chromium, live_server, feed)
    wait_for_caret_in_body(page)
    when = page.locator("[data-newsfeed-composer] input[name=display_time]")
    button = page.locator("button[data-newsfeed-primary]")

    def label_for(value: str) -> str:
        when.fill(value)
        when.dispatch_event("change")
        return button.inner_text()

    earlier = timezone.localtime() - timedelta(days=3)
    in_utc = earlier.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert label_for("03/12/2025 10:00") == "Publish (at the time set)"
    assert label_for("2025-12-03") == "Publish (at the time set)"
    assert label_for("2025-02-30 10:00") == "Publish (at the time set)"
    assert label_for(f"  {site_time(earlier)}  ") == f"Publish (backdated to {site_time(earlier)})"
    assert label_for(in_utc) == f"Publish (backdated to {site_time(earlier)})"
    assert label_for(site_time(timezone.now())) == "Publish now"
    assert label_for("") == "Publish now"
    later = timezone.localtime() + timedelta(days=2)  # an editor may date an entry ahead
    assert label_for(site_time(later)) == f"Publish (dated {site_time(later)})"

    # The server takes the format the label could not read, as a backdated time.
    label_for(earlier.strftime("%d/%m/%Y %H:%M"))  # en-GB, the site's language
    page.locator(BODY_EDITOR).first.click()
    page.keyboard.type("Earlier: polls opened.")
    button.click()
    page.get_by_text("published.").first.wait_for()
    assert site_time(LiveEntry.objects.get(feed=feed).display_time) == site_time(earlier)
    context.close()


def test_contributors_future_display_time_is_refused_and_their_text_kept(
    chromium, live_server, feed
):
    factories.make_user("contrib", groups=[factories.feed_group(feed, publish=False)])
    context, page = open_console(chromium, live_server, feed, username="contrib")
    wait_for_caret_in_body(page)
    page.keyboard.type("Results expected within the hour.")
    page.fill("[data-newsfeed-composer] input[name=headline]", "Coming up")
    when = page.locator("[data-newsfeed-composer] input[name=display_time]")
    when.fill(site_time(timezone.now() + timedelta(hours=3)))
    when.dispatch_event("change")
    assert (
        page.locator("button[data-newsfeed-primary]")
        .inner_text()
        .startswith("Save as draft (dated ")
    )

    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+Enter")

    page.get_by_text("could not be saved").first.wait_for()
    page.get_by_text("Only editors who may publish this feed can give an entry a time").wait_for()
    assert not LiveEntry.objects.exists()
    assert page.input_value("[data-newsfeed-composer] input[name=headline]") == "Coming up"
    assert "Results expected within the hour." in page.locator(BODY_EDITOR).first.inner_text()
    context.close()


def test_contributors_ctrl_enter_saves_a_draft_that_readers_do_not_see(chromium, live_server, feed):
    factories.make_user("contrib", groups=[factories.feed_group(feed, publish=False)])
    context, page = open_console(chromium, live_server, feed, username="contrib")
    wait_for_caret_in_body(page)
    assert page.locator("button[data-newsfeed-primary]").inner_text().startswith("Save as draft")

    page.keyboard.type("Unconfirmed: a recount in the north")
    page.keyboard.press("Control+Enter")

    page.get_by_text("saved as a draft.").first.wait_for()
    entry = LiveEntry.objects.get(feed=feed)
    assert entry.status == LiveEntry.Status.DRAFT
    assert "Unconfirmed: a recount in the north" in str(entry.body[0].value)
    reader_context = chromium.new_context()
    reader = reader_context.new_page()  # anonymous
    reader.goto(f"{live_server.url}{feed.url}")
    assert reader.locator("[data-newsfeed-entries]").count() == 1  # the entry list did render
    assert "recount in the north" not in reader.content()
    assert reader.locator(f"#entry-{entry.pk}").count() == 0
    reader_context.close()
    context.close()


def slow_network(context, page, latency_ms=1500):
    """Every request of ``page`` takes ``latency_ms`` longer (Chromium's network emulation)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )


@pytest.mark.parametrize("presses", ["ctrl-enter", "click"])
def test_pressing_twice_on_a_slow_network_posts_one_entry(chromium, live_server, feed, presses):
    context, page = open_console(chromium, live_server, feed)
    wait_for_caret_in_body(page)
    slow_network(context, page)
    page.keyboard.type("Only once, please")

    button = page.locator("button[data-newsfeed-primary]")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    for _ in range(3):  # impatient: again while the first is on its way
        if presses == "ctrl-enter":
            page.keyboard.press("Control+Enter")
        else:  # the mouse itself: a locator's click would wait for the next page
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)

    page.get_by_text("published.").first.wait_for(timeout=15000)
    page.wait_for_timeout(2000)  # a second request would have landed by now
    entry = LiveEntry.objects.get()  # one entry, not one per press
    assert "Only once, please" in str(entry.body[0].value)
    # The next entry posts normally: the guard is for one page's submission only.
    wait_for_caret_in_body(page)
    page.keyboard.type("A second entry")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "document.querySelectorAll('.newsfeed-console__entry').length === 2", timeout=15000
    )
    assert LiveEntry.objects.count() == 2
    context.close()


def test_ctrl_enter_with_the_link_chooser_open_posts_nothing_and_keeps_the_text(
    chromium, live_server, feed
):
    context, page = open_console(chromium, live_server, feed)
    wait_for_caret_in_body(page)
    page.keyboard.type("Read the statement")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+k")  # Draftail's link shortcut opens Wagtail's chooser modal
    modal = page.get_by_text("Choose a page").first
    modal.wait_for()

    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(1000)
    assert not LiveEntry.objects.exists()

    page.keyboard.press("Escape")
    modal.wait_for(state="hidden")
    page.locator(BODY_EDITOR).first.click()
    page.keyboard.press("Control+Enter")
    page.get_by_text("published.").first.wait_for()
    assert "Read the statement" in str(LiveEntry.objects.get().body[0].value)
    context.close()


def test_a_colleagues_entry_refreshes_the_list_with_one_announcement_and_keeps_the_text(
    chromium, live_server, feed
):
    context, page = open_console(chromium, live_server, feed)
    wait_for_caret_in_body(page)
    page.keyboard.type("Half typed")
    box = page.locator("[data-newsfeed-console-entries]")
    # The list is not a live region: a screen reader would read out every entry at each refresh.
    assert box.get_attribute("aria-live") is None
    status = page.locator("[data-newsfeed-console-announce]")
    assert status.get_attribute("role") == "status" and status.inner_text() == ""

    colleague = factories.make_user("colleague", groups=[factories.feed_group(feed, publish=True)])
    entry_rules.create_entry(feed, colleague, body=factories.paragraph("From the newsdesk"))

    box.get_by_text("From the newsdesk").wait_for(timeout=SHOWS_WITHIN_MS)
    page.wait_for_function(
        "document.querySelector('[data-newsfeed-console-announce]').textContent.length > 0"
    )
    assert status.text_content() == "The latest entries were updated."
    # The editor's caret and half-typed text are where they were.
    assert page.evaluate("document.activeElement.isContentEditable")
    assert page.locator(BODY_EDITOR).first.inner_text().strip() == "Half typed"
    context.close()


def test_two_tabs_editing_one_entry_never_lose_the_second_editors_text(chromium, live_server, feed):
    entry = factories.make_entry(feed, text="First report.")
    edit = f"{console_url(live_server, feed)}entries/{entry.pk}/edit/"
    context, first = open_console(chromium, live_server, feed)
    second = context.new_page()
    for tab in (first, second):
        tab.goto(edit)
        tab.locator("[data-newsfeed-entry-form] [contenteditable=true]").first.click()
        tab.keyboard.press("Control+End")
    second.keyboard.type(" Update from tab two.")
    second.keyboard.press("Control+Enter")
    second.get_by_text("updated.").first.wait_for()

    first.keyboard.type(" Correction from tab one.")
    first.keyboard.press("Control+Enter")
    first.get_by_text("Someone else changed this entry").wait_for()
    mine = first.locator("[data-newsfeed-entry-form] [contenteditable=true]").first
    assert "Correction from tab one." in mine.inner_text()
    assert (
        "Update from tab two."
        in first.get_by_role("complementary", name="Current version").inner_text()
    )  # theirs, beside it

    first.get_by_role("button", name="Save my version").click()
    first.get_by_text("updated.").first.wait_for()
    stored = str(LiveEntry.objects.get(pk=entry.pk).body[0].value)
    assert "Correction from tab one." in stored and "Update from tab two." not in stored
    context.close()
