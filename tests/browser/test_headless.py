"""End to end in headless Chromium with the reference headless frontend (example_site/headless/):
an editor previews an unpublished article there from the page editor, and a reader's open live
page follows an entry posted through the API without reloading."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient

from tests import factories
from tests.browser.admin import log_in
from tests.browser.writes import while_polled
from wagtail_newsfeed.models import HeadlessPreview, LiveEntry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

SHOWS_WITHIN_MS = 8000
#: Reported by the test run (``-s``): admin preview click → the frontend shows the draft.
ROUND_TRIPS: list[float] = []


@pytest.fixture
def headless_site(settings, live_server):
    settings.WAGTAIL_NEWSFEED = {"HEADLESS_PREVIEW_URL": "/headless/preview/"}
    index = factories.make_index(title="News")
    factories.make_superuser("editor")
    return index


def test_editor_previews_an_unpublished_article_in_the_headless_frontend(
    chromium, live_server, headless_site, docs_img
):
    topic = factories.make_topic("Economy")
    article = factories.make_article(
        headless_site,
        "Budget leak (saved draft)",
        publish=False,
        topics=[topic],
        body=[
            {"type": "paragraph", "value": "<p>The <b>draft</b> budget, seen first.</p>"},
            {"type": "quote", "value": {"text": "<script>alert(1)</script>", "attribution": "X"}},
        ],
    )
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    editor = log_in(context, live_server)
    editor.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    editor.fill("#id_title", "Budget leak: unsaved headline")  # never saved

    editor.locator('button[data-side-panel-toggle="preview"]').click()
    # The site's own preview comes first (the default mode); switch once it is up.
    editor.frame_locator("#w-preview-iframe").locator("h1").filter(
        has_text="Budget leak: unsaved headline"
    ).wait_for(timeout=SHOWS_WITHIN_MS)
    frontend = editor.frame_locator("#w-preview-iframe").frame_locator(
        "[data-headless-preview-frame]"
    )
    heading = frontend.locator("[data-article-id] h1", has_text="Budget leak: unsaved headline")
    for _ in range(3):  # the round trip, measured a few times (each click signs a new token)
        started = time.perf_counter()
        editor.select_option("#id_preview_mode", "headless")
        heading.wait_for(timeout=SHOWS_WITHIN_MS)
        ROUND_TRIPS.append(time.perf_counter() - started)
        editor.select_option("#id_preview_mode", "")
        editor.frame_locator("#w-preview-iframe").locator("[data-headless-preview-frame]").wait_for(
            state="detached", timeout=SHOWS_WITHIN_MS
        )
    editor.select_option("#id_preview_mode", "headless")
    heading.wait_for(timeout=SHOWS_WITHIN_MS)

    assert frontend.locator("[data-preview]").is_visible()
    body = frontend.locator("[data-article-id] .body")
    assert body.locator("[data-block-type=paragraph] b").inner_text() == "draft"
    # Text is text: the quote's markup shows as characters and never runs.
    assert "<script>alert(1)</script>" in body.locator("[data-block-type=quote]").inner_text()
    assert frontend.locator("[data-article-id] .topics a").inner_text() == "Economy"
    editor.screenshot(path=str(docs_img / "headless-preview.png"), full_page=False)

    # The snapshots are database rows: with every cache emptied (as in a worker process that
    # never saw the preview), the link still opens the draft in a tab of its own.
    assert HeadlessPreview.objects.filter(page=article).count() >= 4
    link = (
        editor.frame_locator("#w-preview-iframe")
        .locator("[data-headless-preview-link]")
        .get_attribute("href")
    )
    for alias in settings.CACHES:
        caches[alias].clear()
    tab = context.new_page()
    tab.goto(link if link.startswith("http") else f"{live_server.url}{link}")
    tab.locator("[data-article-id] h1", has_text="Budget leak: unsaved headline").wait_for(
        timeout=SHOWS_WITHIN_MS
    )

    article.refresh_from_db()
    assert article.title == "Budget leak (saved draft)" and not article.live  # nothing saved
    times = ", ".join(f"{t * 1000:.0f}" for t in ROUND_TRIPS)
    print(f"\nHeadless preview round trips (click to draft shown): {times} ms")
    context.close()


def test_entry_posted_through_the_api_appears_on_the_headless_live_page(
    chromium, live_server, headless_site
):
    feed = factories.make_feed(headless_site, "Election night live")
    first = factories.make_entry(feed, text="Polls opened at 7am.", headline="Polls open")
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    reader = context.new_page()
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=1")
    reader.locator(f"#entry-{first.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    reader.evaluate("window.__notReloaded = true")

    api = APIClient()
    api.force_authenticate(factories.make_superuser("desk"))
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    posted = api.post(
        url,
        {
            "headline": "Record turnout",
            "body": [{"type": "paragraph", "value": "<p>Turnout passed 60 percent.</p>"}],
            "status": "published",
        },
        format="json",
    )
    assert posted.status_code == 201, posted.content
    new_id = posted.json()["id"]
    entry = reader.locator(f"#entry-{new_id}")
    entry.wait_for(timeout=SHOWS_WITHIN_MS)
    assert "Turnout passed 60 percent." in entry.inner_text()
    # Newest first: above the older entry.
    assert reader.locator("[data-entries] > [data-entry]").first.get_attribute("id") == (
        f"entry-{new_id}"
    )

    # Edited in place, pinned to the top, and deleted: all followed without a reload.
    api.patch(f"{url}{new_id}/", {"headline": "Record turnout confirmed"}, format="json")
    reader.locator(f"#entry-{new_id} h2", has_text="Record turnout confirmed").wait_for(
        timeout=SHOWS_WITHIN_MS
    )
    api.patch(f"{url}{first.pk}/", {"is_pinned": True}, format="json")
    reader.locator(f"[data-pinned] #entry-{first.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    api.delete(f"{url}{new_id}/")
    reader.locator(f"#entry-{new_id}").wait_for(state="detached", timeout=SHOWS_WITHIN_MS)
    assert reader.evaluate("window.__notReloaded") is True
    assert LiveEntry.objects.filter(pk=new_id, deleted_at__isnull=False).exists()
    context.close()


VIDEO = "https://video.example/watch/1"
XSS = '<img src=x onerror="window.__xss = 1">'


def every_block(index) -> list[dict]:
    """One block of every type the API knows (see wagtail_newsfeed/blocks.py)."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    Embed.objects.create(  # stored, so no finder goes to the network
        url=VIDEO, hash=get_embed_hash(VIDEO), type="video", html="<iframe></iframe>", title="V"
    )
    image = factories.make_image("Flood", width=1200, height=800)
    other = factories.make_article(index, "Earlier story")
    source = factories.make_source("Reuters", slug="reuters", url="https://reuters.example")
    document = Document.objects.create(title="Report", file=ContentFile(b"%PDF-1.4", name="r.pdf"))
    table = {
        "data": [["Party", "Seats"], ["A", XSS], ["B", None]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "Results",
    }
    return [
        {"type": "paragraph", "value": "<p>Rain <b>fell</b> all night.</p>"},
        {"type": "heading", "value": {"text": XSS, "level": "h2"}},
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Water"}},
        {"type": "quote", "value": {"text": "We will rebuild", "attribution": "Mayor"}},
        {"type": "pull_quote", "value": {"text": "Rebuild", "attribution": ""}},
        {"type": "embed", "value": {"embed": VIDEO, "caption": "Footage"}},
        {"type": "key_points", "value": {"title": "Key points", "points": ["One", XSS]}},
        {"type": "fact_box", "value": {"title": "Facts", "body": "<p><b>3</b> rivers</p>"}},
        {"type": "table", "value": table},
        {"type": "related_article", "value": {"page": other.pk, "label": "Background"}},
        {"type": "document", "value": {"document": document.pk, "title": ""}},
        {"type": "source_credit", "value": {"source": source.pk, "note": "Extra reporting"}},
        {
            "type": "timeline",
            "value": {
                "title": "How it happened",
                "events": [{"when": "09:00", "title": "Rain", "description": XSS}],
            },
        },
    ]


def test_headless_list_filters_by_topic_and_article_renders_every_block(
    chromium, live_server, headless_site
):
    floods = factories.make_topic("Floods", slug="floods")
    politics = factories.make_topic("Politics", slug="politics")
    article = factories.make_article(
        headless_site, XSS, topics=[floods], body=every_block(headless_site)
    )
    factories.make_article(headless_site, "Vote count", topics=[politics])
    context = chromium.new_context()
    reader = context.new_page()
    reader.goto(f"{live_server.url}/headless/")
    reader.locator("[data-articles] [data-article]").first.wait_for()
    assert reader.locator("[data-articles] [data-article]").count() == 3

    reader.click("[data-topic=floods]")
    reader.wait_for_url(re.compile(r".*/headless/\?topic=floods$"))
    reader.locator("[data-topic=floods][aria-current=page]").wait_for()  # re-rendered
    cards = reader.locator("[data-articles] [data-article]")
    assert cards.count() == 1 and cards.first.get_attribute("data-article") == str(article.pk)

    cards.first.locator("h2 a").click()
    reader.locator("[data-article-id] .body").wait_for()
    shown = reader.eval_on_selector_all(
        "[data-article-id] .body > [data-block-type]",
        "nodes => nodes.map(n => n.dataset.blockType)",
    )
    assert shown == [block["type"] for block in article.body.raw_data]
    assert reader.locator("[data-article-id] h1").inner_text() == XSS  # text, not markup
    assert reader.locator("[data-block-type=paragraph] b").inner_text() == "fell"
    assert reader.locator("[data-block-type=table] th").all_inner_texts() == ["Party", "Seats"]
    assert reader.locator("[data-block-type=image] img").get_attribute("src").startswith("http")
    assert reader.locator("[data-article-id] img[src=x]").count() == 0
    assert reader.evaluate("window.__xss") is None
    context.close()


def test_headless_live_page_backs_off_on_failures_and_stops_when_the_feed_is_gone(
    chromium, live_server, headless_site
):
    feed = factories.make_feed(headless_site, "Storm live")
    factories.make_entry(feed, text="Wind rising.")
    context = chromium.new_context()
    reader = context.new_page()
    polls: list[float] = []
    answers = iter([503, 503, 503, 404])

    def failing(route):
        polls.append(time.perf_counter())
        route.fulfill(status=next(answers, 404), body="{}", content_type="application/json")

    reader.route(re.compile(r".*/entries/\?since=.*"), failing)
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=0.5")
    reader.locator("[data-live][data-live-stopped]").wait_for(timeout=20000)
    gaps = [later - earlier for earlier, later in zip(polls, polls[1:], strict=False)]
    # 0.5 s interval; after n failures the wait is 0.5 * 2**n s with "equal jitter" (half to all).
    assert len(polls) == 4, polls
    for failures, gap in enumerate(gaps, start=1):
        full = 0.5 * 2**failures
        assert full / 2 - 0.1 <= gap <= full + 0.5, (failures, gaps)
    reader.wait_for_timeout(2500)
    assert len(polls) == 4  # stopped for good after the 404
    context.close()


def wait_until(page, condition, timeout_ms: int = SHOWS_WITHIN_MS) -> None:
    """Let the page run (its requests reach the route handlers) until ``condition()`` holds."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def test_headless_live_page_starts_over_when_its_cursor_is_refused(
    chromium, live_server, headless_site
):
    """docs/api.md: a 400 on delta sync (the cursor is no longer valid) means read the feed again
    in full and follow the new cursor, not stop."""
    feed = factories.make_feed(headless_site, "Count live")
    first = factories.make_entry(feed, text="Counting starts.")
    context = chromium.new_context()
    reader = context.new_page()
    full_reads: list[str] = []
    reader.on(
        "request",
        lambda request: "/entries/?limit=" in request.url and full_reads.append(request.url),
    )
    refused: list[str] = []

    def refuse_once(route):
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        problem = {"type": "urn:wagtail-newsfeed:problem:invalid", "title": "Bad Request"}
        route.fulfill(status=400, json={**problem, "status": 400, "detail": "Invalid: since."})

    reader.route(re.compile(r".*/entries/\?since=.*"), refuse_once)
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=0.5")
    reader.locator(f"#entry-{first.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    reader.evaluate("window.__notReloaded = true")
    wait_until(reader, lambda: refused and len(full_reads) >= 2)  # read again after the 400

    later = while_polled(lambda: factories.make_entry(feed, text="First results in."))
    reader.locator(f"#entry-{later.pk}").wait_for(timeout=SHOWS_WITHIN_MS)  # followed on
    assert reader.locator("[data-live][data-live-stopped]").count() == 0
    assert reader.locator(f"#entry-{first.pk}").count() == 1  # shown once, not twice
    assert reader.evaluate("window.__notReloaded") is True
    context.close()


def test_headless_live_poll_that_hangs_times_out_and_polling_goes_on(
    chromium, live_server, headless_site
):
    feed = factories.make_feed(headless_site, "Quake live")
    first = factories.make_entry(feed, text="Tremor felt downtown.")
    context = chromium.new_context()
    reader = context.new_page()
    reader.clock.install()  # real time flows; fast_forward jumps past the request timeout
    held = []

    def hang_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)  # never answered, as a stalled proxy would do

    reader.route(re.compile(r".*/entries/\?since=.*"), hang_first)
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=1")
    reader.locator(f"#entry-{first.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    wait_until(reader, lambda: held)
    later = while_polled(lambda: factories.make_entry(feed, text="Aftershock reported."))

    reader.clock.fast_forward(16_000)  # past api.js's 15 s TIMEOUT
    reader.locator(f"#entry-{later.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    assert reader.locator("[data-live][data-live-stopped]").count() == 0
    context.close()


def test_headless_answer_for_a_page_the_reader_left_is_never_shown(
    chromium, live_server, headless_site
):
    from playwright.sync_api import Error as PlaywrightError

    slow = factories.make_article(headless_site, "Slow story")
    context = chromium.new_context()
    reader = context.new_page()
    held = []
    reader.route(re.compile(rf".*/api/newsfeed/v1/articles/{slow.pk}/$"), lambda r: held.append(r))
    reader.goto(f"{live_server.url}/headless/")
    reader.locator(f"[data-article='{slow.pk}'] h2 a").click()
    wait_until(reader, lambda: held)  # the article is still loading...

    with reader.expect_response(re.compile(r".*/api/newsfeed/v1/articles/\?.*")):
        reader.locator(".site-header .brand").click()  # ...when the reader goes back to the list
    reader.locator("[data-articles] [data-article]").first.wait_for()
    with contextlib.suppress(PlaywrightError):  # unless the browser dropped the request
        held[0].continue_()  # the late answer
    reader.wait_for_timeout(1000)

    assert reader.url == f"{live_server.url}/headless/"
    assert reader.locator("[data-article-id]").count() == 0
    assert reader.locator("[role=alert]").count() == 0
    assert reader.locator("#app").get_attribute("data-ready") == "list"
    context.close()


def test_headless_live_page_follows_the_feed_ending_with_no_entry_changing(
    chromium, live_server, headless_site
):
    """The delta says nothing about the feed: the page reads the feed again every few polls, so
    an editor publishing "ended" (with a new title and summary) reaches it and stops it."""
    feed = factories.make_feed(headless_site, "Vote count live")
    first = factories.make_entry(feed, text="Counting goes on.")
    context = chromium.new_context()
    reader = context.new_page()
    polls: list[float] = []
    feed_reads: list[str] = []  # the If-None-Match of each read of the feed

    def count(response):
        if "/entries/?since=" in response.url:
            polls.append(time.monotonic())
        elif response.url.endswith(f"/api/newsfeed/v1/feeds/{feed.pk}/"):
            feed_reads.append(response.request.all_headers().get("if-none-match", ""))

    reader.on("response", count)
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=0.5")
    reader.locator(f"#entry-{first.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    wait_until(reader, lambda: len(feed_reads) >= 2)  # read again while nothing changed...
    assert all(feed_reads[1:]), feed_reads  # ...as revalidations of the ETag the browser holds
    assert reader.locator("[data-status]").get_attribute("data-status") == "live"

    def end_coverage():
        page = type(feed).objects.get(pk=feed.pk).get_latest_revision_as_object()
        page.coverage_status = page.Status.ENDED
        page.title = "Vote count: final result"
        page.summary = "<p>The count is complete.</p>"
        page.save_revision().publish()

    while_polled(end_coverage)
    assert LiveEntry.objects.filter(feed=feed).count() == 1  # no entry changed
    reader.locator("[data-live][data-live-stopped]").wait_for(timeout=SHOWS_WITHIN_MS)
    header = reader.locator("[data-feed-header]")
    assert header.locator("[data-status]").get_attribute("data-status") == "ended"
    assert header.locator("h1").inner_text() == "Vote count: final result"
    assert "The count is complete." in header.locator(".summary").inner_text()
    assert reader.title() == "Vote count: final result"
    stopped_after = len(polls)
    reader.wait_for_timeout(2000)  # four poll intervals
    assert len(polls) == stopped_after  # stopped for good
    assert reader.locator(f"#entry-{first.pk}").count() == 1
    context.close()


def test_headless_live_entry_whose_display_time_is_edited_moves_to_its_place(
    chromium, live_server, headless_site
):
    feed = factories.make_feed(headless_site, "Summit live")
    entries = [factories.make_entry(feed, text=f"Update {n}.") for n in range(3)]
    newest = entries[-1]
    context = chromium.new_context()
    reader = context.new_page()
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=0.5")
    reader.locator(f"#entry-{newest.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    shown = "items => items.map(item => Number(item.dataset.entry))"
    rows = reader.locator("[data-entries] > [data-entry]")
    assert rows.evaluate_all(shown) == [e.pk for e in reversed(entries)]  # newest first

    api = APIClient()
    api.force_authenticate(factories.make_superuser("desk"))
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{newest.pk}/"
    edited = while_polled(
        lambda: api.patch(url, {"display_time": "2020-01-01T00:00:00Z"}, format="json")
    )
    assert edited.status_code == 200, edited.content
    reader.locator(f"#entry-{newest.pk}[data-display-time^='2020-01-01']").wait_for(
        timeout=SHOWS_WITHIN_MS
    )
    # Now the oldest: last, where a reload would put it.
    assert rows.evaluate_all(shown) == [entries[1].pk, entries[0].pk, newest.pk]
    context.close()


def test_headless_live_page_shows_only_entries_its_loaded_page_holds(
    chromium, live_server, headless_site
):
    """The page loads the feed's first 50 entries and no more: an entry that sorts past the
    last of them (the oldest, edited) belongs to a later page, as on the server's page, and is
    not shown below entry 13 with 12..2 missing."""
    from datetime import timedelta

    from django.utils import timezone

    feed = factories.make_feed(headless_site, "Long night live")
    start = timezone.now() - timedelta(hours=3)
    entries = [
        factories.make_entry(feed, text=f"Update {n}.", display_time=start + timedelta(minutes=n))
        for n in range(62)
    ]
    oldest, newest = entries[0], entries[-1]
    context = chromium.new_context()
    reader = context.new_page()
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/?poll=0.5")
    reader.locator(f"#entry-{newest.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    shown = "items => items.map(item => Number(item.dataset.entry))"
    rows = reader.locator("[data-entries] > [data-entry]")
    loaded = [e.pk for e in reversed(entries[-50:])]
    assert rows.evaluate_all(shown) == loaded

    api = APIClient()
    api.force_authenticate(factories.make_superuser("desk"))
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    edited = while_polled(
        lambda: api.patch(f"{url}{oldest.pk}/", {"headline": "Corrected"}, format="json")
    )
    assert edited.status_code == 200, edited.content
    # A later change to an entry shown: once it is on the page, so is the first one's.
    marker = while_polled(
        lambda: api.patch(f"{url}{newest.pk}/", {"headline": "Latest"}, format="json")
    )
    assert marker.status_code == 200, marker.content
    reader.locator(f"#entry-{newest.pk}", has_text="Latest").wait_for(timeout=SHOWS_WITHIN_MS)
    assert reader.locator(f"#entry-{oldest.pk}").count() == 0
    assert rows.evaluate_all(shown) == loaded
    context.close()


def test_headless_live_entry_outline_matches_the_server_page(chromium, live_server, headless_site):
    """The same entry has the same heading levels on the server's page and the headless one: an
    h2 headline, the body's headings one level below (h2 → h3, h3 → h4), box titles at h3."""
    feed = factories.make_feed(headless_site, "Outline live")
    entry = factories.make_entry(
        feed,
        headline="Results are in",
        body=[
            {"type": "heading", "value": {"text": "Turnout", "level": "h2"}},
            {"type": "heading", "value": {"text": "By region", "level": "h3"}},
            {"type": "key_points", "value": {"title": "In short", "points": ["One"]}},
        ],
    )
    context = chromium.new_context()
    reader = context.new_page()
    outline = "el => [...el.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => h.tagName)"

    reader.goto(f"{live_server.url}{feed.url}")
    server = reader.locator(f"#entry-{entry.pk}").evaluate(outline)
    reader.goto(f"{live_server.url}/headless/feeds/{feed.pk}/")
    reader.locator(f"#entry-{entry.pk}").wait_for(timeout=SHOWS_WITHIN_MS)
    headless = reader.locator(f"#entry-{entry.pk}").evaluate(outline)
    assert server == ["H2", "H3", "H4", "H3"]
    assert headless == server
    context.close()
