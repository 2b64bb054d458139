"""The first pass over an export: what every post needs to know about the others.

A post's featured image may come later in the file than the post, a link may point at a post not
yet imported, and the site's time zone is nowhere stated. The survey reads the whole export once
and keeps a compact catalogue (ids, paths and short texts, never post bodies) so that the second
pass can import each post on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, unquote

from wagtail.contrib.redirects.models import Redirect

from . import values
from .files import ExportFiles
from .records import Author, Channel, Comment, Item, Term
from .report import Report

#: Statuses of posts the importer writes (anything else is skipped with a report line).
IMPORTED_STATUSES = {"publish", "future", "draft", "pending", "private"}
#: Post types imported as articles unless ``--post-types`` names others.
POST_TYPES = frozenset({"post"})
MAX_REUSABLE_CHARS = 16 << 20
#: Why WordPress shows nothing for a reusable block (``render_block_core_block`` renders only a
#: published block without a password), by the block's status.
HIDDEN_BLOCK_STATUSES = {
    "draft": "is a draft",
    "auto-draft": "is a draft",
    "pending": "is pending review",
    "private": "is private",
    "future": "is scheduled",
    "trash": "is in the trash",
}
MAX_SIZES = 40
#: ``"file";s:17:"photo-300x200.jpg";`` in PHP-serialized ``_wp_attachment_metadata``.
_SIZE_FILE = re.compile(r's:\d+:"(?:file|original_image)";s:\d+:"([^"]{1,255})";')
_IMAGE_NAME = re.compile(r"(.+)(\.(?:jpe?g|png|gif|webp))", re.I)


@dataclass
class Attachment:
    """A media library item: where its file is, and the texts that go with it."""

    wp_id: int
    relative: str
    url: str
    title: str
    alt: str
    caption: str
    parent: int | None = None
    link: str = ""
    #: File names of the sizes WordPress made of an image (``photo-300x200.jpg``), in its folder.
    sizes: list[str] = field(default_factory=list)


@dataclass
class Catalog:
    channel: Channel = field(default_factory=Channel)
    site: str = ""
    hosts: set[str] = field(default_factory=set)
    base_path: str = ""
    authors: dict[str, Author] = field(default_factory=dict)
    logins_by_id: dict[int, str] = field(default_factory=dict)
    categories: dict[str, Term] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    #: Each uploads path (``2024/03/photo.jpg``, case kept) and its attachment.
    attachment_paths: dict[str, int] = field(default_factory=dict)
    attachments_by_parent: dict[int, list[int]] = field(default_factory=dict)
    #: Each old path of a post and the post it redirects to: a post's own permalink and
    #: ``?p=<id>`` are always its own; a guid or earlier slug, the first post's to claim it.
    post_paths: dict[str, int] = field(default_factory=dict)
    #: The paths some post owns (``own_urls``), which no other post's guid or canonical takes.
    owned_paths: set[str] = field(default_factory=set)
    #: Each path a post names without owning it (its guid, an earlier slug, its canonical URL)
    #: and the posts naming it: the only posts an earlier import may have let take another
    #: post's own path, and so the only ones a re-run takes such a path back from.
    claims: dict[str, set[int]] = field(default_factory=dict)
    reusable: dict[int, str] = field(default_factory=dict)
    #: Reusable blocks WordPress does not show (not published, or password-protected), each with
    #: why: a post using one shows nothing in its place. Their content is not kept.
    hidden_reusable: dict[int, str] = field(default_factory=dict)
    used_logins: set[str] = field(default_factory=set)
    guest_authors: dict[str, str] = field(default_factory=dict)
    used_categories: set[str] = field(default_factory=set)
    #: Each used category's name as the posts carry it: exports of some post types only (WP-CLI
    #: ``--post_type``, or "Posts" in Tools > Export) list no ``wp:category`` in the channel.
    category_names: dict[str, str] = field(default_factory=dict)
    #: Posts published and not password-protected: only their attachments' ``?attachment_id=``
    #: URLs redirect.
    public_posts: set[int] = field(default_factory=set)
    offset: timedelta | None = None
    posts: int = 0
    post_types: set[str] = field(default_factory=lambda: set(POST_TYPES))

    def old_path(self, url: str) -> str | None:
        """The normalised path of a URL on the old site (or a relative URL); None elsewhere."""
        parts = values.url_parts(url)
        if parts is None or (parts[0] and parts[0] not in self.hosts):
            return None
        host, path, query = parts
        try:
            return Redirect.normalise_path(path + (f"?{query}" if query else ""))
        except ValueError:
            return None

    def post_for_url(self, url: str) -> int | None:
        path = self.old_path(url)
        return self.post_paths.get(path) if path else None

    def query_path(self, key: str, wp_id: int) -> str:
        """``/?p=12`` under the blog's folder: WordPress's plain permalink of an object."""
        return Redirect.normalise_path(f"{self.base_path}/?{key}={wp_id}")


def upload_path(url: str) -> str:
    """The part of a media URL under ``.../uploads/`` (``2024/03/photo.jpg``), decoded."""
    parts = values.url_parts(url)
    if parts is None:
        return ""
    path = unquote(parts[1])
    marker = path.rfind("/uploads/")
    return path[marker + len("/uploads/") :] if marker >= 0 else ""


def is_importable(item: Item, post_types: set[str]) -> bool:
    return item.post_type in post_types and item.status in IMPORTED_STATUSES and not item.problems


def hidden_block(item: Item) -> str:
    """Why WordPress shows nothing for a reusable block (``wp_block``); "" for one it shows."""
    if item.status != "publish":
        return HIDDEN_BLOCK_STATUSES.get(item.status, "is not published")
    return "is password-protected" if values.is_password(item.password) else ""


def is_liveblog(item: Item) -> bool:
    """A post written with the Liveblog plugin (enabled, archived, or holding entries)."""
    return item.meta.get("liveblog") in ("enable", "archive") or any(
        comment.type == "liveblog" for comment in item.comments
    )


def own_urls(catalog: Catalog, item: Item) -> list[str]:
    """The old paths that are a post's alone: its permalink and ``?p=<id>``. Another post's
    guid or SEO canonical may name them too (a post republished under a new id, an explainer
    consolidated into another), but they stay this post's."""
    permalink = catalog.old_path(item.link) if item.link else None
    paths = [permalink] if permalink and permalink != "/" else []
    return list(dict.fromkeys([*paths, catalog.query_path("p", item.wp_id or 0)]))


def canonical_url(item: Item) -> str:
    """The canonical URL an SEO plugin (Yoast, Rank Math) set for the post, if any."""
    meta = item.meta
    return (meta.get("_yoast_wpseo_canonical") or meta.get("rank_math_canonical_url") or "").strip()


def old_urls(catalog: Catalog, item: Item) -> list[str]:
    """Every old path of a post: its permalink, its guid (when on the site) and ``?p=<id>``."""
    paths = []
    for url in (item.link, item.guid):
        path = catalog.old_path(url) if url else None
        if path and path != "/" and path not in paths:
            paths.append(path)
    plain = catalog.query_path("p", item.wp_id or 0)
    if plain not in paths:
        paths.append(plain)
    permalink = paths[0] if paths and paths[0] != plain else ""
    current = values.slug(item.name)
    for old_slug in item.old_slugs:  # the permalink as it read before a slug change
        head, _sep, last = permalink.rpartition("/")
        old = values.slug(old_slug)
        if permalink and old and old != current and values.slug(last) == current:
            path = f"{head}/{quote(old)}"
            if path not in paths:
                paths.append(Redirect.normalise_path(path))
    return paths


def survey(reader: ExportFiles, report: Report, post_types: set[str] = POST_TYPES) -> Catalog:
    catalog = Catalog(post_types=set(post_types))
    offsets: Counter[timedelta] = Counter()
    reusable_chars = 0
    seen: set[int] = set()  # merged exports may repeat an id: the first item wins
    for kind, record in reader:
        if kind == "author":
            catalog.authors.setdefault(record.login, record)
            if record.wp_id:
                catalog.logins_by_id.setdefault(record.wp_id, record.login)
        elif kind == "term" and record.taxonomy == "category":
            catalog.categories.setdefault(values.slug(record.slug, 100), record)
        elif kind == "item":
            if not catalog.hosts:
                _site(catalog, reader.channel)
            item: Item = record
            local, gmt = values.naive_date(item.date), values.naive_date(item.date_gmt)
            if local and gmt:
                offsets[timedelta(minutes=round((local - gmt).total_seconds() / 900) * 15)] += 1
            if item.problems or item.wp_id is None:
                continue
            if item.wp_id in seen:
                report.warn(
                    "duplicate",
                    f"{item.label}: an earlier item of the export has the same id; left out",
                )
                continue
            seen.add(item.wp_id)
            if item.post_type == "attachment":
                _attachment(catalog, item)
            elif item.post_type == "wp_block" and (why := hidden_block(item)):
                catalog.hidden_reusable[item.wp_id] = why
            elif item.post_type == "wp_block" and reusable_chars < MAX_REUSABLE_CHARS:
                catalog.reusable[item.wp_id] = item.content
                reusable_chars += len(item.content)
            elif is_importable(item, catalog.post_types):
                _post(catalog, item)
    if not catalog.hosts:
        _site(catalog, reader.channel)
    catalog.channel = reader.channel
    if offsets:
        catalog.offset = offsets.most_common(1)[0][0]
    if reader.removed_control_characters:
        report.warn(
            "note",
            f"removed {reader.removed_control_characters:,} control characters that XML "
            "does not allow",
        )
    return catalog


def _site(catalog: Catalog, channel: Channel) -> None:
    catalog.site = values.site_key(channel.base_blog_url, channel.base_site_url, channel.link)
    for url in (channel.base_blog_url, channel.base_site_url, channel.link):
        parts = values.url_parts(url)
        if parts and parts[0]:
            catalog.hosts.add(parts[0])
    blog = values.url_parts(channel.base_blog_url or channel.base_site_url or channel.link)
    catalog.base_path = unquote(blog[1]).rstrip("/") if blog else ""


def _attachment(catalog: Catalog, item: Item) -> None:
    relative = item.meta.get("_wp_attached_file", "").strip() or upload_path(item.attachment_url)
    attachment = Attachment(
        wp_id=item.wp_id or 0,
        relative=relative[:1024],
        url=item.attachment_url,
        title=values.plain_text(item.title, 255),
        alt=values.plain_text(item.meta.get("_wp_attachment_image_alt", ""), 255),
        caption=values.plain_text(item.excerpt, 500),
        parent=item.parent,
        link=item.link,
        sizes=size_files(item.meta.get("_wp_attachment_metadata", ""), relative),
    )
    catalog.attachments[attachment.wp_id] = attachment
    if attachment.parent:
        catalog.attachments_by_parent.setdefault(attachment.parent, []).append(attachment.wp_id)
    for path in (relative, upload_path(item.attachment_url)):
        if path:  # as WordPress's disk has it: Photo.jpg and photo.jpg are two files
            catalog.attachment_paths.setdefault(path, attachment.wp_id)
            # Content links the sizes (photo-1024x768.jpg), which stand for photo.jpg.
            if unscaled := unscaled_name(path):
                catalog.attachment_paths.setdefault(unscaled, attachment.wp_id)


def unscaled_name(path: str) -> str:
    """The original's path of an image WordPress (5.3 and later) stored reduced as
    ``photo-scaled.jpg`` (over 2,560 px) or turned as ``photo-rotated.jpg``; "" for others."""
    folder, slash, name = path.rpartition("/")
    image = _IMAGE_NAME.fullmatch(name)
    if image is None or not image.group(1).endswith(("-scaled", "-rotated")):
        return ""
    return f"{folder}{slash}{image.group(1).rpartition('-')[0]}{image.group(2)}"


def size_files(metadata: str, relative: str) -> list[str]:
    """File names of an image's other sizes, whose old URLs redirect to the imported image: the
    sizes in its metadata (read with a pattern, never unserialized) and ``-scaled``. Names that
    are not a size of this file (metadata copied from another attachment) are left out."""
    original = relative.rpartition("/")[2]
    names = [name.rpartition("/")[2] for name in _SIZE_FILE.findall(metadata[:100_000])]
    image = _IMAGE_NAME.fullmatch(original)
    if image and not image.group(1).endswith("-scaled"):
        names.append(f"{image.group(1)}-scaled{image.group(2)}")
    unscaled = unscaled_name(original)
    if unscaled:
        names.append(unscaled)
    # Sizes of a "-scaled" upload are named after the original: photo-scaled.jpg has
    # photo-300x225.jpg, not photo-scaled-300x225.jpg.
    stem = (unscaled or original).rpartition(".")[0] or original

    def same_image(name: str) -> bool:  # photo-300x200.jpg, photo-scaled.jpg, photo.jpg
        other = name.rpartition(".")[0] or name
        return other.startswith(f"{stem}-") or stem.startswith(f"{other}-") or other == stem

    names = [n for n in dict.fromkeys(names) if n and n != original and same_image(n)]
    return names[:MAX_SIZES]


def entry_user_ids(comment: Comment) -> list[int]:
    """The WordPress users a Liveblog entry shows: its writer and the co-contributors of
    ``liveblog_contributors``, unless ``liveblog_hide_authors`` hides them."""
    ids = [comment.user_id] if comment.user_id else []
    if not values.is_true(comment.meta.get("liveblog_hide_authors")):
        ids += values.serialized_ids(comment.meta.get("liveblog_contributors"))
    return ids


def _post(catalog: Catalog, item: Item) -> None:
    catalog.posts += 1
    if item.status == "publish" and not values.is_password(item.password) and item.wp_id:
        catalog.public_posts.add(item.wp_id)
    own = own_urls(catalog, item)
    for path in own:  # over a guid or old slug of a post before, never over another's own
        if path not in catalog.owned_paths:
            catalog.owned_paths.add(path)
            catalog.post_paths[path] = item.wp_id or 0
    paths = old_urls(catalog, item)
    for path in paths:
        catalog.post_paths.setdefault(path, item.wp_id or 0)
    canonical = canonical_url(item)
    paths.append(catalog.old_path(canonical) if canonical else None)
    for path in set(paths) - {*own, None, "/"}:
        catalog.claims.setdefault(path, set()).add(item.wp_id or 0)
    bylines = item.terms_of("author")
    if is_liveblog(item):  # a live feed has no byline: its entries have authors
        pass
    elif bylines:  # Co-Authors Plus
        for term in bylines:
            login = term.slug.removeprefix("cap-")
            if login in catalog.authors:
                catalog.used_logins.add(login)
            elif login:
                catalog.guest_authors.setdefault(login, term.name or login)
    elif item.creator:
        catalog.used_logins.add(item.creator)
    for comment in item.comments:
        for user_id in entry_user_ids(comment):
            login = catalog.logins_by_id.get(user_id)
            if login:
                catalog.used_logins.add(login)
    for term in item.terms_of("category"):
        slug = values.slug(term.slug, 100)
        catalog.used_categories.add(slug)
        if term.name:  # the name where the export lists no categories (a "Posts" export)
            catalog.category_names.setdefault(slug, term.name)
