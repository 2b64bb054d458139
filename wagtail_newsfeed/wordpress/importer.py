"""Importing a WordPress export, stage by stage, one post per transaction.

1. Survey the export (``survey``): authors, categories, attachments, old URLs, the site's offset.
2. Media: attachments with a file under ``--uploads`` become images and documents (each in its
   own transaction), and their old file URLs redirect to the new files.
3. People and topics used by the posts are found or created.
4. Posts, read again as a stream: each is planned (``posts``), validated, and written with its
   redirects and live entries in one transaction. A post that fails is rolled back and reported;
   the next one goes on. A post whose fingerprint matches the last import is left untouched; a
   post in the trash is taken down (``trash``) and its fingerprint forgotten. A post the export
   holds in a shape that cannot be read fails like any other.
5. Posts that linked to posts imported after them are written again with those links rewritten.
6. The blog's feeds and its category archives redirect to the index, its feeds and its topics
   (``archives``), or lose their redirects when those are no longer public.

A dry run does stages 1-4 without writing anything: it checks files, plans and validates every
post (blocks showing the images and files it would create, which have no id yet, are left out of
the check: ``content.without_pending``), and prints the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from django.db import transaction
from wagtail.models import Page

from .. import validation
from ..conf import settings
from ..models import LiveEntry, NewsArticlePage, WordPressOrigin
from . import content
from .archives import post_feed_path, save_archive_redirects
from .files import ExportFiles
from .liveblog import count_entry_changes, sync_entries
from .media import MediaLibrary, Uploads
from .pages import keeps_slug, save_page, unique_slug
from .people import Mapping, People
from .posts import SUMMARY_FEATURES, Planner, PostPlan
from .records import Item
from .redirects import drop_link_redirects, drop_redirects, save_redirects
from .report import Report
from .survey import POST_TYPES, survey
from .taxonomy import Taxonomy
from .trash import is_up, take_down, trashed_paths

Progress = Callable[[str], Callable[[int, int], None] | None]


class Origin(NamedTuple):
    page_id: int | None
    fingerprint: str
    #: The view restriction the import gave the page (``pages.restriction_marker``).
    restriction: str = ""


@dataclass
class Options:
    uploads: Path | None = None
    dry_run: bool = False
    authors_map: dict[str, Mapping] = field(default_factory=dict)
    sticky_breaking: bool = False
    post_types: set[str] = field(default_factory=lambda: set(POST_TYPES))


class Importer:
    def __init__(
        self,
        paths: list[Path],
        index: Page,
        options: Options,
        report: Report,
        *,
        progress: Progress | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.paths, self.index, self.options, self.report = paths, index, options, report
        self.progress = progress or (lambda label: None)
        self.say = say or (lambda line: None)
        self.verbose = say is not None
        self.site = index.get_site()
        self.dry_run = options.dry_run
        self.waiting: dict[int, set[int]] = {}
        self.planned_slugs: set[str] = set()

    def run(self) -> Report:
        catalog = self.catalog = survey(self.read("Survey"), self.report, self.options.post_types)
        self.media = MediaLibrary(
            catalog, Uploads(self.options.uploads), self.report, dry_run=self.dry_run
        )
        self.media.import_all()
        if not self.dry_run:
            self._media_redirects()
        people = People(catalog, self.options.authors_map, self.report, dry_run=self.dry_run)
        people.prepare()
        taxonomy = Taxonomy(catalog, self.report, dry_run=self.dry_run)
        taxonomy.prepare()
        # What each post became, as (page id, fingerprint, restriction): only ids are kept
        # across posts, so memory does not grow with the number of pages written.
        self.origins: dict[int, Origin] = {
            wp_id: Origin(*origin)
            for wp_id, *origin in WordPressOrigin.objects.filter(
                site=catalog.site, kind=WordPressOrigin.Kind.POST
            ).values_list("wp_id", "page_id", "fingerprint", "restriction")
        }
        self.pages = {
            wp_id: origin.page_id for wp_id, origin in self.origins.items() if origin.page_id
        }
        # Pages of earlier imports that are not under --index (imported into another site's
        # index, or moved by hand): each is updated where it is, and the report says so.
        self.elsewhere = set(
            WordPressOrigin.objects.filter(
                site=catalog.site, kind=WordPressOrigin.Kind.POST, page__isnull=False
            )
            .exclude(page__path__startswith=self.index.path, page__depth=self.index.depth + 1)
            .values_list("page_id", flat=True)
        )
        self.planner = Planner(
            catalog,
            self.media,
            self.pages,
            people,
            taxonomy,
            self.report,
            sticky_breaking=self.options.sticky_breaking,
            site=self.site,
        )
        for item in self.items("Import"):
            self.item(item)
        ready = {post for post, targets in self.waiting.items() if targets & self.pages.keys()}
        if ready and not self.dry_run:
            for item in self.items("Links"):
                if item.wp_id in ready:
                    self.post(item, relinking=True)
        if not self.dry_run:
            save_archive_redirects(catalog, taxonomy, self.index, self.site, self.report)
        return self.report

    def read(self, label: str) -> ExportFiles:
        return ExportFiles(self.paths, label, self.progress)

    def items(self, label: str) -> Iterator[Item]:
        """The export's items, without a later item that repeats an earlier one's id (the
        survey reported it): it never overwrites the earlier one."""
        seen: set[int] = set()
        for kind, record in self.read(label):
            if kind != "item":
                continue
            if record.wp_id is not None and not record.problems:
                if record.wp_id in seen:
                    continue
                seen.add(record.wp_id)
            yield record

    def item(self, item: Item) -> None:
        if item.problems:
            self.unreadable(item)
        elif item.post_type in ("attachment", "wp_block"):
            return
        elif item.post_type not in self.options.post_types:
            self.report.count("items skipped", f"type {item.post_type or 'unknown'}")
        elif item.status == "trash":
            self.trashed(item)
        elif item.status in ("auto-draft", "inherit"):
            self.report.count("items skipped", item.status)
        else:
            self.post(item)
        if item.other_comments:
            self.report.count("comments", "not imported", item.other_comments)

    def unreadable(self, item: Item) -> None:
        """An item the export holds in a shape the importer cannot read. A post (or an item
        whose type could not be read, as in one over the size cap) is a post that could not be
        imported: it fails the run like any other; anything else is only reported."""
        problems = "; ".join(item.problems)
        skipped = item.status in ("trash", "auto-draft", "inherit")
        if item.post_type in ("", *self.options.post_types) and not skipped:
            self.report.warn("failed", f"{item.label}: could not be read: {problems}")
        else:
            self.report.warn("unreadable", f"{item.label}: {problems}")

    def post(self, item: Item, *, relinking: bool = False) -> None:
        try:
            plan = self.planner.plan(item, quiet=relinking)
            origin = self.origins.get(plan.wp_id)
            fingerprint = plan.fingerprint()
            unchanged = bool(origin and origin.page_id and origin.fingerprint == fingerprint)
            page = None
            if origin and origin.page_id in self.elsewhere and not relinking:
                self.report.warn(
                    "elsewhere",
                    f"{item.label}: imported before as page {origin.page_id}, which is not under "
                    "--index; it stays where it is",
                )
            if origin and origin.page_id and (not unchanged or plan.kind == "feed"):
                page = Page.objects.get(pk=origin.page_id).specific
            if self.dry_run:
                self.dry(plan, page, unchanged)
                return
            created = False
            with transaction.atomic():
                if not unchanged:
                    page, created, restriction = save_page(
                        plan,
                        self.index,
                        page,
                        self.validated(plan),
                        restriction=origin.restriction if origin and page else "",
                        report=self.report,
                    )
                    self._redirects(plan, page.pk, page=page)
                    WordPressOrigin.objects.update_or_create(
                        site=self.catalog.site,
                        kind=WordPressOrigin.Kind.POST,
                        wp_id=plan.wp_id,
                        defaults={
                            "page": page,
                            "fingerprint": fingerprint,
                            "restriction": restriction,
                        },
                    )
                    origin = Origin(page.pk, fingerprint, restriction)
                else:  # nothing to write, but the same report lines as the first run
                    self._redirects(plan, origin.page_id)
                if plan.kind == "feed":
                    sync_entries(page, plan.entries, self.catalog.site, self.report, plan.label)
        except Exception as error:  # one failing post never stops the rest
            self.report.warn("failed", f"{item.label}: {content.describe(error)}")
            return
        self.origins[plan.wp_id], self.pages[plan.wp_id] = origin, origin.page_id
        if plan.waiting_for and not relinking:
            self.waiting[plan.wp_id] = plan.waiting_for
        what = "live feeds" if plan.kind == "feed" else "articles"
        outcome = "unchanged" if unchanged else ("created" if created else "updated")
        self.report.count(what, "links rewritten" if relinking else outcome)
        if self.verbose:
            urls = self._urls(plan, page)
            self.say(f"{outcome} {plan.kind} {plan.title!r} (WordPress {plan.wp_id}): {urls}")

    def _urls(self, plan: PostPlan, page: Page | None) -> str:
        """The "old URL → new URL" of a post, for the per-post line."""
        # Read again: publishing a new slug moves the page's URL in the database only.
        page = Page.objects.filter(pk=page.pk if page else self.pages.get(plan.wp_id)).first()
        old = plan.link or (plan.old_paths[0] if plan.old_paths else "(no old URL)")
        line = f"{old} → {self._new_url(page)}"
        return line if plan.public else f"{line} (not public: no redirect)"

    def _new_url(self, page: Page | None) -> str:
        """The page's URL as readers reach it (its tree path when no site serves it)."""
        if page is None:
            return "(no page)"
        return page.get_url() or page.url_path

    def _redirects(self, plan: PostPlan, page_id: int, *, page: Page | None = None) -> None:
        """A public post's old URLs redirect to its page (those missing are created again for
        an unchanged post too); a post that is not public has none."""
        paths = plan.old_paths
        # Its own old URLs, each with the pages of the posts (of this export) that may have
        # taken it in an earlier import: its guid, earlier slug or canonical URL names it.
        own = {
            path: [self.pages[wp_id] for wp_id in claims if wp_id in self.pages]
            for path in plan.own_paths
            if (claims := self.catalog.claims.get(path, set()) - {plan.wp_id})
        }
        feed = post_feed_path(self.catalog.old_path(plan.link) if plan.link else None)
        feeds = [feed] if feed and feed not in paths else []
        if not plan.public:
            removed = drop_redirects(paths + feeds, self.site, page_id, own)
            self.report.count("redirects", "removed (the post is not public)", removed)
        elif page is not None or page_id not in self.elsewhere:
            save_redirects(
                paths + feeds, self.site, self.report, plan.label, page_id=page_id, own=own
            )
        else:  # left in another index: its redirects were made for that index's site
            save_redirects(
                paths, self.site, self.report, plan.label, page_id=page_id, create=False, own=own
            )

    def validated(self, plan: PostPlan):
        plan.check_times()
        if plan.kind == "feed":
            return validation.clean_rich_text(plan.summary, SUMMARY_FEATURES)
        stream_block = NewsArticlePage._meta.get_field("body").stream_block
        return content.clean_blocks(plan.body, stream_block, settings.ARTICLE_BODY_MAX_BYTES)

    def dry(self, plan: PostPlan, page: Page | None, unchanged: bool) -> None:
        """Check and print what the import would do with a post."""
        plan.check_times()
        if plan.kind == "feed":
            validation.clean_rich_text(plan.summary, SUMMARY_FEATURES)
            stream_block = LiveEntry._meta.get_field("body").stream_block
            for entry in plan.entries:
                if not entry.deleted:
                    body = content.without_pending(entry.body)
                    content.clean_blocks(body, stream_block, settings.ENTRY_BODY_MAX_BYTES)
            count_entry_changes(page, plan.entries, self.catalog.site, self.report)
        else:
            stream_block = NewsArticlePage._meta.get_field("body").stream_block
            body = content.without_pending(plan.body)
            content.clean_blocks(body, stream_block, settings.ARTICLE_BODY_MAX_BYTES)
        action = "keep" if unchanged else ("update" if page is not None else "create")
        outcome = {"create": "to create", "update": "to update", "keep": "unchanged"}[action]
        self.report.count("live feeds" if plan.kind == "feed" else "articles", outcome)
        # Where readers will find it: its URL, as the -v2 line of a real run says it.
        where = self._new_url(page) if page is not None else ""
        if action == "update" and not keeps_slug(page, plan.slug):  # a changed post_name
            parent = page.get_parent()
            reserved = self.planned_slugs if parent.pk == self.index.pk else set()
            slug = unique_slug(parent, plan.slug, page, reserved=reserved)
            reserved.add(slug)
            where = f"{self._new_url(parent)}{slug}/"
        if action == "create":  # the slug the real run would give it, after the posts before
            slug = unique_slug(self.index, plan.slug, reserved=self.planned_slugs)
            self.planned_slugs.add(slug)
            where = f"{self._new_url(self.index)}{slug}/"
        entries = sum(not entry.deleted for entry in plan.entries)
        extra = f", {entries} entries" if plan.kind == "feed" else ""
        redirects = f"{len(plan.old_paths)} old URLs" if plan.public else "no redirects: not public"
        self.say(
            f"{action} {plan.kind} {plan.title!r} (WordPress {plan.wp_id})"
            + (f" at {where}" if action != "keep" else "")
            + f" [{plan.status}, {len(plan.body)} blocks{extra}, {redirects}]"
        )

    def trashed(self, item: Item) -> None:
        """A post in the trash: left out, and taken down if an earlier import made it a page
        (``trash``); its fingerprint is forgotten, so a post restored later is written again."""
        origin = self.origins.get(item.wp_id or 0)
        page = Page.objects.filter(pk=origin.page_id).first() if origin and origin.page_id else None
        if page is None:
            self.report.count("items skipped", "trash")
            return
        if self.dry_run:
            if is_up(page):
                self.report.count("articles", "to unpublish (trashed)")
            else:
                self.report.count("items skipped", "trash")
            return
        try:
            with transaction.atomic():
                paths = trashed_paths(self.catalog, item)
                done = take_down(page.specific, paths, self.site, self.report)
                if origin.fingerprint:
                    WordPressOrigin.objects.filter(
                        site=self.catalog.site, kind=WordPressOrigin.Kind.POST, wp_id=item.wp_id
                    ).update(fingerprint="")
        except Exception as error:  # one failing post never stops the rest
            self.report.warn("failed", f"{item.label}: {content.describe(error)}")
            return
        self.origins[item.wp_id] = Origin(page.pk, "", origin.restriction)
        if done:
            self.say(f"{done} (trashed) {item.label}: {self._new_url(page)}")

    def _media_redirects(self) -> None:
        catalog = self.catalog
        for wp_id, url in self.media.files.items():
            attachment = catalog.attachments[wp_id]
            folder = attachment.url.rpartition("/")[0]
            paths = [catalog.old_path(attachment.url), catalog.old_path(attachment.link)]
            if folder:
                paths += [catalog.old_path(f"{folder}/{quote(n)}") for n in attachment.sizes]
            # WordPress answers ?attachment_id=N whatever its permalinks, but to anonymous
            # readers only for a file not attached to an unpublished post: no more here.
            query = catalog.query_path("attachment_id", wp_id)
            paths = [path for path in paths if path and path != query]
            stale_link = self.media.stale_files.get(wp_id, "")
            if not attachment.parent or attachment.parent in catalog.public_posts:
                paths.append(query)
            else:  # attached to a post no longer public: an earlier run's redirect goes
                removed = drop_link_redirects([query], self.site, [url, stale_link])
                self.report.count("redirects", "removed (the post is not public)", removed)
            save_redirects(
                paths,
                self.site,
                self.report,
                f"attachment {wp_id}",
                link=url,
                stale_link=stale_link,
            )


def find_index(value: str) -> Page:
    """The news index named by a URL path (``/news/``, on any site, the default site first) or a
    page id; ``ValueError`` naming the problem otherwise."""
    from wagtail.models import Site

    from ..converters import parse_id
    from ..models import LiveFeedPage

    value = (value or "").strip()
    page = None
    pk = parse_id(value)
    if pk is not None:
        page = Page.objects.filter(pk=pk).first()
    elif value.startswith("/") and len(value) < 1000 and "\x00" not in value:
        parts = [part for part in value.split("/") if part]
        for site in Site.objects.select_related("root_page").order_by("-is_default_site", "pk"):
            url_path = site.root_page.url_path + "".join(f"{part}/" for part in parts)
            page = Page.objects.filter(url_path=url_path).first()
            if page is not None:
                break
    if page is None:
        raise ValueError(f"--index {value[:100]!r}: no page has that path or id")
    page = page.specific
    if not (NewsArticlePage.can_create_at(page) and LiveFeedPage.can_create_at(page)):
        raise ValueError(
            f"--index {value[:100]!r}: {page.title!r} is a {page._meta.verbose_name}, "
            "not a news index (news articles and live feeds cannot be added under it)"
        )
    return page
