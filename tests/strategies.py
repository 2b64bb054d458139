"""Hypothesis strategies for ``tests/test_write_fuzz.py``: live-entry write requests that mix
valid and hostile values at every level of the request.

Everything here is a plain function of ``Refs`` (the ids of objects that exist), so the same
strategies work for any database and any test: nothing is registered globally.

A request is drawn as ``(body bytes, content type, what it was)``; ``what`` is the JSON value
before encoding (or a short description of a raw body), for the failure report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

BLOCK_TYPES = (
    "paragraph",
    "heading",
    "image",
    "quote",
    "pull_quote",
    "embed",
    "key_points",
    "fact_box",
    "table",
    "related_article",
    "document",
    "source_credit",
    "timeline",
)


@dataclass(frozen=True)
class Refs:
    """Ids of objects that exist (and some that are the wrong kind) for chooser values."""

    image: int
    document: int
    article: int  # a published news article
    hidden_article: int  # an unpublished news article
    page: int  # a page that is not an article (the news index)
    feed: int  # the live feed page itself
    source: int
    author_slugs: tuple[str, ...]
    embed_url: str  # an embed already in Wagtail's embed cache (no finder is asked)


# Text -----------------------------------------------------------------------------------------

#: Characters that break XML, JSON, UTF-8 or layout: controls, non-characters, lone surrogates,
#: bidi overrides, RTL scripts, emoji sequences, separators, HTML-significant characters.
AWKWARD = (
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\t",
    "\n",
    "\r",
    "\x7f",
    "\x85",
    "\xa0",
    "\ufffe",
    "\uffff",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\udbff\udfff",  # a valid pair written as two escapes
    "\u202e",
    "\u200f",
    "\u2028",
    "\u200b",
    "שלום",
    "مرحبا بالعالم",
    "😀",
    "👩\u200d👩\u200d👧",
    "\U0010ffff",
    "&amp;",
    "&lt;",
    "&#0;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "\\",
    "]]>",
    "%s",
    "{{ x }}",
    "{% if %}",
)

#: Markup that must never reach a reader as markup (plain-text fields must escape it; rich text
#: must strip it).
HOSTILE_TEXT = (
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "<!--",
    "-->",
)

short_text = st.text(max_size=12)
text = st.lists(
    st.one_of(short_text, st.sampled_from(AWKWARD), st.sampled_from(HOSTILE_TEXT)), max_size=6
).map("".join)
#: Text an editor might type: never blank, sometimes awkward.
words = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)
tidy_text = st.one_of(
    st.text(
        st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1, max_size=20
    ),
    text,
).map(lambda s: s if s.strip() else s + "x")
too_long = st.integers(250, 700).map(lambda n: "x" * n)

# Ids ------------------------------------------------------------------------------------------

ABSURD_IDS = (
    0,
    -1,
    -(10**30),
    10**18 - 1,
    10**18,
    2**63 - 1,
    2**63,
    2**64,
    10**30,
    1.0,
    1.5,
    1e3,
    1e308,
    True,
    False,
    "",
    " ",
    "abc",
    "1e3",
    "０１",
    "٣",
    "²",
    " 12",
    "12 ",
    "0x10",
    "-1",
    "+1",
    "1_000",
    "1.0",
    "9" * 19,
    "9" * 30,
    "\x00",
    [],
    {},
    [1],
    {"id": 1},
)


def id_values(*existing: int) -> st.SearchStrategy[Any]:
    """An id that exists (as a number or a string), doesn't exist, or is absurd."""
    real = st.sampled_from(existing)
    return st.one_of(
        real,
        real,
        real.map(str),
        real.map(lambda pk: f" {pk}"),
        real.map(lambda pk: [pk]),
        st.integers(min_value=1, max_value=10**6),
        st.integers(),
        st.sampled_from(ABSURD_IDS),
        text,
        st.none(),
    )


# Rich text ------------------------------------------------------------------------------------

ALLOWED_MARKUP = (
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<strong>",
    "</strong>",
    "<em>",
    "</em>",
    "<ol>",
    "</ol>",
    "<ul>",
    "</ul>",
    "<li>",
    "</li>",
    "<sup>",
    "</sup>",
    "<br>",
    "<br/>",
    "<h2>",
    "</h2>",
    '<a href="https://example.com/?q=1&amp;r=2">',
    '<a href="/relative/path">',
    '<a href="mailto:desk@example.com">',
    '<a href="#top">',
    "</a>",
)

HOSTILE_MARKUP = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<script><img src=x onerror=alert(1)></script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">',
    '<a href=" JaVa\tScRiPt:alert(1)">',
    '<a href="jav&#x09;ascript:alert(1)">',
    '<a href="&#106;avascript:alert(1)">',
    '<a href="\x01javascript:alert(1)">',
    '<a href="java\x00script:alert(1)">',
    '<a href="vbscript:msgbox(1)">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "<a href=javascript:alert(1)>",
    "<a/href=javascript:alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    '<p style="background:url(javascript:alert(1))">',
    '<b style="color:red">',
    "<style>*{{x:expression(alert(1))}}</style>",
    "<!-- comment -->",
    "<!--<script>alert(1)</script>-->",
    "<!--x--!><script>alert(1)</script>-->",
    "<p>{{{{ 7|add:7 }}}}{{% now 'Y' %}}</p>",
    "<b",
    "<a href='x'",
    "<p onmouseover=alert(1)>",
    "<p/onclick=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">',
    "<form action=javascript:alert(1)><button>",
    '<object data="javascript:alert(1)">',
    "<embed src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:/>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    '<embed embedtype="image" id="{image}" format="left" alt="x onerror=alert(1)"/>',
    '<a linktype="page" id="{article}" href="javascript:alert(1)">',
    '<a data-linktype="page" data-id="{article}" onclick="alert(1)">',
    '<a linktype="document" id="{document}" style="x">',
    "</p><script>",
    "<<script>>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;",
)

#: Markup that Python's ``html.parser`` (the sanitiser's parser) reads as CDATA, a processing
#: instruction or a doctype, which the whitelister must remove (it once kept them).
#: Browsers read the first two as a bogus comment ending at the first ``>``.
NON_ELEMENT_PIECES = (
    "<![CDATA[><script>alert(1)</script>]]>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?x <script>alert(1)?>",
    "<![if x]><script>alert(1)</script><![endif]>",
    "<!DOCTYPE html>",
    "<![CDATA[",
    "]]>",
)

LINK_TYPES = ("page", "document", "image", "external", "email", "bogus", "")


def link_markup(refs: Refs, *, tidy: bool = False) -> st.SearchStrategy[str]:
    """Internal links in stored form or editor form, with good, missing and absurd ids (only
    good ones when ``tidy``)."""
    pages = (refs.article, refs.hidden_article, refs.page, refs.feed)
    if tidy:
        page_ids = st.sampled_from(pages)
        document_ids = st.just(refs.document)
        return st.one_of(
            page_ids.map(lambda pk: f'<a linktype="page" id="{pk}">'),
            document_ids.map(lambda pk: f'<a linktype="document" id="{pk}">'),
            page_ids.map(lambda pk: f'<a data-linktype="page" data-id="{pk}">'),
        )
    page_ids = id_values(*pages, 1)
    document_ids = id_values(refs.document)

    def attr(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    stored = st.builds(
        lambda kind, pk: f'<a linktype="{kind}" id="{attr(pk)}">',
        st.sampled_from(LINK_TYPES),
        st.one_of(page_ids, document_ids),
    )
    page = page_ids.map(lambda pk: f'<a linktype="page" id="{attr(pk)}">')
    document = document_ids.map(lambda pk: f'<a linktype="document" id="{attr(pk)}">')
    editor = st.builds(
        lambda kind, pk: f'<a data-linktype="{kind}" data-id="{attr(pk)}">',
        st.sampled_from(("page", "document")),
        st.one_of(page_ids, document_ids),
    )
    return st.one_of(
        page,
        document,
        stored,
        editor,
        st.just('<a linktype="page">'),
        st.just('<a linktype="document" id="">'),
    )


def rich_text(refs: Refs, *, tidy: bool = False) -> st.SearchStrategy[str]:
    """HTML mixing the editor's features with hostile markup, internal links and awkward text.
    ``tidy``: every link points at something that exists, so the sanitiser alone decides."""
    ids = {"article": refs.article, "document": refs.document, "image": refs.image}
    hostile = st.sampled_from(HOSTILE_MARKUP).map(lambda markup: markup.format(**ids))
    pieces = [
        st.sampled_from(ALLOWED_MARKUP),
        st.sampled_from(ALLOWED_MARKUP),
        hostile,
        link_markup(refs, tidy=tidy),
        text,
        short_text,
    ]
    pieces.append(st.sampled_from(NON_ELEMENT_PIECES))
    markup = st.lists(st.one_of(*pieces), max_size=12).map("".join)
    if tidy:  # with some text that survives cleaning, so that the value is not empty
        return st.builds(
            lambda before, middle, after: before + middle + after, markup, words, markup
        )
    return markup


# Junk -----------------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from((10**30, -(10**30), 2**63)),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)


def nested_lists(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


#: Values of the wrong shape for any field: containers where scalars belong, deep nesting.
junk = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.sampled_from(("type", "value", "id", "x", "")), scalars, max_size=3),
    st.integers(2, 80).map(nested_lists),
    st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(short_text, children, max_size=3)
        ),
        max_leaves=8,
    ),
)


def either(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], mess: bool):
    return st.one_of(good, good, bad) if mess else good


@st.composite
def struct(draw, fields: dict[str, st.SearchStrategy[Any]], *, mess: bool, required=()):
    """A struct value: each field present or not (required ones mostly present), plus, when
    messing, unknown keys."""
    value = {}
    for name, strategy in fields.items():
        present = draw(st.booleans()) if mess or name not in required else True
        if present or draw(st.integers(0, 9)) == 0:
            value[name] = draw(strategy)
    if mess and draw(st.booleans()):
        value[draw(short_text)] = draw(junk)
    return value


# Block values ---------------------------------------------------------------------------------


def plain(mess: bool, *, required: bool = False) -> st.SearchStrategy[Any]:
    good = tidy_text if required else st.one_of(tidy_text, st.just(""), text)
    return either(good, st.one_of(too_long, junk, st.just("")), mess)


def table_value(mess: bool) -> st.SearchStrategy[Any]:
    cell = st.one_of(
        tidy_text,
        text,
        st.none(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
    )
    count = st.integers(0, 6)
    bad_count = st.sampled_from((-1, 10_001, 10**30, True, "1", 1.0, None))
    if mess:
        cell = st.one_of(
            cell, cell, st.lists(scalars, max_size=2), st.dictionaries(short_text, scalars)
        )
        count = st.one_of(count, count, bad_count)
    rows = st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=4)
    if mess:
        rows = st.one_of(rows, rows, st.lists(st.one_of(cell, st.lists(cell)), max_size=4), junk)
    meta = struct(
        {
            "row": count,
            "col": count,
            "className": either(tidy_text, junk, mess),
            "hidden": either(st.booleans(), junk, mess),
        },
        mess=mess,
        required=("row", "col"),
    )
    merge = struct(
        {"row": count, "col": count, "rowspan": count, "colspan": count},
        mess=mess,
        required=("row", "col", "rowspan", "colspan"),
    )
    choice = st.sampled_from(("row", "column", "col", "both", "neither", ""))
    return struct(
        {
            "data": rows,
            "table_header_choice": either(choice, junk, mess),
            "first_row_is_table_header": either(st.booleans(), junk, mess),
            "first_col_is_header": either(st.booleans(), junk, mess),
            "table_caption": plain(mess),
            "cell": either(st.lists(meta, max_size=3), junk, mess),
            "mergeCells": either(st.lists(merge, max_size=2), junk, mess),
        },
        mess=mess,
        required=("data",),
    )


def list_items(item: st.SearchStrategy[Any], mess: bool) -> st.SearchStrategy[Any]:
    """A list block's items, plain or in Wagtail's ``{type: item, value, id}`` form."""
    wrapped = st.builds(
        lambda value, item_id: {"type": "item", "value": value, "id": item_id},
        item,
        st.one_of(st.uuids().map(str), junk),
    )
    items = st.lists(st.one_of(item, wrapped), min_size=0 if mess else 1, max_size=6)
    return either(items, junk, mess)


def block_value(kind: str, refs: Refs, mess: bool) -> st.SearchStrategy[Any]:
    """A value for a block of ``kind``: well formed (hostile only where the server must clean:
    text and rich-text markup), or, when ``mess``, wrong anywhere."""
    html = rich_text(refs, tidy=not mess)
    html = either(html, st.one_of(junk, st.just("")), mess)

    def chooser(*existing: int, wrong: tuple[int, ...] = ()) -> st.SearchStrategy[Any]:
        good = st.sampled_from(existing)
        return st.one_of(good, id_values(*existing, *wrong)) if mess else good

    fields: dict[str, dict[str, st.SearchStrategy[Any]]] = {
        "heading": {
            "text": plain(mess, required=True),
            "level": either(st.sampled_from(("h2", "h3")), st.sampled_from(("h1", "", 2)), mess),
        },
        "image": {
            "image": chooser(refs.image),
            "alt_text": plain(mess),
            "caption": plain(mess),
            "credit": plain(mess),
        },
        "quote": {"text": plain(mess, required=True), "attribution": plain(mess)},
        "pull_quote": {"text": plain(mess, required=True), "attribution": plain(mess)},
        "embed": {
            "embed": either(
                st.just(refs.embed_url),
                st.one_of(
                    st.sampled_from(
                        (
                            " " + refs.embed_url,
                            refs.embed_url.upper(),
                            "https://nothing.invalid/video/1",
                            "javascript:alert(1)",
                            "data:text/html,<script>alert(1)</script>",
                        )
                    ),
                    junk,
                ),
                mess,
            ),
            "caption": plain(mess),
        },
        "key_points": {
            "title": plain(mess),
            "points": list_items(plain(mess, required=True), mess),
        },
        "fact_box": {"title": plain(mess, required=True), "body": html},
        "related_article": {
            "page": chooser(refs.article, refs.hidden_article, wrong=(refs.page, refs.feed)),
            "label": plain(mess),
        },
        "document": {"document": chooser(refs.document), "title": plain(mess)},
        "source_credit": {"source": chooser(refs.source), "note": plain(mess)},
        "timeline": {
            "title": plain(mess),
            "events": list_items(
                struct(
                    {
                        "when": plain(mess, required=True),
                        "title": plain(mess, required=True),
                        "description": plain(mess),
                    },
                    mess=mess,
                    required=("when", "title"),
                ),
                mess,
            ),
        },
    }
    required = {
        "heading": ("text",),
        "image": ("image",),
        "quote": ("text",),
        "pull_quote": ("text",),
        "embed": ("embed",),
        "key_points": ("points",),
        "fact_box": ("title", "body"),
        "related_article": ("page",),
        "document": ("document",),
        "source_credit": ("source",),
        "timeline": ("events",),
    }
    if kind == "paragraph":
        good = html
    elif kind == "table":
        good = table_value(mess)
    else:
        good = struct(fields[kind], mess=mess, required=required[kind])
    if mess:
        # The wrong shape for this kind: a list where a struct belongs, a struct for rich text.
        return st.one_of(good, good, junk, st.lists(good, max_size=2))
    return good


@st.composite
def block(draw, refs: Refs, *, mess: bool):
    """One block: usually ``{type, value}`` of a known kind, otherwise anything at all."""
    if mess and draw(st.integers(0, 4)) == 0:
        return draw(
            st.one_of(
                junk,
                st.fixed_dictionaries(
                    {"type": st.one_of(scalars, st.lists(scalars, max_size=2)), "value": junk}
                ),
                st.fixed_dictionaries({"type": st.sampled_from(("Paragraph", "script", ""))}),
                st.fixed_dictionaries({"value": junk}),
            )
        )
    kind = draw(st.sampled_from(BLOCK_TYPES))
    item: dict[str, Any] = {"type": kind}
    if not mess or draw(st.integers(0, 9)):
        item["value"] = draw(block_value(kind, refs, mess))
    if draw(st.booleans()):
        ids = st.one_of(st.uuids().map(str), st.sampled_from(("", "x" * 65, "dup", "a\nb")))
        item["id"] = draw(st.one_of(ids, junk) if mess else ids)
    return item


@st.composite
def body(draw, refs: Refs, *, tidy: bool):
    """A list of blocks. ``tidy``: every block well formed, or all but one; otherwise anything
    anywhere, or not a list at all."""
    shape = draw(st.sampled_from(("tidy",) * 5 + ("one bad",))) if tidy else "messy"
    if shape == "messy" and draw(st.integers(0, 4)) == 0:
        return draw(junk)
    blocks = []
    size = draw(st.integers(0 if shape == "messy" else 1, 6))
    bad = draw(st.integers(0, size - 1)) if shape == "one bad" else -1
    for index in range(size):
        mess = shape == "messy" or index == bad
        blocks.append(draw(block(refs, mess=mess)))
    return blocks


# Other fields ---------------------------------------------------------------------------------

DISPLAY_TIMES = (
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00",
    "1899-12-31T23:59:59Z",
    "1900-01-01T00:00:00Z",
    "1900-01-01T00:00:00-05:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59",
    "2024-02-30T00:00:00Z",
    "2024-03-10T02:30:00",  # skipped by DST in New York
    "2024-11-03T01:30:00",  # ambiguous in New York
    "2024-01-01T00:00:00+99:00",
    "2024-01-01T25:00:00Z",
    "2024-01-01",
    "2024-01-01T00:00:00.123456789Z",
    "now",
    "",
    " ",
    "1e3",
    "\x002024-01-01T00:00:00Z",
)


def display_times(*, tidy: bool) -> st.SearchStrategy[Any]:
    """ISO times: in the past (tidy: 1900 to 2024, with or without a zone) or anything."""
    from datetime import UTC, datetime, timedelta, timezone

    zones = st.one_of(
        st.none(),
        st.just(UTC),
        st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
    )
    past = st.datetimes(
        min_value=datetime(1900, 1, 2), max_value=datetime(2024, 12, 31), timezones=zones
    ).map(lambda d: d.isoformat())
    if tidy:
        return st.one_of(past, st.none(), st.sampled_from(DISPLAY_TIMES[10:12]))
    anywhen = st.datetimes(timezones=zones)
    anywhen = anywhen.map(lambda d: d.isoformat())
    return st.one_of(st.sampled_from(DISPLAY_TIMES), past, anywhen, st.none(), scalars)


def author_lists(refs: Refs, *, tidy: bool) -> st.SearchStrategy[Any]:
    """Author slugs: existing ones (tidy: each once, NUL bytes aside) or anything, duplicates
    and NUL bytes included."""
    real = st.sampled_from(refs.author_slugs)
    if tidy:
        return (
            st.lists(real, max_size=2, unique=True)
            .flatmap(
                lambda slugs: st.tuples(
                    *(st.sampled_from((s, s + "\x00", "\x00" + s)) for s in slugs)
                )
            )
            .map(list)
        )
    slug = st.one_of(
        real,
        real.map(lambda s: s + "\x00"),
        real.map(lambda s: "\x00" + s.upper()),
        st.sampled_from(("nobody", "", " ", "\x00", "a" * 300, "ΣΑΣ", "-", "../x")),
        text,
        st.integers(),
        st.none(),
    )
    return st.one_of(st.lists(slug, max_size=12), junk)


STATUSES = ("published", "draft", "", "DRAFT", "Published", "scheduled", "shouting")
BOOLEANS = (True, False, "true", "false", "yes", "on", 1, 0, 2, "maybe", None, [], "")


@st.composite
def payload(draw, refs: Refs, *, drafts: bool):
    """The JSON a client posts. Mostly tidy: an object with a (mostly) well-formed body and
    valid other fields, hostile only where the server must clean (text, markup). Otherwise
    anything anywhere. ``drafts``: for a contributor, who may only save drafts."""
    tidy = draw(st.integers(0, 9)) < 7
    if not tidy and draw(st.integers(0, 9)) == 0:
        return draw(junk)  # not an object at all
    data: dict[str, Any] = {}
    if tidy or draw(st.integers(0, 9)):
        data["body"] = draw(body(refs, tidy=tidy))
    if draw(st.booleans()):
        headline = st.one_of(tidy_text, text) if tidy else st.one_of(text, too_long, scalars)
        data["headline"] = draw(headline)
    if tidy:
        status = st.sampled_from(("draft",) * 9 + ("published",) if drafts else STATUSES[:2])
    else:
        status = st.one_of(st.sampled_from(STATUSES), scalars)
    if (drafts or draw(st.booleans())) and draw(st.integers(0, 9)):
        data["status"] = draw(status)
    booleans = st.booleans() if tidy else st.sampled_from(BOOLEANS)
    if draw(st.integers(0, 2)) == 0:
        data["is_key_event"] = draw(booleans)
    if draw(st.integers(0, 4 if drafts and tidy else 2)) == 0:
        data["is_pinned"] = draw(booleans)
    if draw(st.integers(0, 2)) == 0:
        data["display_time"] = draw(display_times(tidy=tidy))
    if draw(st.integers(0, 2)) == 0:
        data["authors"] = draw(author_lists(refs, tidy=tidy))
    if draw(st.integers(0, 15)) == 0:
        data[draw(short_text)] = draw(junk)  # unknown fields are ignored
    return data


JSON = "application/json"
CONTENT_TYPES = (
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    "application/json; charset=utf-16",
    "application/json; charset=no-such-charset",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
)


@st.composite
def raw_request(draw, refs: Refs):
    """A body that is not valid JSON, or is JSON the parser must refuse (deep, huge, odd)."""
    good = json.dumps({"body": [{"type": "paragraph", "value": "<p>x</p>"}], "status": "draft"})
    choice = draw(
        st.sampled_from(
            (
                "garbage",
                "deep",
                "deep body",
                "big body",
                "many blocks",
                "big ints",
                "constants",
                "bom",
                "bad utf-8",
                "content type",
                "truncated",
                "too large",
            )
        )
    )
    content_type = JSON
    if choice == "garbage":
        raw = draw(st.one_of(text, st.sampled_from(("", "{", "[", "null", "{'body': []}", "]"))))
    elif choice == "deep":
        depth = draw(st.sampled_from((63, 64, 65, 100, 1000, 5000, 100_000)))
        raw = "[" * depth + "]" * depth
    elif choice == "deep body":
        depth = draw(st.integers(8, 70))
        inner = json.dumps(nested_lists(depth))
        kind = draw(st.sampled_from(BLOCK_TYPES))
        raw = json.dumps({"body": [{"type": kind, "value": "__INNER__"}]}).replace(
            '"__INNER__"', inner
        )
    elif choice == "big body":
        size = draw(st.sampled_from((63_000, 64_500, 70_000)))
        raw = json.dumps(
            {"body": [{"type": "paragraph", "value": "<p>" + "x" * size + "</p>"}]},
            ensure_ascii=True,
        )
    elif choice == "many blocks":
        count = draw(st.sampled_from((499, 500, 501, 2000)))
        raw = json.dumps({"body": [{"type": "paragraph", "value": "<p>x</p>"}] * count})
    elif choice == "big ints":
        digits = draw(st.sampled_from((19, 30, 4300, 4301, 10_000)))
        raw = '{"body": [{"type": "image", "value": {"image": ID}}]}'.replace("ID", "9" * digits)
    elif choice == "constants":
        value = draw(st.sampled_from(("NaN", "Infinity", "-Infinity", "1e999", "-0", "1E400")))
        raw = '{"body": [{"type": "table", "value": {"data": [[VALUE]]}}]}'.replace("VALUE", value)
    elif choice == "bom":
        raw = "\ufeff" + good
    elif choice == "bad utf-8":
        return (b'{"body": [{"type": "paragraph", "value": "<p>\xff\xfe\xc3</p>"}]}', JSON, choice)
    elif choice == "content type":
        content_type = draw(st.sampled_from(CONTENT_TYPES))
        raw = good
    elif choice == "too large":  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
        raw = json.dumps({"body": [{"type": "paragraph", "value": "x" * 2_700_000}]})
    else:  # truncated
        cut = draw(st.integers(1, len(good) - 1))
        raw = good[:cut]
    return (raw.encode("utf-8", "surrogatepass"), content_type, f"raw ({choice}): {raw[:200]!r}")


def encode(data: Any, *, ascii_only: bool) -> tuple[bytes, str, Any]:
    """JSON with every non-ASCII character escaped (lone surrogates reach the server as
    ``\\ud800``), or as UTF-8 (where a lone surrogate is bytes no decoder accepts)."""
    if ascii_only:
        return (json.dumps(data, ensure_ascii=True).encode("ascii"), JSON, data)
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return (raw, "application/json; charset=utf-8", data)


def requests(refs: Refs, *, drafts: bool = False):
    """``(body bytes, content type, what)`` for a POST to a feed's entries endpoint."""
    as_json = st.builds(
        encode, payload(refs, drafts=drafts), ascii_only=st.integers(0, 3).map(bool)
    )
    return st.one_of(as_json, as_json, as_json, as_json, as_json, as_json, raw_request(refs))
