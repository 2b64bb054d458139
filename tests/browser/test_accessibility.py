"""Accessibility in headless Chromium: axe-core (from the npm registry, ``npm ci`` at the repository
root) finds no violation on the article, live feed and news index pages, nor in the live console.

The live console is checked whole, Wagtail's admin chrome included, except for one node that is
Wagtail's and not ours: the rich text editor's ``contenteditable`` (Draftail), which has no
accessible name in Wagtail 8's own page editor either.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy
from pathlib import Path

import pytest
from django.utils import timezone

from tests import factories, tools
from tests.browser.admin import console_url
from wagtail_newsfeed.models import ArticleCorrection

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.x A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        tools.missing("axe-core is not installed: run 'npm ci' in the repository root")
    return AXE.read_text()


def axe_violations(page, axe_source: str, context: dict | None = None) -> list[dict]:
    """axe's violations on the page, or in ``context`` (axe's ``{include, exclude}``)."""
    page.add_script_tag(content=axe_source)
    results = page.evaluate(
        """([context, tags]) => axe.run(
            context || document,
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}
        )""",
        [context, AXE_TAGS],
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [n["html"][:200] for n in v["nodes"][:5]],
                "summary": v["nodes"][0].get("failureSummary", "")[:300],
            }
            for v in violations
        ],
        indent=1,
    )


@pytest.fixture
def newsroom(live_server):
    """An index with a story of every block type, a related story, and a live feed."""
    index = factories.make_index(title="News")
    topic = factories.make_topic("Politics")
    author = factories.make_author("Sofia Brandt", role="Political editor")
    source = factories.make_source("Wire Agency", url="https://wire.example.org/")
    image = factories.make_image("Summit hall", width=1200, height=675)
    related = factories.make_article(
        index, "Talks open in Geneva", topics=[topic], lead_image=image
    )
    body = [
        {"type": "paragraph", "value": '<p>Leaders <b>agreed</b> a <a href="/">fund</a>.</p>'},
        {"type": "heading", "value": {"text": "What was agreed", "level": "h2"}},
        {"type": "image", "value": {"image": image.pk, "alt_text": "The hall", "caption": "Hall"}},
        {"type": "quote", "value": {"text": "A good day.", "attribution": "The chair"}},
        {"type": "pull_quote", "value": {"text": "We agreed.", "attribution": "A leader"}},
        {"type": "key_points", "value": {"title": "Key points", "points": ["One", "Two"]}},
        {"type": "fact_box", "value": {"title": "The fund", "body": "<p>$100bn a year.</p>"}},
        {
            "type": "table",
            "value": {
                "table_caption": "Pledges",
                "first_row_is_table_header": True,
                "first_col_is_header": True,
                "data": [["Country", "Pledge"], ["A", "10"], ["B", "20"]],
            },
        },
        {"type": "related_article", "value": {"page": related.pk, "label": ""}},
        {"type": "source_credit", "value": {"source": source.pk, "note": "with reporting"}},
        {
            "type": "timeline",
            "value": {
                "title": "How we got here",
                "events": [{"when": "Monday", "title": "Talks open", "description": "In Geneva"}],
            },
        },
    ]
    article = factories.make_article(
        index,
        "Summit ends with a climate deal",
        topics=[topic],
        authors=[author],
        lead_image=image,
        lead_image_caption="Delegates in the hall",
        lead_image_credit="Demo",
        source=source,
        dateline="Geneva",
        is_breaking=True,
        body=body,
    )
    article.related_links.create(related=related, sort_order=0)
    ArticleCorrection.objects.create(
        page=article, kind="correction", noted_at=timezone.now(), text="Fixed a name."
    )
    tags = article.tags
    tags.add("climate")
    article.save_revision().publish()
    feed = factories.make_feed(index, "Summit live", summary="<p>The final day.</p>")
    factories.make_entry(feed, text="Talks resume.", headline="Day three", is_key_event=True)
    factories.make_entry(feed, text="Deal reached.", is_pinned=True, authors=[author])
    factories.make_entry(feed, text="Delegates arrive.")
    factories.make_superuser("editor")
    return {"index": index, "article": article, "feed": feed}


@pytest.fixture
def page(chromium):
    """A page in a context of its own, closed when the test ends: a live feed page left open
    would go on polling the live server while the next test writes its rows."""
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    yield context.new_page()
    context.close()


def test_axe_finds_violations_at_all(page, axe_source):
    """The checks below prove something only if axe reports what it finds."""
    page.set_content('<!DOCTYPE html><html><body><img src="x.png"><a href="/"></a></body></html>')

    found = {violation["id"] for violation in axe_violations(page, axe_source)}

    assert {"image-alt", "html-has-lang", "link-name"} <= found


@pytest.mark.parametrize("which", ["article", "feed", "index"])
def test_reader_page_has_no_axe_violations(page, live_server, newsroom, axe_source, which):
    page.goto(f"{live_server.url}{newsroom[which].url}")

    violations = axe_violations(page, axe_source)

    assert violations == [], describe(violations)


def test_repeated_tables_and_boxes_have_no_axe_violations(page, live_server, axe_source):
    """Two uncaptioned tables whose first row and column are headers (an empty corner), two
    "Key points" boxes, two fact boxes and timelines of one title: no empty header, no landmark
    named twice."""
    table = {
        "type": "table",
        "value": {
            "first_row_is_table_header": True,
            "first_col_is_header": True,
            "data": [["", "Votes"], ["Yes", "10"], ["No", "20"]],
        },
    }
    boxes = [
        {"type": "key_points", "value": {"title": "Key points", "points": ["One"]}},
        {"type": "fact_box", "value": {"title": "The fund", "body": "<p>Big.</p>"}},
        {
            "type": "timeline",
            "value": {"title": "Timeline", "events": [{"when": "9", "title": "Rain"}]},
        },
    ]
    index = factories.make_index(title="News")
    article = factories.make_article(
        index, "Vote count", body=[deepcopy(block) for block in [table, *boxes] * 2]
    )
    page.goto(f"{live_server.url}{article.url}")

    violations = axe_violations(page, axe_source)

    assert violations == [], describe(violations)


def test_live_console_has_no_axe_violations(page, live_server, newsroom, axe_source):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.goto(console_url(live_server, newsroom["feed"]))

    violations = axe_violations(page, axe_source, {"exclude": [[".public-DraftEditor-content"]]})

    assert violations == [], describe(violations)
