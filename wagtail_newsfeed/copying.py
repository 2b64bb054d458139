"""View restrictions for the pages a copy makes.

Wagtail's ``CopyPageAction`` (behind the admin's copy view and ``Page.copy``) gives a copied
tree only the copied page's own view restrictions, and only once the whole tree is copied: a
private story, or a private page of any type above stories, inside a copied public section
would be published in the open. No signal of a copy names the page it was made from, so the
action is found on the stack while it saves each new page, and the page is given the
restrictions of the page it copies there: in ``Page.save``'s transaction, before Wagtail
publishes it, so no reader, cache, purge or webhook sees it public.
"""

from __future__ import annotations

import inspect
from typing import Any

from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import Page, PageViewRestriction

from .webhooks.events import suppressed

#: What a restriction asks of a reader: its type, password and groups.
Demand = tuple[str, str, frozenset[int]]


def running_copy() -> CopyPageAction | None:
    """The copy action that is saving or publishing a page now (on the caller's stack), if
    any."""
    frame = inspect.currentframe()
    while frame is not None:
        action = frame.f_locals.get("self")
        if isinstance(action, CopyPageAction):
            return action
        frame = frame.f_back
    return None


def source_of(copy: Page, action: CopyPageAction) -> Page | None:
    """The page ``copy`` was made from: at the same place below the copied page as ``copy``
    is below its copy (only the copied page may get a new slug; the pages below keep theirs).
    ``None`` for a page the action did not make."""
    top = action.page
    destination = action.to or top.get_parent()
    depth = destination.depth + 1  # the copy of the copied page
    if copy.depth < depth or not copy.path.startswith(destination.path):
        return None
    root_url_path = (
        Page.objects.filter(path=copy.path[: Page.steplen * depth])
        .values_list("url_path", flat=True)
        .first()
    )
    if root_url_path is None or not copy.url_path.startswith(root_url_path):
        return None
    return Page.objects.filter(
        path__startswith=top.path,
        depth=top.depth + copy.depth - depth,
        url_path=top.url_path + copy.url_path[len(root_url_path) :],
    ).first()


def _demand(restriction: PageViewRestriction) -> Demand:
    groups = frozenset(restriction.groups.values_list("pk", flat=True))
    return restriction.restriction_type, restriction.password, groups


def missing_restrictions(
    copy: Page, source: Page, action: CopyPageAction
) -> list[PageViewRestriction]:
    """The restrictions of ``source`` that Wagtail will not give ``copy``. Once a page and the
    pages below it are copied, Wagtail gives its copy the copied page's own restrictions if
    nothing above the copy is restricted by then; it gives it nothing of its own source's."""
    given: set[Demand] = set()
    if not copy.get_parent().get_view_restrictions().exists():
        given = {_demand(restriction) for restriction in action.page.view_restrictions.all()}
    own = source.view_restrictions.all()
    return [restriction for restriction in own if _demand(restriction) not in given]


def page_saved(instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """``post_save``: a page a copy has just made gets the view restrictions of the page it
    copies. It was never public, so no webhook tells of it going private."""
    if not created or raw or not isinstance(instance, Page):
        return
    action = running_copy()
    source = source_of(instance, action) if action is not None else None
    if source is None:
        return
    with suppressed():
        for restriction in missing_restrictions(instance, source, action):
            carried = PageViewRestriction(
                page=instance,
                restriction_type=restriction.restriction_type,
                password=restriction.password,
            )
            carried.save(user=action.user)
            carried.groups.set(restriction.groups.all())
