"""Webhooks for changes that show or hide pages without publishing them: a view restriction added
to or removed from a page (it covers the page and everything below it), a page moved (its
paths change, and it may go into or out of a private section) and a page renamed (a new slug
gives every page below it a new path too).

A live article or feed that readers could see and now cannot is reported unpublished; one they
now can see, published; one that stays visible at a new place, updated with its old paths too,
so that a frontend revalidates both. As everywhere, nothing is sent about a page readers could
not see before and cannot see now. Receivers are connected on import with lazy senders (this
module imports no model at import time).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

#: Page id → {id of a visible news page in its subtree: its data and its own paths (the page's
#: and its listing's) before the move}, from ``pre_page_move`` to ``post_page_move``.
_moving: dict[int, dict[int, tuple[dict[str, Any], list[str]]]] = {}


def visible_news_pages(path: str, *, followers: bool = True) -> list[Any]:
    """The articles and feeds at or below the page at ``path`` that readers can see now, and
    with ``followers`` those elsewhere whose visibility follows them (their aliases along a
    chain, and the pages below those: ``visibility.with_followers``)."""
    from django.apps import apps
    from wagtail.models import Page

    from ..models import LiveFeedMixin, NewsArticleMixin
    from ..visibility import feed_aliases, visible_pages, with_followers

    models = [m for m in apps.get_models() if issubclass(m, NewsArticleMixin | LiveFeedMixin)]
    pages = Page.objects.filter(path__startswith=path)
    if followers:
        pages = with_followers(pages)
    pages = pages.type(*models)
    pages = pages.exclude(pk__in=feed_aliases().values("pk"))  # a feed's second address
    return list(visible_pages(pages).specific().order_by("path"))


def copied_in_private() -> bool:
    """Whether a page being published now is a copy (Wagtail's ``CopyPageAction``, from the admin,
    its API or code) that will be private when the copy is done. Wagtail publishes each copy
    as it is made and gives the copies the copied page's own view restrictions only after
    all of them, so a copy of a private page or section looks public while it is published:
    announcing it would tell receivers about a private story (and its restriction, a moment
    later, that it went). The action running the copy is the caller of the signal."""
    from ..copying import running_copy  # it imports the webhooks' events, which import this

    action = running_copy()
    return action is not None and action.page.view_restrictions.exists()


def announce(page: Any, change: str, data: dict[str, Any] | None = None) -> list[Any]:
    """``article.published`` / ``.updated`` / ``.unpublished`` for an article, ``feed.changed``
    with that ``action`` for a feed, to the subscribed endpoints; ``data`` replaces the page's
    current ids and paths (a page that left readers' sight is reported where they last saw it).
    Returns the deliveries, for the caller to send together (``send_after_commit``): a section
    of many pages then costs the request one budget of waiting, not one per page."""
    from ..models import NewsArticleMixin, WebhookEvent
    from .events import create_deliveries, page_data, subscribed_endpoints

    if isinstance(page, NewsArticleMixin):
        event = WebhookEvent(f"article.{change}")
    else:
        event = WebhookEvent.FEED_CHANGED
    endpoints = subscribed_endpoints(event)
    if not endpoints:
        return []
    data = dict(data or page_data(page))
    if event == WebhookEvent.FEED_CHANGED:
        data["action"] = change
    return create_deliveries(event, data, endpoints)


def _has_endpoints() -> bool:
    from ..models import WebhookEndpoint

    return WebhookEndpoint.objects.filter(is_active=True).exists()


# View restrictions -----------------------------------------------------------------------------


def restriction_saving(instance: Any, **kwargs: Any) -> None:
    """``pre_save``: before a new restriction hides them, note the pages readers can see."""
    if instance._state.adding and _has_endpoints() and not copied_in_private():
        instance._newsfeed_visible = visible_news_pages(instance.page.path)


def restriction_saved(instance: Any, created: bool = False, **kwargs: Any) -> None:
    """``post_save``: what was visible below the new restriction is not any more."""
    from .events import send_after_commit

    pages = getattr(instance, "_newsfeed_visible", ()) if created else ()
    send_after_commit([d for page in pages for d in announce(page, "unpublished")])
    instance._newsfeed_visible = []


def restriction_deleted(instance: Any, **kwargs: Any) -> None:
    """``post_delete``: what readers can see below the page after the commit was hidden by this
    restriction. Decided after the commit, as a page being deleted deletes its restrictions
    first (and then is gone)."""
    path = instance.page.path if _has_endpoints() else None
    if path is not None:
        transaction.on_commit(lambda: _restriction_lifted(path))


def _restriction_lifted(path: str) -> None:
    from .events import send_after_commit

    send_after_commit([d for page in visible_news_pages(path) for d in announce(page, "published")])


# Moves -------------------------------------------------------------------------------------


def page_moving(instance: Any, url_path_before: str = "", url_path_after: str = "", **kw: Any):
    """``pre_page_move``: note the visible news pages of the subtree and where they are."""
    from wagtail.models import Page

    from .events import own_paths, page_data

    _moving.pop(instance.pk, None)
    if url_path_before == url_path_after or not _has_endpoints():
        return
    path = Page.objects.filter(pk=instance.pk).values_list("path", flat=True).first()
    if path is not None:
        pages = visible_news_pages(path)
        _moving[instance.pk] = {p.pk: (page_data(p), own_paths(p)) for p in pages}


def page_moved(instance: Any, **kwargs: Any) -> None:
    """``post_page_move``: report each news page of the subtree whose visibility or place
    changed for readers."""
    from .events import page_data, send_after_commit

    before = _moving.pop(instance.pk, None)
    if before is None:
        return
    after = {page.pk: page for page in visible_news_pages(instance.path)}
    deliveries = []
    for pk, (old, old_own) in before.items():
        page = after.get(pk)
        if page is None:  # now in a private section: reported where readers last saw it
            deliveries += announce(_specific(pk), "unpublished", old)
            continue
        if not page.path.startswith(instance.path):
            continue  # an alias elsewhere (or a page below one), still seen where it was
        data = page_data(page)
        data["previous_paths"] = old_own
        # The old paths belong to the Site the page was on: another one after a move there.
        if old.get("site") != data.get("site"):
            data["previous_site"] = old.get("site")
        for root, paths in [(old.get("site"), old["paths"]), *old.get("other_sites", {}).items()]:
            kept = data["paths"] if root == data.get("site") else _other(data, root)
            kept += [path for path in paths if path not in kept]
        deliveries += announce(page, "updated", data)
    for pk, page in after.items():
        if pk not in before:
            deliveries += announce(page, "published")
    send_after_commit(deliveries)


def _other(data: dict[str, Any], root: str) -> list[str]:
    """The list of paths ``data`` names on the Site at ``root``, not the one it reports on."""
    return data.setdefault("other_sites", {}).setdefault(root, [])


def page_renamed(instance: Any, instance_before: Any, **kwargs: Any) -> None:
    """``page_slug_changed`` (after commit): a new slug moved every page below the renamed one
    to a new URL, so each visible news page there is reported updated with its old paths too,
    as after a move. The renamed page itself is reported by ``events.page_published``."""
    from .events import page_data, renamed_paths, send_after_commit

    if not _has_endpoints():
        return
    renamed = renamed_paths(instance, instance_before.url_path)
    if renamed is None:  # no URL moved (a site's root page)
        return
    deliveries = []
    # Aliases elsewhere keep their own paths.
    for page in visible_news_pages(instance.path, followers=False):
        if page.pk == instance.pk:
            continue  # reported by ``events.page_published``
        data = page_data(page, renamed=renamed)
        if "previous_paths" in data:
            deliveries += announce(page, "updated", data)
    send_after_commit(deliveries)


def _specific(pk: int) -> Any:
    from wagtail.models import Page

    return Page.objects.get(pk=pk).specific
