"""End to end in headless Chromium: an editor posts, edits and deletes entries in the live console
while a reader's open page follows along without reloading."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.admin import log_in
from tests.browser.writes import while_polled
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # In-memory SQLite shared with the live server's threads makes Django's request threads warn
    # when they close it; that is the test database's plumbing, not the app.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: Poll every second in these tests; a change must show within a few polls.
SHOWS_WITHIN_MS = 8000


@pytest.fixture
def live_feed_site(settings, live_server):
    settings.WAGTAIL_NEWSFEED = {"POLL_INTERVAL": 1, "POLL_MAX_INTERVAL": 4}
    index = factories.make_index(title="News")
    feed = factories.make_feed(
        index, "Election night live", summary="<p>Counting is under way.</p>"
    )
    factories.make_superuser("editor")
    return feed


def compose(page, text, headline=""):
    """Fill the composer with Wagtail's own block editor: add a paragraph block and type."""
    if headline:
        page.fill("input[name=headline]", headline)
    page.locator("[data-newsfeed-composer] button.c-sf-add-button").first.click()
    page.get_by_role("option", name=re.compile("^Paragraph")).first.click()
    editor = page.locator("[data-newsfeed-composer] [contenteditable=true]").first
    editor.click()
    editor.type(text)
    # Draftail writes the block's value to its hidden input a moment after typing stops.
    page.wait_for_function(
        "text => [...document.querySelectorAll('[data-newsfeed-composer] input[name$=\"-value\"]')]"
        ".some(input => input.value.includes(text))",
        arg=text,
    )


def test_editor_posts_edits_and_deletes_while_a_reader_watches(
    chromium, live_server, live_feed_site, docs_img
):
    feed = live_feed_site
    factories.make_entry(
        feed, text="Polls opened at 7am.", headline="Polls open", is_key_event=True
    )
    reader_context = chromium.new_context(viewport={"width": 1100, "height": 900})
    reader = reader_context.new_page()
    reader.goto(f"{live_server.url}{feed.url}")
    assert reader.locator("[data-newsfeed-entries] > [data-entry-id]").count() == 1

    editor_context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    editor = log_in(editor_context, live_server)
    editor.goto(f"{live_server.url}/admin/newsfeed/feeds/{feed.pk}/console/")
    compose(editor, "Turnout passed 60 percent, officials say.", headline="Record turnout")
    editor.get_by_role("button", name="Publish now").click()
    editor.wait_for_url(re.compile(r".*/console/$"))
    editor.get_by_text("published.").first.wait_for()

    entry = LiveEntry.objects.get(headline="Record turnout")
    assert entry.status == LiveEntry.Status.PUBLISHED
    assert "Turnout passed 60 percent" in str(entry.body[0].value), entry.body.raw_data
    article = reader.locator(f"#entry-{entry.pk}")
    article.wait_for(timeout=SHOWS_WITHIN_MS)
    assert "Turnout passed 60 percent" in article.inner_text()
    # Newest first: the new entry is above the older one, and the page was not reloaded.
    first = reader.locator("[data-newsfeed-entries] > [data-entry-id]").first
    assert first.get_attribute("data-entry-id") == str(entry.pk)

    # An edit changes it in place.
    editor.locator(f"#console-entry-{entry.pk}").get_by_role("link", name="Edit").click()
    editor.fill("input[name=headline]", "Record turnout confirmed")
    editor.get_by_role("button", name="Save", exact=True).click()
    editor.wait_for_url(re.compile(r".*/console/.*"))
    reader.locator(f"#entry-{entry.pk} h2", has_text="Record turnout confirmed").wait_for(
        timeout=SHOWS_WITHIN_MS
    )
    reader.screenshot(path=str(docs_img / "reader.png"), full_page=False)

    # A delete (after confirming) removes it.
    editor.goto(f"{live_server.url}/admin/newsfeed/feeds/{feed.pk}/console/")
    editor.locator(f"#console-entry-{entry.pk}").get_by_role("link", name="Delete").click()
    editor.get_by_role("button", name="Yes, delete").click()
    editor.wait_for_url(re.compile(r".*/console/$"))
    reader.locator(f"#entry-{entry.pk}").wait_for(state="detached", timeout=SHOWS_WITHIN_MS)
    assert reader.locator("[data-newsfeed-entries] > [data-entry-id]").count() == 1

    # A colleague's entry shows up in this editor's open console too, composer untouched.
    editor.fill("input[name=headline]", "Half-typed headline")
    colleague = while_polled(
        lambda: factories.make_entry(feed, text="From the desk.", headline="Desk update")
    )
    editor.locator(f"#console-entry-{colleague.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    assert editor.input_value("input[name=headline]") == "Half-typed headline"

    reader_context.close()
    editor_context.close()


def test_reader_who_scrolled_gets_a_new_updates_button_instead_of_a_jump(
    chromium, live_server, live_feed_site
):
    feed = live_feed_site
    for n in range(12):
        factories.make_entry(feed, text=f"Earlier update number {n}. " * 8)
    context = chromium.new_context(viewport={"width": 1000, "height": 700})
    reader = context.new_page()
    reader.goto(f"{live_server.url}{feed.url}")
    title = reader.title()
    reader.mouse.wheel(0, 2500)
    reader.wait_for_function("window.scrollY > 1000")
    scrolled_to = reader.evaluate("window.scrollY")

    author = LiveEntry.objects.first().created_by
    fresh = while_polled(
        lambda: entry_rules.create_entry(
            feed,
            author,
            body=factories.paragraph("Breaking: the first result is in."),
            headline="First result",
        )
    )

    button = reader.locator("[data-newsfeed-new-updates]")
    button.wait_for(state="visible", timeout=SHOWS_WITHIN_MS)
    assert button.inner_text() == "1 new update"
    assert reader.title() == f"(1) {title}"
    assert reader.locator(f"#entry-{fresh.pk}").is_hidden()
    assert abs(reader.evaluate("window.scrollY") - scrolled_to) < 5

    button.click()
    reader.locator(f"#entry-{fresh.pk}").wait_for(state="visible")
    reader.wait_for_function(f"document.title === {title!r}")
    assert button.is_hidden()
    context.close()


def test_ended_feed_stops_updating_and_says_so(chromium, live_server, live_feed_site):
    feed = live_feed_site
    context = chromium.new_context()
    reader = context.new_page()
    reader.goto(f"{live_server.url}{feed.url}")
    feed.coverage_status = feed.Status.ENDED
    while_polled(lambda: feed.save_revision().publish())
    # The change of status reaches the page through the entry fragments or the feed endpoint.
    while_polled(lambda: factories.make_entry(feed, text="Final word."))
    reader.locator("[data-newsfeed-status]", has_text="Ended").wait_for(timeout=SHOWS_WITHIN_MS)
    reader.locator("[data-newsfeed-live][data-live-stopped]").wait_for(timeout=SHOWS_WITHIN_MS)
    context.close()


def test_pinning_key_events_and_oldest_first_order_follow_along(
    chromium, live_server, live_feed_site
):
    feed = live_feed_site
    feed.entry_order = feed.Order.OLDEST_FIRST
    feed.save_revision().publish()
    first = factories.make_entry(feed, text="Kick-off.", headline="Kick-off")
    context = chromium.new_context(viewport={"width": 1000, "height": 1400})
    reader = context.new_page()
    reader.goto(f"{live_server.url}{feed.url}")

    later = while_polled(
        lambda: factories.make_entry(feed, text="Goal!", headline="First goal", is_key_event=True)
    )
    reader.locator(f"#entry-{later.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    ids = reader.locator("[data-newsfeed-entries] > [data-entry-id]").evaluate_all(
        "items => items.map(item => item.dataset.entryId)"
    )
    assert ids == [str(first.pk), str(later.pk)]  # oldest first: the new one goes last
    reader.locator("[data-newsfeed-key-events] li", has_text="First goal").wait_for()

    while_polled(lambda: entry_rules.set_pinned(first, first.created_by, True))
    reader.locator(f"[data-newsfeed-pinned] #entry-{first.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    assert reader.locator(f"[data-newsfeed-entries] #entry-{first.pk}").count() == 0
    assert reader.locator(f"#entry-{first.pk} .newsfeed-badge--pinned").count() == 1

    while_polled(lambda: entry_rules.set_key_event(later, later.created_by, False))
    reader.locator("[data-newsfeed-key-events]").wait_for(state="detached", timeout=SHOWS_WITHIN_MS)
    while_polled(lambda: entry_rules.set_pinned(first, first.created_by, False))
    reader.locator("[data-newsfeed-pinned]").wait_for(state="detached", timeout=SHOWS_WITHIN_MS)
    ids = reader.locator("[data-newsfeed-entries] > [data-entry-id]").evaluate_all(
        "items => items.map(item => item.dataset.entryId)"
    )
    assert ids == [str(first.pk), str(later.pk)]
    context.close()


def test_readers_in_the_same_state_ask_for_the_same_urls(chromium, live_server, live_feed_site):
    """What a proxy needs to serve a crowd: no per-reader cache-busting in any poll."""
    feed = live_feed_site
    factories.make_entry(feed, text="Before anyone came.")
    asked: dict[str, list[str]] = {"a": [], "b": []}
    contexts = []
    for name in asked:
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.on(
            "request",
            lambda request, name=name: (
                asked[name].append(request.url)
                if "/entries/" in request.url or "/fragments/" in request.url
                else None
            ),
        )
        page.goto(f"{live_server.url}{feed.url}")
    fresh = while_polled(lambda: factories.make_entry(feed, text="Seen by both readers."))
    for context in contexts:
        context.pages[0].locator(f"#entry-{fresh.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    for context in contexts:
        context.close()

    first, second = ({url.split("?", 1)[-1] for url in urls} for urls in asked.values())
    assert any(query.startswith("ids=") for query in first)  # the fragments of the new entry
    shared = first & second
    assert any(query.startswith("since=") for query in shared)
    assert any(query.startswith("ids=") for query in shared)
    for query in first | second:
        assert set(re.findall(r"(\w+)=", query)) <= {"since", "ids", "v"}, query


def test_a_long_unbroken_word_does_not_push_a_phone_screen_sideways(
    chromium, live_server, live_feed_site
):
    feed = live_feed_site
    word = "https://example.com/" + "a" * 3000
    factories.make_entry(feed, text=word, headline="x" * 250)
    article = factories.make_article(feed.get_parent(), "y" * 250, standfirst=word)
    page = chromium.new_page(viewport={"width": 390, "height": 800})
    try:
        for url in (feed.url, article.url, feed.get_parent().url):
            page.goto(live_server.url + url)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], (url, widths)
    finally:
        page.close()
