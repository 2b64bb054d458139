"""What a WordPress export holds, as plain records: the channel, authors, terms, items and their
comments, and how each is read from the export's elements (``wxr`` hands over one element at a
time). The rest of the importer reads only these records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import values

#: Fields whose loss makes an item unimportable (others are dropped with a note).
ESSENTIAL = {"title", "content:encoded", "excerpt:encoded", "wp:post_id", "wp:post_type"}


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""


@dataclass
class Author:
    """A ``wp:author`` of the channel (a WordPress user)."""

    wp_id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return self.display_name or full or self.login


@dataclass
class Term:
    """A category, tag or other term declared at channel level."""

    taxonomy: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass
class ItemTerm:
    """A ``<category domain="..." nicename="...">`` of an item."""

    domain: str
    slug: str
    name: str


@dataclass
class Comment:
    wp_id: int | None
    author: str = ""
    user_id: int | None = None
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    #: Left out with a note already (its text is over the cap): no other line about it.
    left_out: bool = False


@dataclass
class Item:
    """A post, page, attachment or any other WordPress post type."""

    wp_id: int | None
    raw_id: str = ""
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    modified: str = ""
    modified_gmt: str = ""
    name: str = ""
    parent: int | None = None
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    #: Earlier slugs (``_wp_old_slug``, one meta row each): WordPress redirects them.
    old_slugs: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    #: Comments that are not liveblog entries: counted, not kept (the newsroom has no comments).
    other_comments: int = 0
    #: What could not be read; a non-empty list means the item is skipped.
    problems: list[str] = field(default_factory=list)
    #: What was left out but does not stop the item (an oversized meta value, say).
    notes: list[str] = field(default_factory=list)
    #: The line of the export the item starts on, for report lines.
    line: int = 0

    def terms_of(self, domain: str) -> list[ItemTerm]:
        return [term for term in self.terms if term.domain == domain]

    @property
    def label(self) -> str:
        # As readers saw it: no markup, no entities (a title may hold both).
        title = values.plain_text(self.title[:1000], 60) or "(no title)"
        return f"{self.post_type or 'item'} {self.raw_id or '?'} {title!r} (line {self.line})"


# Reading records from elements ---------------------------------------------------------------


def read_term(node: Any) -> Term | None:
    if node.name == "wp:category":
        term = Term("category", node.get("wp:category_nicename"), node.get("wp:cat_name"))
        term.parent = node.get("wp:category_parent")
        term.description = node.get("wp:category_description")
    elif node.name == "wp:tag":
        term = Term("post_tag", node.get("wp:tag_slug"), node.get("wp:tag_name"))
        term.description = node.get("wp:tag_description")
    else:
        term = Term(
            node.get("wp:term_taxonomy"), node.get("wp:term_slug"), node.get("wp:term_name")
        )
        term.parent = node.get("wp:term_parent")
        term.description = node.get("wp:term_description")
    term.slug = term.slug.strip()[:200]
    term.parent = term.parent.strip()[:200]
    term.name = values.plain_text(term.name, 255)
    term.description = values.plain_text(term.description, 2000)
    return term if term.slug and term.name else None


def _meta(node: Any, into: dict[str, str], notes: list[str]) -> None:
    key_node, value_node = node.first("wp:meta_key"), node.first("wp:meta_value")
    key = key_node.text.strip()[:255] if key_node is not None else ""
    if not key or key in into:  # WordPress's get_post_meta(..., true) reads the first value
        return
    if value_node is not None and value_node.overflow:
        notes.append(f"meta value {key!r} is larger than 1 MB and was left out")
        return
    into[key] = value_node.text if value_node is not None else ""


def _comment(node: Any, notes: list[str]) -> Comment:
    comment = Comment(
        wp_id=values.wp_id(node.get("wp:comment_id")),
        author=values.plain_text(node.get("wp:comment_author"), 255),
        user_id=values.wp_id(node.get("wp:comment_user_id")),
        date=node.get("wp:comment_date"),
        date_gmt=node.get("wp:comment_date_gmt"),
        content=node.get("wp:comment_content"),
        approved=node.get("wp:comment_approved").strip()[:20],
        type=node.get("wp:comment_type").strip()[:20],
        parent=values.wp_id(node.get("wp:comment_parent")),
    )
    content = node.first("wp:comment_content")
    if content is not None and content.overflow:
        notes.append(f"liveblog entry {comment.wp_id} is larger than 1 MB and was left out")
        comment.wp_id, comment.left_out = None, True
    for child in node.children:
        if child.name == "wp:commentmeta":
            _meta(child, comment.meta, notes)
    return comment


def read_item(node: Any, too_big: bool) -> Item:
    raw_id = node.get("wp:post_id").strip()[:40]
    item = Item(wp_id=values.wp_id(raw_id), raw_id=raw_id, line=node.line)
    if too_big:
        item.problems.append("the item is larger than the importer accepts")
    for child in node.children:
        if child.overflow and child.name in ESSENTIAL:
            item.problems.append(f"its <{child.name}> is larger than the importer accepts")
    item.post_type = node.get("wp:post_type").strip()[:40]
    item.status = node.get("wp:status").strip()[:40]
    item.title = node.get("title")
    item.link = node.get("link").strip()[:2048]
    item.guid = node.get("guid").strip()[:2048]
    item.creator = node.get("dc:creator").strip()[:255]
    item.content = node.get("content:encoded")
    item.excerpt = node.get("excerpt:encoded")
    item.date, item.date_gmt = node.get("wp:post_date"), node.get("wp:post_date_gmt")
    item.modified, item.modified_gmt = (
        node.get("wp:post_modified"),
        node.get("wp:post_modified_gmt"),
    )
    item.name = node.get("wp:post_name").strip()[:1000]
    item.parent = values.wp_id(node.get("wp:post_parent"))
    item.password = node.get("wp:post_password")[:255]
    item.is_sticky = values.is_true(node.get("wp:is_sticky"))
    item.attachment_url = node.get("wp:attachment_url").strip()[:2048]
    item.other_comments = node.dropped
    for child in node.children:
        if child.name == "category":
            domain = child.attrs.get("domain", "")[:40]
            item.terms.append(
                ItemTerm(
                    # WXR 1.0 called tags "tag"
                    domain="post_tag" if domain == "tag" else domain,
                    slug=child.attrs.get("nicename", "")[:200],
                    name=values.plain_text(child.text, 255),
                )
            )
        elif child.name == "wp:postmeta":
            if child.get("wp:meta_key").strip() == "_wp_old_slug" and len(item.old_slugs) < 20:
                item.old_slugs.append(child.get("wp:meta_value").strip()[:1000])
            _meta(child, item.meta, item.notes)
        elif child.name == "wp:comment":
            item.comments.append(_comment(child, item.notes))
    if item.wp_id is None and not item.problems:
        item.problems.append(f"its post id {values.shown(raw_id)} is not a valid id")
    return item
