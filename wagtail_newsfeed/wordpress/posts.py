"""From a WordPress post to a plan of the page it becomes, computed without writing anything.

The plan holds every field of the page (and, for a live blog, its entries) in its final form, so
a dry run can print it, and a re-run can compare its fingerprint with the one stored on the
post's ``WordPressOrigin`` to tell "changed" from "unchanged" without touching the page.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Page, Site

from ..local_time import out_of_range
from ..models import LiveFeedPage
from . import content, gutenberg, liveblog, values
from .media import MediaLibrary
from .people import People
from .records import Item
from .redirects import site_paths
from .report import Report
from .survey import Catalog, canonical_url, is_liveblog, old_urls, own_urls
from .taxonomy import Taxonomy

#: Changes when the importer would convert the same post differently: re-runs then update.
CONVERSION_VERSION = 1
SUMMARY_FEATURES = ["bold", "italic", "link", "ul", "ol"]
_YOAST_VARIABLE = re.compile(r"%%([a-z_]{1,40})%%")
_RANK_MATH_VARIABLE = re.compile(r"%([a-z_]{1,40})%")


FINGERPRINTED = [
    "kind", "title", "slug", "status", "password", "published_at", "updated_at", "go_live_at",
    "standfirst", "seo_title", "search_description", "body", "lead_image", "lead_caption", "tags",
    "is_breaking", "summary", "coverage_status", "coverage_start", "coverage_end", "old_paths",
]  # fmt: skip


@dataclass
class PostPlan:
    wp_id: int
    label: str
    kind: str  # "article" or "feed"
    title: str
    slug: str
    status: str  # "live", "scheduled", "draft" or "private"
    password: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    go_live_at: datetime | None = None
    standfirst: str = ""
    seo_title: str = ""
    search_description: str = ""
    body: list[dict] = field(default_factory=list)
    lead_image: int | None = None
    lead_caption: str = ""
    topics: list[Any] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[Any] = field(default_factory=list)
    owner: Any = None
    is_breaking: bool = False
    summary: str = ""
    coverage_status: str = ""
    coverage_start: datetime | None = None
    coverage_end: datetime | None = None
    entries: list[liveblog.EntryPlan] = field(default_factory=list)
    old_paths: list[str] = field(default_factory=list)
    #: Those of ``old_paths`` that are the post's own (``survey.own_urls``).
    own_paths: list[str] = field(default_factory=list)
    waiting_for: set[int] = field(default_factory=set)
    #: The permalink WordPress gave the post, as the export has it (for report lines only).
    link: str = ""

    @property
    def public(self) -> bool:
        """Whether anyone may read the post now: only then do its old URLs redirect (a redirect
        to a draft, scheduled or private post would give its new URL away)."""
        return self.status == "live" and not self.password

    def check_times(self) -> None:
        """Refuse the times the page's own validation would (``local_time.out_of_range``),
        before anything is written, so a dry run reports them too."""
        errors = {
            name: [problem]
            for name in ("published_at", "updated_at", "coverage_start", "coverage_end")
            if (problem := out_of_range(getattr(self, name)))
        }
        if errors:
            raise ValidationError(errors)

    def fingerprint(self) -> str:
        """What the page was made from: equal fingerprints mean nothing to update."""
        data = {
            "version": CONVERSION_VERSION,
            **{name: getattr(self, name) for name in FINGERPRINTED},
            "topics": [topic.pk for topic in self.topics if topic is not None],
            "authors": [author.pk for author in self.authors if author is not None],
            "owner": getattr(self.owner, "pk", None),
        }
        encoded = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8", "surrogatepass")).hexdigest()


def seo_text(template: str, *, title: str, site: str, excerpt: str) -> str:
    """A Yoast or Rank Math title/description template filled in (``%%title%% %%sep%%
    %%sitename%%``, ``%title% %sep% %sitename%``); unknown variables are dropped."""
    known = {"title": title, "sitename": site, "sitetitle": site, "sep": "-", "excerpt": excerpt}
    known["excerpt_only"] = excerpt

    def fill(match: re.Match) -> str:
        return known.get(match.group(1), "")

    text = _YOAST_VARIABLE.sub(fill, template)
    text = _RANK_MATH_VARIABLE.sub(fill, text)
    text = values.plain_text(text)
    return text.strip(" -|").strip()


class Planner:
    """Plans posts of one export against the media, pages, people and topics already known."""

    def __init__(
        self,
        catalog: Catalog,
        media: MediaLibrary,
        pages: dict[int, int],
        people: People,
        taxonomy: Taxonomy,
        report: Report,
        *,
        sticky_breaking: bool = False,
        site: Site | None = None,
    ) -> None:
        self.catalog, self.media, self.pages = catalog, media, pages
        self.people, self.taxonomy, self.report = people, taxonomy, report
        self.sticky_breaking = sticky_breaking
        self.site = site

    def plan(self, item: Item, *, quiet: bool = False) -> PostPlan:
        wp_id = item.wp_id or 0

        def warn(kind: str, message: str) -> None:
            if not quiet:
                self.report.warn(kind, f"{item.label}: {message}")

        for note in item.notes:
            warn("note", note)
        full_title = values.plain_text(item.title)
        title = values.truncate(full_title, 255)  # Page.title holds 255 characters
        if title != full_title:
            warn(
                "note",
                f"its title is {len(full_title):,} characters long: cut at a word to fit 255",
            )
        if not title:
            title = f"Untitled post {wp_id}"
            warn("note", "it has no title")
        slug = values.slug(item.name) or values.slug(title) or f"post-{wp_id}"
        published = values.best_date(item.date_gmt, item.date, self.catalog.offset)
        modified = values.best_date(item.modified_gmt, item.modified, self.catalog.offset)
        is_feed = is_liveblog(item)
        plan = PostPlan(
            wp_id=wp_id,
            label=item.label,
            kind="feed" if is_feed else "article",
            title=title,
            slug=slug,
            status="draft",
            link=item.link,
        )
        self._status(item, plan, published, warn)
        if modified is not None and out_of_range(modified):
            shown = values.shown(item.modified_gmt)
            warn("bad_date", f"its last-modified date {shown} is out of range: left out")
            modified = None
        plan.updated_at = (
            modified if plan.published_at and modified and modified > plan.published_at else None
        )
        resolver = content.Resolver(self.catalog, self.media, self.pages, wp_id)
        # One budget for the post; blocks WordPress does not show are left out.
        reusable = gutenberg.Reusable(self.catalog.reusable, hidden=self.catalog.hidden_reusable)
        raw = content.convert(item.content, resolver, warn, reusable, item.meta.get("footnotes"))
        plan.waiting_for = resolver.waiting_for
        excerpt = values.plain_text(item.excerpt, 2000)
        self._seo(item, plan, excerpt, warn)
        plan.old_paths = self._theirs(old_urls(self.catalog, item), wp_id, warn)
        if plan.public:
            self._permalink(item.link, warn)
        plan.old_paths += self._canonical(item, plan, warn)
        own = set(own_urls(self.catalog, item))
        plan.own_paths = [path for path in plan.old_paths if path in own]
        if is_feed:
            self._feed(item, plan, raw, warn, reusable)
        else:
            plan.standfirst = excerpt
            plan.body = content.with_ids(raw, f"{self.catalog.site}/{wp_id}")
            self._article(item, plan, warn)
        return plan

    def _status(self, item: Item, plan: PostPlan, published: datetime | None, warn) -> None:
        status = item.status
        if status not in ("publish", "future", "draft", "pending", "private"):
            warn("note", f"unknown status {values.shown(status)}: imported as a draft")
            status = "draft"
        if status in ("publish", "private", "future") and published is None:
            published, used = self._fallback_date(item)
            warn("bad_date", f"its date {values.shown(item.date_gmt)} is not a valid date: {used}")
        if status == "future":
            if published and out_of_range(published):
                # Its publication date is no time the page may hold: it goes live then all the
                # same, and takes that time as its publication date (``published_at`` defaults
                # to the first publish).
                warn(
                    "note",
                    f"it is scheduled for {published:%Y-%m-%d %H:%M} UTC, more than a year "
                    "ahead: scheduled, with no publication date until it goes live",
                )
                plan.status, plan.go_live_at = "scheduled", published
                published = None
            elif published and published > timezone.now():
                plan.status, plan.go_live_at = "scheduled", published
            else:
                warn("note", "it was scheduled for a time now past: published")
                status = "publish"
        if status in ("publish", "private"):
            plan.status = "live" if status == "publish" else "private"
        if status != "draft" and status != "pending":
            plan.published_at = published
        if values.is_password(item.password) and plan.status in ("live", "scheduled"):
            plan.password = view_password(item.password, warn)

    def _fallback_date(self, item: Item) -> tuple[datetime, str]:
        """A publication date for a post without a valid one, stable across re-runs (a date
        that changed each run would update the page and move it to the top every time)."""
        modified = values.best_date(item.modified_gmt, item.modified, self.catalog.offset)
        if modified is not None:
            return modified, "its last-modified date was used"
        page_id = self.pages.get(item.wp_id or 0)
        stored = (
            Page.objects.filter(pk=page_id).values_list("first_published_at", flat=True).first()
            if page_id
            else None
        )
        if stored is not None:
            return stored, "the date of its earlier import was kept"
        return timezone.now().replace(microsecond=0), "the time of this import was used"

    def _seo(self, item: Item, plan: PostPlan, excerpt: str, warn) -> None:
        meta, site = item.meta, self.catalog.channel.title
        title = meta.get("_yoast_wpseo_title") or meta.get("rank_math_title") or ""
        description = meta.get("_yoast_wpseo_metadesc") or meta.get("rank_math_description") or ""
        seo_title = seo_text(title[:2000], title=plan.title, site=site, excerpt=excerpt)
        plan.seo_title = "" if seo_title == plan.title else values.truncate(seo_title, 255)
        plan.search_description = values.truncate(
            seo_text(description[:5000], title=plan.title, site=site, excerpt=excerpt), 1000
        )

    def _theirs(self, paths: list[str], wp_id: int, warn) -> list[str]:
        """``paths`` without those the survey gave another post of the export (its permalink
        or ``?p=<id>`` named by this post's guid, say)."""
        kept = []
        for path in paths:
            owner = self.catalog.post_paths.get(path, wp_id)
            if owner == wp_id:
                kept.append(path)
            else:
                warn(
                    "redirect", f"{values.shown(path)} is the old URL of post {owner}; no redirect"
                )
        return kept

    def _permalink(self, link: str, warn) -> None:
        """A report line for a public post whose permalink can get no redirect."""
        if not link:
            return
        shown = values.shown(link, 120)
        parts = values.url_parts(link)
        path = self.catalog.old_path(link)
        if parts is None or (path is None and (not parts[0] or parts[0] in self.catalog.hosts)):
            warn("redirect", f"its permalink {shown} is not a valid URL; no redirect")
        elif path is None:
            warn("redirect", f"its permalink {shown} is on another site; no redirect")
        elif path == "/":
            warn("redirect", f"its permalink {shown} is the site's home page; no redirect")

    def _canonical(self, item: Item, plan: PostPlan, warn) -> list[str]:
        canonical = canonical_url(item)
        if not canonical:
            return []
        path = self.catalog.old_path(canonical)
        owner = self.catalog.post_paths.get(path or "", plan.wp_id)
        if path and owner != plan.wp_id:
            warn(
                "canonical",
                f"canonical URL {values.shown(canonical, 120)} is the old URL of post {owner}, "
                "which keeps it; not kept as a redirect",
            )
            return []
        if path and path not in plan.old_paths and path != "/":
            # A URL the site answers itself gets a ``redirect`` line saying so, not this one.
            if not site_paths([path], self.site, None):
                warn(
                    "canonical",
                    f"canonical URL {values.shown(canonical, 120)} kept as a redirect to the page",
                )
            return [path]
        if path is None:
            warn(
                "canonical",
                f"canonical URL {values.shown(canonical, 120)} points to another site; "
                "Wagtail pages have no canonical override, so it was not kept",
            )
        return []

    def _article(self, item: Item, plan: PostPlan, warn) -> None:
        thumbnail = values.wp_id(item.meta.get("_thumbnail_id"))
        if thumbnail:
            plan.lead_image = self.media.ref(thumbnail, "image")
            if plan.lead_image is None:
                warn(
                    "unmatched_image",
                    f"its featured image (attachment {thumbnail}) was not imported",
                )
            attachment = self.catalog.attachments.get(thumbnail)
            plan.lead_caption = attachment.caption if attachment and plan.lead_image else ""
        plan.topics = self.taxonomy.topics_for(item)
        plan.tags = self.taxonomy.tags_for(item, warn)
        plan.authors = self.people.bylines(item)
        plan.owner = self.people.owner(item)
        plan.is_breaking = item.is_sticky and self.sticky_breaking

    def _feed(
        self, item: Item, plan: PostPlan, raw: list[dict], warn, reusable: gutenberg.Reusable
    ) -> None:
        texts = [block["value"] for block in raw if block["type"] == "paragraph"]
        if len(texts) < len(raw):
            warn(
                "note",
                f"{len(raw) - len(texts)} non-text blocks of the live blog's introduction left out",
            )
        plan.summary = "".join(texts)
        plan.owner = self.people.owner(item)
        plan.coverage_status = (
            LiveFeedPage.Status.LIVE
            if item.meta.get("liveblog") == "enable"
            else LiveFeedPage.Status.ENDED
        )
        plan.entries = liveblog.plan_entries(item, self.catalog, warn)
        times = [entry.time for entry in plan.entries if not entry.deleted]
        # Coverage began with the post or its first entry, whichever came first (an entry may
        # predate a post date edited later): never after the last entry, where it ended.
        starts = [*times, plan.published_at] if plan.published_at else times
        plan.coverage_start = min(starts) if starts else None
        plan.coverage_end = (
            (max(times) if times else None) if plan.coverage_status == "ended" else None
        )
        for entry in plan.entries:
            if entry.deleted:
                continue
            entry_resolver = content.Resolver(self.catalog, self.media, self.pages, plan.wp_id)
            entry.body = content.with_ids(
                content.convert(entry.html, entry_resolver, warn, reusable),
                f"{self.catalog.site}/entry/{entry.wp_id}",
            )
            entry.authors, entry.user = self.people.entry_people(entry.comment)


def view_password(password: str, warn) -> str:
    """The page's view password for a WordPress post password (``values.is_password``). Wagtail's
    password form strips what readers type, so the password is stored stripped; one of only
    spaces is kept as it is (no reader can type it: the post stays protected until an editor
    sets a password)."""
    if password.strip():
        return password.strip()
    warn("note", "its password is only spaces, which readers cannot type here: set a new one")
    return password
