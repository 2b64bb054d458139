"""Writing a planned post as a page: a news article or a live feed under the chosen index.

Pages are written the way an editor's actions write them, so Wagtail's history, revisions,
search index, signals (cache purges) and the model's own validation all see an ordinary page:
a new page is added to the tree, every change is a new revision, and publishing goes through
``revision.publish``. The WordPress status decides the outcome: published posts go live with their
original first-publish time, scheduled ones wait for ``go_live_at`` (a page already live is taken
down until then, as WordPress does), drafts stay drafts (a page already live is unpublished, a
scheduled one's schedule cancelled), private posts are live behind a login and
password-protected ones behind their password: a restriction the import gave, never one an editor
set in Wagtail, which is kept.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from wagtail.models import Page, PageViewRestriction

from ..models import ArticleAuthor, LiveFeedPage, NewsArticlePage
from .posts import PostPlan
from .report import Report


class KindChanged(ValueError):
    """A post imported as one kind of page now needs the other (it became a live blog)."""


def unique_slug(
    parent: Page, base: str, page: Page | None = None, reserved: set[str] | None = None
) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no sibling of ``page`` uses, nor any
    of ``reserved`` (the slugs a dry run has planned so far)."""
    base = base[:245].strip("-") or "post"
    siblings = parent.get_children().filter(slug__startswith=base)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.values_list("slug", flat=True)) | (reserved or set())
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def keeps_slug(page: Page, slug: str) -> bool:
    """Whether an update leaves the page's slug as it is: the post's slug, with or without the
    suffix ``unique_slug`` gave it (a changed ``post_name`` gives the page a new one)."""
    return re.fullmatch(re.escape(slug[:245]) + r"(-\d+)?", page.slug) is not None


def _fields(page: Any, plan: PostPlan, body: Any) -> None:
    page.title = plan.title
    page.draft_title = plan.title
    page.seo_title = plan.seo_title
    page.search_description = plan.search_description
    page.go_live_at = plan.go_live_at if plan.status == "scheduled" else None
    if isinstance(page, NewsArticlePage):
        page.standfirst = plan.standfirst
        page.body = body
        page.published_at = plan.published_at
        page.updated_at = plan.updated_at
        page.is_breaking = plan.is_breaking
        page.lead_image_id = plan.lead_image
        page.lead_image_caption = plan.lead_caption
        page.topics.set(plan.topics)
        page.tags.set(plan.tags)
        page.article_authors = [
            ArticleAuthor(author=author, sort_order=order)
            for order, author in enumerate(plan.authors)
        ]
    else:
        page.summary = body
        page.coverage_status = plan.coverage_status
        page.coverage_start = plan.coverage_start
        page.coverage_end = plan.coverage_end


def save_page(
    plan: PostPlan,
    index: Page,
    page: Page | None,
    body: Any,
    *,
    restriction: str,
    report: Report,
) -> tuple[Page, bool, str]:
    """Create or update the page for ``plan`` (``body``: the validated body or summary;
    ``restriction``: the marker of the view restriction an earlier import gave it); returns the
    page, whether it was created, and the marker of the restriction the import gave it now."""
    model = LiveFeedPage if plan.kind == "feed" else NewsArticlePage
    if page is not None and not isinstance(page, model):
        raise KindChanged(
            f"it was imported as a {page._meta.verbose_name} and is now a "
            f"{model._meta.verbose_name}; delete page {page.pk} to import it again"
        )
    first_published = plan.published_at if plan.status in ("live", "private") else None
    created = page is None
    if page is None:
        page = model(slug=unique_slug(index, plan.slug), live=False, owner=plan.owner)
        page.first_published_at = first_published
        _fields(page, plan, body)
        index.add_child(instance=page)
    else:
        if not keeps_slug(page, plan.slug):
            page.slug = unique_slug(page.get_parent(), plan.slug, page)
        if first_published and page.first_published_at != first_published:
            # Publishing keeps the first-publish time the page row holds, not the revision's.
            Page.objects.filter(pk=page.pk).update(first_published_at=first_published)
            page.first_published_at = first_published
        _fields(page, plan, body)
        if plan.status == "scheduled" and page.live:
            # WordPress takes a post rescheduled to a later date off the site until then, where
            # Wagtail would keep the live version up; taken down before the revision is saved,
            # so the revision does not carry the old live version along.
            page.unpublish()
    revision = page.save_revision(user=plan.owner, log_action=True)
    # Restricted before it is published: whatever the publish signal reaches (webhooks, feeds,
    # cache purges) sees a private or password-protected post as what it is, never as public.
    restriction = _restrict(page, plan, restriction, report)
    # The owner (from --authors-map) is named in the history; the import itself decides what is
    # published, whatever that user's own permissions.
    if plan.status in ("live", "private", "scheduled"):
        revision.publish(user=plan.owner, skip_permission_checks=True)
    else:
        if page.live:
            page.unpublish()
        cancel_schedule(page)
    return page, created, restriction


def cancel_schedule(page: Page) -> bool:
    """Cancel the scheduled publish of a page (a post back to draft, or trashed), so
    ``publish_scheduled`` never makes it live; whether there was one."""
    scheduled = list(page.revisions.filter(approved_go_live_at__isnull=False))
    for revision in scheduled:
        revision.approved_go_live_at = None
        # Wagtail logs "wagtail.schedule.cancel" for this save, as its admin does.
        revision.save(update_fields=["approved_go_live_at"])
    if page.go_live_at is not None or scheduled:
        Page.objects.filter(pk=page.pk).update(go_live_at=None)
        page.go_live_at = None
    return bool(scheduled)


def restriction_marker(restriction: PageViewRestriction) -> str:
    """What ``WordPressOrigin.restriction`` records of a restriction the import gave: its id and
    a digest of its type and password, so one an editor changed since is no longer the import's."""
    what = f"{restriction.restriction_type}\x00{restriction.password or ''}"
    digest = hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{restriction.pk}:{digest}"


def _restrict(page: Page, plan: PostPlan, given: str, report: Report) -> str:
    """Private posts need a login, password-protected ones their password. Only the restriction
    the import gave the page (``given``, from ``restriction_marker``) follows WordPress: one an
    editor added or changed in Wagtail is kept, even on a post WordPress says is public (privacy
    first), with a report line. Returns the marker of the import's restriction now, or ""."""
    current = list(PageViewRestriction.objects.filter(page=page))
    own = next((r for r in current if given and restriction_marker(r) == given), None)
    others = [r for r in current if r is not own]
    if plan.status == "private":
        wanted = (PageViewRestriction.LOGIN, "")
    elif plan.password:
        wanted = (PageViewRestriction.PASSWORD, plan.password)
    else:
        wanted = None
    if wanted is None:
        if own is not None:
            own.delete()
        if others:
            report.warn(
                "restriction",
                f"{plan.label}: WordPress says it is public; the view restriction set in Wagtail "
                "is kept (remove it in Wagtail to make the page public)",
            )
        return ""
    if own is None and others:
        # Already behind a restriction the import did not give (an editor's, or one an earlier
        # version of the importer gave without recording it): that one stands.
        if all((r.restriction_type, r.password or "") != wanted for r in others):
            report.warn(
                "restriction",
                f"{plan.label}: WordPress asks for {_describe(wanted)}; kept the view restriction "
                "set in Wagtail instead",
            )
        return ""
    own = own or PageViewRestriction(page=page)
    if own.pk is None or (own.restriction_type, own.password or "") != wanted:
        own.restriction_type, own.password = wanted
        own.save()
    return restriction_marker(own)


def _describe(wanted: tuple[str, str]) -> str:
    return "a login" if wanted[0] == PageViewRestriction.LOGIN else "its password"
