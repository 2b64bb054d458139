"""Property-based fuzzing of the live-entry write API (``POST .../feeds/<id>/entries/``) with
random block trees that mix valid and hostile values at every level (``tests/strategies.py``).

For every generated request, sent as raw bytes with a real DRF client and token auth:

1. the answer is never a 5xx (an exception in the view fails the example with its traceback);
2. the status is one the contract allows that writer (201, 400, 413, 415; 403 for a
   contributor); a refusal is ``application/problem+json`` whose detail names the problem, and
   saves nothing (no row, revision or log entry anywhere; the feed's version unchanged);
3. an accepted entry (201) is stored clean (XML-safe strings; rich text without scripts, event
   handlers, styles or ``javascript:``-style URLs; a body the validator itself accepts again and
   ``check_newsfeed_content`` would not flag) and shows everywhere: published entries on the live
   page, in its fragments, the entry API and RSS/Atom (well-formed XML); drafts in the editor's
   console and its edit view, and nowhere readers look.

Hypothesis runs every example inside one pytest test, so each example runs in a savepoint that
is rolled back afterwards: examples never see each other's entries and counts are compared
before/after. Deterministic (``derandomize``) and without an example database; set
``NEWSFEED_FUZZ_EXAMPLES`` (default 150) or ``NEWSFEED_FUZZ_SEED`` to explore further locally,
and add ``--hypothesis-show-statistics`` to see how the examples were answered.

What it found (CDATA sections and processing instructions that survived rich-text cleaning,
an overflowing display time, rich text the editor could not open) is pinned down by regression
tests at the end of this module.
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Collection, GroupCollectionPermission

from tests import checks, factories, strategies
from wagtail_newsfeed import delta, rendering, stored_bodies, validation
from wagtail_newsfeed.models import LiveEntry

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("NEWSFEED_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize="NEWSFEED_FUZZ_SEED" not in os.environ,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def fuzz_seed(test):
    """``NEWSFEED_FUZZ_SEED=<n>``: a random run from that seed instead of the derandomized one."""
    if "NEWSFEED_FUZZ_SEED" in os.environ:
        return seed(int(os.environ["NEWSFEED_FUZZ_SEED"]))(test)
    return test


EMBED_URL = "https://video.example/watch/fuzz"
EMBED_HTML = '<div class="fuzz-embed">A cached video</div>'

# Checks ---------------------------------------------------------------------------------------

#: Everything outside XML 1.0's Char production (as ``wagtail_newsfeed.xml``).
NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Markup that has no place in an entry's rich text or in its rendered HTML, however written.
DANGEROUS_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|frame|object|embed|applet|svg|math|style|link|meta|base|form|"
    r"template|noscript|textarea|xmp|plaintext)\b|<!|<\?",
    re.IGNORECASE,
)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
#: An event-handler attribute written anywhere inside a tag, however a parser would read it
#: (for stored rich text, where text and attribute values can hold no raw ``<``).
HANDLER_IN_TAG = re.compile(r"<[^>]*[\s/\"']on[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def markup_problems(markup: str) -> list[str]:
    """What in ``markup`` (stored rich text, or HTML shown to readers) could run script."""
    problems = []
    found = DANGEROUS_MARKUP.search(markup)
    if found:
        problems.append(f"dangerous markup {found.group(0)!r}")
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    for tag, attrs in parser.tags:
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"event handler <{tag} {name}=...>")
            elif name == "style":
                problems.append(f"style attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and value:
                # Browsers drop leading whitespace and controls, and tabs/newlines anywhere.
                url = re.sub(r"[\x00-\x20\x7f-\xa0\s]+", "", html.unescape(value)).lower()
                if url.startswith(BAD_SCHEMES):
                    problems.append(f"<{tag} {name}={value!r}>")
    return problems


def strings(value: Any, path: str = "body"):
    """``(path, string)`` for every string (keys too) in raw JSON."""
    stack = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, dict):
            for key, child in node.items():
                yield f"{where} (key)", key
                stack.append((f"{where}.{key}", child))
        elif isinstance(node, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(node))


def rich_texts(raw: list[dict[str, Any]]):
    """``(path, html)`` for each rich-text value of a stored body."""
    for index, item in enumerate(raw):
        if item.get("type") == "paragraph":
            yield f"body[{index}]", item.get("value") or ""
        elif item.get("type") == "fact_box" and isinstance(item.get("value"), dict):
            yield f"body[{index}].body", item["value"].get("body") or ""


def stored_problems(entry: LiveEntry) -> list[str]:
    raw = list(entry.body.raw_data)
    problems = [
        f"{where}: {ch!r} cannot be carried by XML"
        for where, s in [("headline", entry.headline), *strings(raw)]
        for ch in NOT_XML_CHAR.findall(s)[:1]
    ]
    for where, markup in rich_texts(raw):
        if not isinstance(markup, str):
            problems.append(f"{where}: rich text stored as {type(markup).__name__}")
            continue
        found = markup_problems(markup)
        if HANDLER_IN_TAG.search(markup):
            found.append(f"event handler {HANDLER_IN_TAG.search(markup).group(0)!r}")
        problems.extend(f"{where}: {problem} in {markup!r}" for problem in found)
    return problems


# The site under test --------------------------------------------------------------------------


@dataclass
class Writer:
    user: Any
    api: APIClient
    admin: Client


@dataclass
class FuzzSite:
    feed: Any
    refs: strategies.Refs
    reader: Client
    scripts_on_page: int

    @property
    def entries_url(self) -> str:
        return f"/api/newsfeed/v1/feeds/{self.feed.pk}/entries/"


def event(name: str) -> None:
    """A hypothesis statistics event (``--hypothesis-show-statistics``); nothing outside a test."""
    if currently_in_test_context():
        hypothesis_event(name)


def writer_for(user) -> Writer:
    api = APIClient(raise_request_exception=True)
    token, _created = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    admin = Client()
    admin.force_login(user)
    return Writer(user=user, api=api, admin=admin)


def every_block(refs: strategies.Refs) -> list[dict[str, Any]]:
    """One valid block of each kind, using every referenced object."""
    return [
        {
            "type": "paragraph",
            "value": f'<p>See <a linktype="page" id="{refs.article}">this</a> and '
            f'<a linktype="document" id="{refs.document}">that</a>.</p>',
        },
        {"type": "heading", "value": {"text": "Heading", "level": "h3"}},
        {"type": "image", "value": {"image": refs.image, "alt_text": "", "caption": "Water"}},
        {"type": "quote", "value": {"text": "We will rebuild", "attribution": "Mayor"}},
        {"type": "pull_quote", "value": {"text": "Rebuild"}},
        {"type": "embed", "value": {"embed": refs.embed_url, "caption": "Footage"}},
        {"type": "key_points", "value": {"title": "Key", "points": ["One", "Two"]}},
        {"type": "fact_box", "value": {"title": "Facts", "body": "<p><b>3</b> rivers</p>"}},
        {
            "type": "table",
            "value": {
                "data": [["Party", "Seats"], ["A", "10"]],
                "table_header_choice": "row",
                "cell": [{"row": 0, "col": 0, "className": "x"}],
                "mergeCells": [{"row": 1, "col": 0, "rowspan": 1, "colspan": 2}],
            },
        },
        {"type": "related_article", "value": {"page": refs.article, "label": "Background"}},
        {"type": "document", "value": {"document": refs.document}},
        {"type": "source_credit", "value": {"source": refs.source, "note": "Extra reporting"}},
        {
            "type": "timeline",
            "value": {"events": [{"when": "09:00", "title": "Rain", "description": "Heavy"}]},
        },
    ]


@pytest.fixture
def fuzz_site(feed, news_index, superuser, settings, monkeypatch):
    """Objects for chooser values to point at, no throttling, no embed finder (no network):
    only the embed in Wagtail's cache exists."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_WRITE_THROTTLE_RATE": None}
    monkeypatch.setattr("wagtail.embeds.embeds.get_finders", lambda: [])
    Embed.objects.create(
        url=EMBED_URL, hash=get_embed_hash(EMBED_URL), type="video", html=EMBED_HTML, title="V"
    )
    for slug in ("dee", "jay"):
        factories.make_author(slug=slug)
    refs = strategies.Refs(
        image=factories.make_image("Fuzz image", width=64, height=48).pk,
        document=Document.objects.create(
            title="Report", file=ContentFile(b"%PDF-1.4", name="report.pdf")
        ).pk,
        article=factories.make_article(news_index, "Background").pk,
        hidden_article=factories.make_article(news_index, "Unpublished", publish=False).pk,
        page=news_index.pk,
        feed=feed.pk,
        source=factories.make_source(url="https://agency.example").pk,
        author_slugs=("dee", "jay"),
        embed_url=EMBED_URL,
    )
    reader = Client()
    # One entry with every kind of block, kept until its renditions and embeds are cached
    # outside any example's savepoint; the live page's scripts with an entry on it are counted.
    admin = writer_for(superuser)
    payload = {"headline": "Every block", "body": every_block(refs), "authors": ["dee"]}
    response = admin.api.post(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", payload, "json")
    assert response.status_code == 201, response.content
    page = reader.get(feed.url).content.decode()
    site = FuzzSite(
        feed=feed, refs=refs, reader=reader, scripts_on_page=len(SCRIPT_TAG.findall(page))
    )
    check_accepted(site, admin, response)
    LiveEntry.objects.filter(pk=response.json()["id"]).delete()
    return site


# One example ----------------------------------------------------------------------------------


def post(site: FuzzSite, writer: Writer, request: tuple[bytes, str, Any]):
    raw, content_type, _what = request
    try:
        return writer.api.generic("POST", site.entries_url, raw, content_type=content_type)
    except Exception as error:  # noqa: BLE001 - a 500 for the client, whatever it was
        raise AssertionError(f"the POST raised (a 500): {type(error).__name__}: {error}") from error


# What the contract lets a POST by a token user answer: created; a bad body; a body too large;
# not JSON; and, for a contributor publishing, forbidden (a document they may not choose is a
# bad body: a 400 naming it).
SUPERUSER_STATUSES = {201, 400, 413, 415}
CONTRIBUTOR_STATUSES = SUPERUSER_STATUSES | {403}
DETAIL_WORDS = {403: "publish", 413: "too large", 415: "media type"}


def exercise(
    site: FuzzSite, writer: Writer, request: tuple[bytes, str, Any], allowed: set[int]
) -> int:
    """Send one request and check the properties; returns the status. Runs in a savepoint that
    is rolled back, so examples don't see each other."""
    cache.clear()
    with transaction.atomic():
        before = (LiveEntry.objects.count(), delta.current_version(site.feed))
        state = checks.database_state()
        response = post(site, writer, request)
        status = response.status_code
        assert status in allowed, (status, response.content[:500])
        kind = None
        if status == 201:
            kind = response.json()["status"]
            assert LiveEntry.objects.count() == before[0] + 1
            assert delta.current_version(site.feed) > before[1]
            check_accepted(site, writer, response)
        else:
            assert response["Content-Type"].startswith("application/problem+json"), (
                status,
                response["Content-Type"],
                response.content[:300],
            )
            problem = json.loads(response.content)
            assert problem["status"] == status
            if problem.get("errors"):  # the detail names every bad field
                assert all(name in problem["detail"] for name in problem["errors"]), problem
            elif status in DETAIL_WORDS:
                assert DETAIL_WORDS[status] in problem["detail"].lower(), problem
            else:  # a JSON parse error
                assert problem["detail"], problem
            changed = checks.changes(state, checks.database_state())
            assert not changed, f"a {status} answer, but something was saved: {changed}"
        transaction.set_rollback(True)
    # `pytest --hypothesis-show-statistics` shows how the examples were answered.
    event(f"status {status}" + (f" ({kind})" if status == 201 else ""))
    return status


def check_accepted(site: FuzzSite, writer: Writer, response) -> None:
    pk = response.json()["id"]
    entry = LiveEntry.objects.get(pk=pk)
    anchor = f'id="entry-{pk}"'

    problems = stored_problems(entry)
    assert not problems, problems
    # What the validator stored, it accepts again; the content check would not flag it.
    assert stored_bodies.body_problems(entry.body) == []
    validation.clean_entry_body(list(entry.body.raw_data), writer.user)
    # Reader surfaces leave out a block that fails (and log it): none may fail.
    assert rendering.failing_blocks(entry.body) == []
    for item in entry.body.raw_data:
        event(f"accepted block: {item['type']}")

    feed = site.feed
    fragments = site.reader.get(f"/newsfeed/live/{feed.pk}/fragments/", {"ids": pk})
    assert fragments.status_code == 200
    detail = site.reader.get(f"{site.entries_url}{pk}/")
    if entry.is_published:
        page = site.reader.get(feed.url)
        assert page.status_code == 200
        page_html = page.content.decode()
        assert anchor in page_html
        assert len(SCRIPT_TAG.findall(page_html)) == site.scripts_on_page
        for data in JSON_LD.findall(page_html):
            json.loads(data)

        entry_html = fragments.json()["entries"][str(pk)]
        assert anchor in entry_html
        assert not markup_problems(entry_html), (markup_problems(entry_html), entry_html)

        assert detail.status_code == 200
        assert len(detail.json()["body"]) == len(entry.body.raw_data)
        for block in detail.json()["body"]:
            value = block["value"]
            shown = value if block["type"] == "paragraph" else None
            if block["type"] == "fact_box":
                shown = value.get("body")
            if shown is not None:
                assert not markup_problems(shown), (markup_problems(shown), shown)

        for fmt in ("rss", "atom"):
            syndication = site.reader.get(f"/newsfeed/feeds/live/{feed.pk}.{fmt}")
            assert syndication.status_code == 200
            ElementTree.fromstring(syndication.content)
            assert f"#entry-{pk}".encode() in syndication.content
    else:
        assert str(pk) not in fragments.json()["entries"]
        assert detail.status_code == 404

    console = writer.admin.get(f"/admin/newsfeed/feeds/{feed.pk}/console/")
    assert console.status_code == 200
    assert f"console-entry-{pk}" in console.content.decode()
    edit = writer.admin.get(f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{pk}/edit/")
    assert edit.status_code == 200
    assert "could not be shown" not in edit.content.decode()


# The properties -------------------------------------------------------------------------------


@pytest.fixture
def superuser_writer(fuzz_site, superuser) -> Writer:
    return writer_for(superuser)


@pytest.fixture
def contributor_writer(fuzz_site, contributor) -> Writer:
    """The feed's contributor (may save drafts, not publish them), who may also choose images
    but not documents: both a granted and a refused chooser are tried."""
    GroupCollectionPermission.objects.create(
        group=contributor.groups.get(),
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="choose_image"),
    )
    return writer_for(contributor)


@fuzz_seed
@FUZZ_SETTINGS
@given(data=st.data())
def test_random_writes_by_a_superuser_never_fail_and_what_is_saved_renders(
    data, fuzz_site, superuser_writer
):
    requests = strategies.requests(fuzz_site.refs)
    exercise(fuzz_site, superuser_writer, data.draw(requests, label="request"), SUPERUSER_STATUSES)


@fuzz_seed
@FUZZ_SETTINGS
@given(data=st.data())
def test_random_writes_by_a_contributor_never_fail_and_drafts_render(
    data, fuzz_site, contributor_writer
):
    requests = strategies.requests(fuzz_site.refs, drafts=True)
    request = data.draw(requests, label="request")
    exercise(fuzz_site, contributor_writer, request, CONTRIBUTOR_STATUSES)


# What the fuzz tests found -----------------------------------------------------------------------
# Minimal reproductions, kept as regression tests.

NON_ELEMENT_MARKUP = {
    # html.parser keeps a CDATA section whole (to "]]>") and BeautifulSoup writes it back
    # verbatim; a browser ends the bogus comment at the first ">" and runs the script, on the
    # live page, in the API's HTML and in the editors' console.
    "cdata": "<p>Hi<![CDATA[><script>alert(1)</script>]]></p>",
    "cdata around an image": "<p>Hi<![CDATA[><img src=x onerror=alert(1)>]]></p>",
    # Processing instructions and IE conditional sections are written back verbatim, markup
    # inside them included (browsers read them as comments: markup no editor could write).
    "processing instruction": "<p>Hi<?x <script>alert(1)?></p>",
    "conditional section": "<p>Hi<![if x]><script>alert(1)</script><![endif]></p>",
    # A doctype is kept, and each cleaning adds a newline after it: check_newsfeed_content
    # reports the validator's own output as "markup the editor cannot write".
    "doctype": "<p>Hi<!DOCTYPE html>there</p>",
}


@pytest.mark.parametrize("markup", NON_ELEMENT_MARKUP.values(), ids=list(NON_ELEMENT_MARKUP))
def test_cdata_processing_instructions_and_doctypes_are_removed(
    fuzz_site, superuser_writer, markup
):
    body = {"body": [{"type": "paragraph", "value": markup}]}
    response = superuser_writer.api.post(fuzz_site.entries_url, body, "json")
    assert response.status_code == 201, response.content  # cleaned, not refused
    pk = response.json()["id"]
    entry = LiveEntry.objects.get(pk=pk)
    stored = entry.body.raw_data[0]["value"]
    assert not markup_problems(stored), stored
    assert stored_bodies.body_problems(entry.body) == []
    fragments = fuzz_site.reader.get(f"/newsfeed/live/{fuzz_site.feed.pk}/fragments/", {"ids": pk})
    shown = fragments.json()["entries"][str(pk)]
    assert not markup_problems(shown), shown


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59", "9999-12-31T19:00:00"])
def test_a_naive_display_time_late_in_9999_is_a_400(fuzz_site, superuser, when):
    # DRF makes the naive time aware in TIME_ZONE (New York), then its own validity check
    # converts it to UTC: year 10000, an OverflowError.
    token, _created = Token.objects.get_or_create(user=superuser)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"body": [{"type": "paragraph", "value": "<p>x</p>"}], "display_time": when}
    with checks.nothing_saved():
        response = client.post(fuzz_site.entries_url, body, "json")
    checks.assert_problem(response, 400, "display_time")
    assert "display_time" in response.json()["errors"]


def test_the_validator_cleans_a_lone_surrogate_for_any_caller(db):
    # Importers and other Python callers reach the validator without the API's parser.
    cleaned = validation.clean_entry_body([{"type": "paragraph", "value": "<p>a\ud800b</p>"}])
    assert cleaned.raw_data[0]["value"] == "<p>ab</p>"
