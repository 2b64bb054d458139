"""Rich text as the app accepts it: whitelisted by the editor's own rules, whatever door it came by.

Draftail (the admin's editor) can only produce what its features allow, but the API, crafted
form posts and importers send HTML. ``sanitise`` puts any of it through Wagtail's whitelister for
the block's features, exactly the rules the editor applies, so what is stored is what an editor
could have written, in the shape the editor gives it back (no block nested in a paragraph:
saving unchanged in the editor changes nothing). Input may use the stored form of internal
links (``<a linktype="page" id="3">``, what API clients and exports carry) or the editor form
(``data-linktype``/``data-id``).

``clean_stored`` does the same on the way out: stored rich text is put through the same
whitelist before any reader, API client or feed sees it, so a value stored around the validator
(an ORM ``update()``, a data migration, a script, rows older than a rule) cannot reach a page.

``references`` lists the internal links and embeds of stored rich text, for the validator to
check that each id is well formed and points at something the writer may choose.

``register_sturdy_link_conversion`` makes Draftail open rich text whose link ids are not ids
(crafted posts, old data): Wagtail's converters look each linked page or document up with the id
as written, and one bad id would fail the whole edit form.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import PreformattedString
from wagtail.admin.rich_text.converters.editor_html import (
    DbWhitelister,
    EditorHTMLConverter,
    WhitelistRule,
)
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    HorizontalRuleHandler,
    HtmlToContentStateHandler,
    InlineStyleElementHandler,
    LinkElementHandler,
    PageLinkElementHandler,
)
from wagtail.documents.rich_text.contentstate import DocumentLinkElementHandler
from wagtail.rich_text import features as feature_registry
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs
from wagtail.whitelist import allow_without_attributes

from .converters import parse_id
from .xml import xml_safe


def _escape(text: str) -> str:
    """Escape what HTML needs (``& < > "``; attributes are always double-quoted), leaving
    apostrophes as Draftail writes them so the stored text round-trips unchanged."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


#: How deep rich text may nest (a list in a list item counts two): far more than any editor makes,
#: and well within Wagtail's whitelister, which walks the tree recursively.
MAX_NESTING = 60


class NestingError(ValueError):
    """Rich text nested deeper than ``MAX_NESTING`` elements."""


def _deepest(doc: Any) -> int:
    """How many elements deep ``doc`` nests, found level by level (never recursively)."""
    depth, level = 0, [doc]
    while level:
        level = [child for node in level for child in getattr(node, "contents", ()) if child.name]
        depth += bool(level)
        if depth > MAX_NESTING:
            break
    return depth


class _Whitelister(DbWhitelister):
    """Wagtail's whitelister (same parser and rules), reading stored-form links too."""

    def clean_string_node(self, doc: Any, node: Any) -> None:
        # Wagtail's removes comments but keeps CDATA sections, processing instructions and
        # doctypes, and writes them back unescaped: "<![CDATA[><script>..." then runs in a
        # browser, which ends the section at the first ">". Text is all this keeps.
        if isinstance(node, PreformattedString):
            node.extract()

    def clean(self, html: str) -> str:
        doc = BeautifulSoup(html, "html.parser")
        if _deepest(doc) > MAX_NESTING:
            raise NestingError(f"nested more than {MAX_NESTING} elements deep")
        for tag in doc.find_all(["a", "embed"]):
            kind = "linktype" if tag.name == "a" else "embedtype"
            if kind in tag.attrs and f"data-{kind}" not in tag.attrs:
                tag[f"data-{kind}"] = tag.attrs.pop(kind)
                for name in ("id", "format", "alt"):
                    if name in tag.attrs:
                        tag[f"data-{name}"] = tag.attrs.pop(name)
            if f"data-{kind}" in tag.attrs:
                # Wagtail's handlers read data-id without a default (a KeyError, a 500):
                # an empty id is kept so the validator can name the broken link instead.
                tag.attrs.setdefault("data-id", "")
        self.clean_node(doc, doc)
        for item in doc.find_all("li"):
            if item.find_parent(["ol", "ul"]) is None:  # a list item pasted without its list
                item.name = "p"
        _take_blocks_out_of_text_blocks(doc)
        _unwrap_text_blocks_in_list_items(doc)
        _lines_only_between_blocks(doc)
        return doc.decode(formatter=_escape)


#: Draftail's blocks that hold text only, and everything it reads as a block of its own.
TEXT_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")
BLOCKS = (*TEXT_BLOCKS, "ul", "ol", "li", "hr", "embed")


def _blank(nodes: list[Any]) -> bool:
    """Whether ``nodes`` show nothing: no text but spaces, and no line break."""
    for node in nodes:
        if node.name == "br" or (node.name and node.find("br")):
            return False
        text = node.get_text() if node.name else str(node)
        if text.strip():
            return False
    return True


def _take_blocks_out_of_text_blocks(doc: Any) -> None:
    """``<p>x<p>y</p></p>`` as ``<p>x</p><p>y</p>``: a block in a paragraph (or a heading) is
    split out of it, and blank paragraphs around or in it go. Browsers and Draftail both split
    it (browsers showing the blank pieces as gaps), so stored as sent, saving the entry
    unchanged in the editor would change it. Innermost first: one pass takes any depth apart."""
    for outer in reversed(doc.find_all(TEXT_BLOCKS)):
        if not any(child.name in BLOCKS for child in outer.contents):
            continue
        pieces, run = [], []
        for child in list(outer.contents):
            if child.name in BLOCKS:
                pieces.append(_text_block_of(doc, outer, run))
                blank = child.name in TEXT_BLOCKS and _blank(child.contents)
                pieces.append(None if blank else child.extract())
                run = []
            else:
                run.append(child.extract())
        pieces.append(_text_block_of(doc, outer, run))
        outer.replace_with(*(piece for piece in pieces if piece is not None))


def _text_block_of(doc: Any, like: Any, nodes: list[Any]) -> Any:
    """A block like ``like`` holding ``nodes``, or None if they show nothing."""
    if _blank(nodes):
        return None
    block = doc.new_tag(like.name, attrs=dict(like.attrs))
    block.extend(nodes)
    return block


def _unwrap_text_blocks_in_list_items(doc: Any) -> None:
    """``<li><p>a</p><p>b</p></li>`` as ``<li>a<br/>b</li>``: Draftail's list item holds text,
    and would move the paragraphs out of the list on opening."""
    for item in doc.find_all("li"):
        for block in [child for child in item.contents if child.name in TEXT_BLOCKS]:
            if _blank(block.contents):
                block.decompose()
                continue
            before = block.previous_sibling
            while before is not None and not before.name and not str(before).strip():
                before = before.previous_sibling
            if before is not None and before.name not in ("br", "ul", "ol"):
                block.insert_before(doc.new_tag("br"))
            block.unwrap()


def _lines_only_between_blocks(doc: Any) -> None:
    """``<li>a<hr/>b</li>`` as ``<li>a<br/>b</li>``: Draftail's horizontal line is a block
    between blocks, so one left inside a list item or inline markup (a paragraph's was split
    out above) would be moved on opening; a line break keeps the two parts apart."""
    for line in doc.find_all("hr"):
        if line.parent is not doc:
            line.replace_with(doc.new_tag("br"))


@cache
def _whitelister(features: tuple[str, ...] | None) -> _Whitelister:
    names = list(features) if features is not None else feature_registry.get_default_features()
    converter = EditorHTMLConverter(features=names)
    return _Whitelister(converter.converter_rules + _inline_style_rules(names))


def _inline_style_rules(features: list[str]) -> list[WhitelistRule]:
    """Rules for the inline styles Draftail writes (``superscript`` as ``<sup>``, ``subscript``,
    ``strikethrough``, ``code``...) and its horizontal line, whose features register a Draftail
    rule but none for the whitelister (Wagtail 7.4 has none for ``hr`` either): without them a
    saved ``E=mc<sup>2</sup>`` would read ``E=mc2``. Elements are taken from each feature's own
    Draftail rule, and kept without attributes."""
    rules = []
    for feature in features:
        rule = feature_registry.get_converter_rule("contentstate", feature) or {}
        for element, handler in (rule.get("from_database_format") or {}).items():
            kept = isinstance(handler, InlineStyleElementHandler | HorizontalRuleHandler)
            if kept and element.isalpha():
                rules.append(WhitelistRule(element, allow_without_attributes))
    return rules


def sanitise(html: str, features: list[str] | tuple[str, ...] | None = None) -> str:
    """``html`` with only what the editor's ``features`` allow (Wagtail's defaults if None)."""
    if not html:
        return ""
    return _whitelister(tuple(features) if features is not None else None).clean(html)


#: Stored values up to this long are memoised by ``clean_stored`` (a paragraph, a summary); longer
#: ones are cleaned each time, so the memo stays small (``_CLEANED_KEPT`` of them at most).
_MEMO_MAX_CHARS = 20_000
_CLEANED_KEPT = 2048


def clean_stored(html: str | None, features: list[str] | tuple[str, ...] | None = None) -> str:
    """Stored rich text as the write path would have stored it (``xml_safe``, then ``sanitise``
    for ``features``): what every surface shows, since a value can reach the database without
    being validated. Clean stored text comes back unchanged; text nested too deep to be cleaned
    is shown as its plain paragraphs."""
    if not html:
        return ""
    key = tuple(features) if features is not None else None
    if len(html) > _MEMO_MAX_CHARS:
        return _cleaned(html, key)
    return _cleaned_memo(html, key)


def _cleaned(html: str, features: tuple[str, ...] | None) -> str:
    try:
        return sanitise(xml_safe(html), features)
    except NestingError:
        return plain_paragraphs(xml_safe(html))


def without_broken_references(html: str) -> str:
    """Stored links and embeds whose id is no id (``parse_id``: not a number, or out of range)
    left as their text, or left out: Wagtail's rewriters would look them up and fail, and a
    stored value must never break a render. For rich-text fields, which have no block to leave
    out (a body's damaged block is left out and logged: ``rendering``); the write path refuses
    such ids, naming the block."""

    def link(match: Any) -> str:
        attrs = extract_attrs(match.group(1))
        if "linktype" in attrs and "id" in attrs and parse_id(attrs["id"]) is None:
            return "<a>"
        return match.group(0)

    def embed(match: Any) -> str:
        attrs = extract_attrs(match.group(1))
        return "" if "id" in attrs and parse_id(attrs["id"]) is None else match.group(0)

    if "<a" not in html and "<embed" not in html:
        return html
    return FIND_EMBED_TAG.sub(embed, FIND_A_TAG.sub(link, html))


_cleaned_memo = lru_cache(maxsize=_CLEANED_KEPT)(_cleaned)


class _OfflineLinkHandler(LinkElementHandler):
    """A link as Draftail reads it, without looking its target up: only the shape matters."""

    def get_attribute_data(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {}


class _ShapeReader(HtmlToContentStateHandler):
    """Draftail's own HTML reader for ``features``, with every link read offline, so checking
    a body with hundreds of internal links costs no query per link."""

    def __init__(self, features: Any) -> None:
        super().__init__(features)
        for rules in self.element_handlers.element_rules.values():
            rules[:] = [
                (order, check, _OfflineLinkHandler(handler.entity_type))
                if isinstance(handler, LinkElementHandler)
                else (order, check, handler)
                for order, check, handler in rules
            ]


_readers = threading.local()  # a reader holds parse state: one per thread


def _shape_reader(features: tuple[str, ...] | None) -> _ShapeReader:
    from wagtail.rich_text import features as registry

    cached = _readers.__dict__.setdefault("by_features", {})
    if features not in cached:
        chosen = list(features) if features is not None else registry.get_default_features()
        cached[features] = _ShapeReader(chosen)
    return cached[features]


def editor_problem(html: str, features: list[str] | tuple[str, ...] | None = None) -> str | None:
    """Why Draftail could not open ``html`` (e.g. bold around whole paragraphs, a link around
    a list), or None if it can. Whitelisted HTML can still nest in ways only the API produces,
    and Wagtail's editor fails on them instead of opening the form."""
    reader = _shape_reader(tuple(features) if features is not None else None)
    try:
        reader.reset()
        reader.feed(html)
        reader.close()
    except Exception as error:  # noqa: BLE001 - the reader asserts; any failure counts
        return str(error) or type(error).__name__
    return None


def plain_paragraphs(html: str) -> str:
    """The text of ``html`` as plain paragraphs: what an editor is offered of rich text the
    editor cannot open, instead of a form that fails to load."""
    from django.utils.html import escape

    doc = BeautifulSoup(html, "html.parser")
    lines = [line.strip() for line in doc.get_text("\n").splitlines() if line.strip()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def markup_signature(html: str) -> str:
    """The tags, attributes and text of ``html``, however they were written down (attribute
    order, quoting, entities): equal signatures mean the same markup."""
    doc = BeautifulSoup(html, "html.parser")
    tags = [(tag.name, sorted((k, str(v)) for k, v in tag.attrs.items())) for tag in doc.find_all()]
    other = [str(node) for node in doc.descendants if isinstance(node, PreformattedString)]
    return repr((tags, doc.get_text(), other))


def references(html: str) -> list[tuple[type, str]]:
    """``(model, id as written)`` for each internal link and embed in stored rich text."""
    found: list[tuple[type, str]] = []
    for pattern, kind, handlers in (
        (FIND_A_TAG, "linktype", feature_registry.get_link_types()),
        (FIND_EMBED_TAG, "embedtype", feature_registry.get_embed_types()),
    ):
        for match in pattern.findall(html):
            attrs = extract_attrs(match)
            handler: Any = handlers.get(attrs.get(kind, ""))
            model = _handler_model(handler)
            if model is not None:
                found.append((model, attrs.get("id", "")))
    return found


def without_references(html: str, drop: Callable[[type, int], bool]) -> str:
    """``html`` without the internal links and embeds for which ``drop(model, id)`` is true:
    such a link becomes its text and such an embed goes."""
    doc = BeautifulSoup(html, "html.parser")
    changed = False
    for tag in doc.find_all(["a", "embed"]):
        is_link = tag.name == "a"
        handlers = (
            feature_registry.get_link_types() if is_link else feature_registry.get_embed_types()
        )
        handler: Any = handlers.get(str(tag.get("linktype" if is_link else "embedtype", "")))
        model, pk = _handler_model(handler), parse_id(tag.get("id"))
        if model is not None and pk is not None and drop(model, pk):
            tag.unwrap() if is_link else tag.decompose()
            changed = True
    return str(doc) if changed else html


def _handler_model(handler: Any) -> type | None:
    try:
        return handler.get_model() if handler is not None else None
    except NotImplementedError:  # a handler for something that is not a database object
        return None


# Opening rich text in Draftail ---------------------------------------------------------------


class SturdyPageLinkElementHandler(PageLinkElementHandler):
    """A page link whose id is not an id opens as a link to a missing page (id 0), which the
    validator refuses to save until the editor fixes or removes it."""

    def get_attribute_data(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if parse_id(attrs.get("id")) is None:
            return {"id": 0, "url": None, "parentId": None}
        return super().get_attribute_data(attrs)


class SturdyDocumentLinkElementHandler(DocumentLinkElementHandler):
    """A document link whose id no database column could hold opens without its document, as
    Wagtail already does for ids that are not numbers."""

    def get_attribute_data(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if parse_id(attrs.get("id")) is None:
            return {}
        return super().get_attribute_data(attrs)


def register_sturdy_link_conversion(features: Any) -> None:
    """Swap the sturdy handlers into the contentstate rules Wagtail registered for links
    (run after Wagtail's own ``register_rich_text_features`` hooks)."""
    rules = features.converter_rules_by_converter.get("contentstate", {})
    for feature, selector, handler in (
        ("link", 'a[linktype="page"]', SturdyPageLinkElementHandler("LINK")),
        ("document-link", 'a[linktype="document"]', SturdyDocumentLinkElementHandler("DOCUMENT")),
    ):
        rule = rules.get(feature)
        if rule and selector in rule.get("from_database_format", {}):
            rule = {**rule, "from_database_format": {**rule["from_database_format"]}}
            rule["from_database_format"][selector] = handler
            features.register_converter_rule("contentstate", feature, rule)
