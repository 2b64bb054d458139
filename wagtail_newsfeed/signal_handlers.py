"""Signal handlers: purge the CDN when articles and live feeds change, and keep search current.

Connected in ``WagtailNewsfeedConfig.ready()``. Handlers accept any page built on the mixins
(``NewsArticleMixin``, ``LiveFeedMixin``), so sites with their own page classes are covered too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.search import index
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from . import caching, copying, delta, entry_rules, fragments, purging
from .entry_rules import entries_changed
from .invalidation import listings
from .models import (
    Author,
    LiveEntry,
    LiveFeedMixin,
    LiveFeedPage,
    NewsArticleMixin,
    NewsArticlePage,
    Source,
    Topic,
)
from .webhooks import access as webhook_access
from .webhooks import budget as webhook_budget
from .webhooks import events as webhook_events

logger = logging.getLogger(__name__)


def remember_listings(instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Before a full save of an article (what publishing does), note the topics, authors and
    source it is listed under, so a purge (and a webhook payload, which names the same paths)
    reaches the listings it leaves too."""
    if (
        update_fields is None
        and isinstance(instance, NewsArticleMixin)
        and (purging.frontend_cache_enabled() or webhook_events.has_endpoints())
    ):
        listings.remember_listings(instance)


def _page_changed(instance: Any, **kwargs: Any) -> None:
    """Purge what shows a published or unpublished page once the change commits (the URLs
    are worked out now: a deleted page is gone by then)."""
    if purging.frontend_cache_enabled() and isinstance(instance, NewsArticleMixin | LiveFeedMixin):
        purging.purge_after_commit(purging.page_urls(instance, listings.listings_before(instance)))


def taxonomy_saved(instance: Any, **kwargs: Any) -> None:
    """A topic, author or source saved (renamed, say): purge what shows its name, and after a
    new slug its old URLs (``webhooks.events.taxonomy_saving`` noted the slug before)."""
    if purging.frontend_cache_enabled():
        slug_before = getattr(instance, "_newsfeed_slug_before", None)
        purging.purge_after_commit(purging.taxonomy_urls(instance, slug_before))


def taxonomy_deleted(instance: Any, **kwargs: Any) -> None:
    """``pre_delete``: while it can still be found on the stories that made it public."""
    if purging.frontend_cache_enabled():
        purging.purge_after_commit(purging.taxonomy_urls(instance))


#: What an entry's byline shows of an author (``serialization.author_json``): a change to another
#: field (the biography, the linked user) changes no entry.
BYLINE_FIELDS = ("name", "slug", "role", "photo_id")


def _bylined_by(author_ids: Any) -> QuerySet:
    return LiveEntry.objects.filter(author_links__author_id__in=author_ids)


def author_saving(instance: Author, raw: bool = False, **kwargs: Any) -> None:
    """``pre_save``: note what bylines show of the author, to compare after the save."""
    if not raw and instance.pk is not None:
        saved = Author.objects.filter(pk=instance.pk).values(*BYLINE_FIELDS).first()
        instance._newsfeed_byline_before = saved


def author_saved(instance: Author, raw: bool = False, **kwargs: Any) -> None:
    """A new name, slug, role or photo changes every entry with the author on its byline: they
    get new versions, so delta sync gives them again (``entry_rules.restamp_entries``)."""
    before = getattr(instance, "_newsfeed_byline_before", None)
    if raw or before is None:
        return
    if any(getattr(instance, name) != before[name] for name in BYLINE_FIELDS):
        entry_rules.restamp_entries(_bylined_by([instance.pk]))


def author_deleting(instance: Author, **kwargs: Any) -> None:
    """``pre_delete``, while the byline links still name the author: the entries lose them."""
    entry_rules.restamp_entries(_bylined_by([instance.pk]))


def image_deleting(instance: Any, **kwargs: Any) -> None:
    """``pre_delete`` of an image: the authors it is the photo of lose it (``SET_NULL``, which
    saves no author), so their entries' bylines change."""
    entry_rules.restamp_entries(_bylined_by(Author.objects.filter(photo=instance).values("pk")))


def _restamp_feeds_at_or_below(page: Any) -> None:
    """Every entry of the live feeds at or below ``page`` has a new ``url``: they get new
    versions, so delta sync gives them again (``entry_rules.restamp_entries``: one read and one
    update per feed). Wagtail sends the move and the new slug after its commit: a failure here is
    logged (``_in_the_change``)."""
    path = Page.objects.filter(pk=page.pk).values_list("path", flat=True).first()
    if path is not None:
        entries = LiveEntry.objects.filter(feed__path__startswith=path)
        _in_the_change(lambda: entry_rules.restamp_entries(entries))


def entries_moved(
    instance: Any, url_path_before: str = "", url_path_after: str = "", **kwargs: Any
) -> None:
    """A feed, or a page above feeds, moved to a new URL (not a reorder among siblings)."""
    if url_path_before != url_path_after:
        _restamp_feeds_at_or_below(instance)


def entries_renamed(instance: Any, **kwargs: Any) -> None:
    """A feed, or a page above feeds, given a new slug."""
    _restamp_feeds_at_or_below(instance)


def page_renamed(instance: Any, instance_before: Any, **kwargs: Any) -> None:
    """After a new slug (Wagtail sends this after commit): an article's or feed's old URL; for
    any other page, what named the pages below it at their old URLs (``purging.section_urls``:
    the feeds, sitemaps and API answers listing or showing them, and their old lookups)."""
    if not purging.frontend_cache_enabled():
        return
    if isinstance(instance, NewsArticleMixin | LiveFeedMixin):
        purging.purge(purging.moved_page_urls(instance, None, instance_before.url_path))
    else:
        purging.purge(purging.section_urls(instance, instance_before.url_path))


def view_restriction_changed(instance: PageViewRestriction, **kwargs: Any) -> None:
    """A page made private (or public again) changes what the frontend cache may show of it
    and of every page under it, and the listings that show them: purge all that once the
    change commits (before, the next request could cache the old state again)."""
    if not purging.frontend_cache_enabled():
        return
    page_id = instance.page_id

    def purge_after_commit() -> None:
        page = Page.objects.filter(pk=page_id).first()
        if page is not None:
            purging.purge(purging.restricted_page_urls(page))

    transaction.on_commit(purge_after_commit)


def reindex_published_article(instance: Any, **kwargs: Any) -> None:
    """Index the article again once its topics and tags are saved.

    Wagtail indexes a page on ``post_save``, before modelcluster writes the page's
    ``ParentalManyToManyField``s; with an immediate task backend the index would miss the topics.
    """
    if isinstance(instance, NewsArticleMixin):
        index.insert_or_update_object(instance)


def page_moved(
    instance: Any,
    parent_page_before: Any = None,
    url_path_before: str = "",
    url_path_after: str = "",
    **kwargs: Any,
) -> None:
    """A page moved: an article or feed at its old and new places; any other page, what named
    the pages below it at their old URLs (``purging.section_urls``)."""
    if url_path_before == url_path_after:  # a reorder among siblings: no URL changed
        return
    if not purging.frontend_cache_enabled():
        return
    specific = instance.specific
    if not isinstance(specific, NewsArticleMixin | LiveFeedMixin):
        purging.purge_after_commit(purging.section_urls(specific, url_path_before))
        return
    urls = purging.moved_page_urls(specific, parent_page_before, url_path_before)
    if isinstance(specific, NewsArticleMixin):
        urls |= purging.article_urls(specific)
    else:
        urls |= purging.live_feed_urls(specific, with_index=True)
    purging.purge_after_commit(urls)


def entries_were_changed(feed: Any, entries: Any = (), **kwargs: Any) -> None:
    if purging.frontend_cache_enabled():
        purging.purge(purging.live_feed_urls(feed, entries=entries))


def feed_page_changed(instance: Any, **kwargs: Any) -> None:
    """Publishing, unpublishing or deleting a feed may change whether it is visible:
    drop its cached version now and once the change commits (a poll in between could have
    cached it again from what the database showed before), so the next poll asks the database
    (``delta.cached_feed_version``).
    Any page will do (a cache delete of a missing key is cheap). Moves and view restrictions
    reach the feeds below the page too (``forget_feed_versions_below``)."""
    feed_id = instance.pk
    delta.forget_feed_version(feed_id)
    transaction.on_commit(lambda: delta.forget_feed_version(feed_id), robust=True)


def forget_feed_versions_below(instance: Any, **kwargs: Any) -> None:
    """A view restriction saved or deleted, or a page moved, may hide (or show) every live feed
    at or below that page: forget their cached versions now and once the change commits, so the
    next poll asks the database rather than answering "no news" for a feed now hidden."""
    if not caching.cache_is_shared():
        return  # versions are not kept in a cache other processes cannot see
    page_id = instance.page_id if isinstance(instance, PageViewRestriction) else instance.pk
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:
        return
    feed_ids = list(LiveFeedPage.objects.filter(path__startswith=path).values_list("pk", flat=True))

    def forget() -> None:
        for feed_id in feed_ids:
            delta.forget_feed_version(feed_id)

    forget()
    transaction.on_commit(forget, robust=True)


def _in_the_change(bump: Callable[[], None]) -> None:
    """Run ``bump`` as part of the change that sent the signal. In its transaction a failure
    fails the change (nothing saved). Outside one (a plain save in autocommit) the change is
    committed already: a failure is logged, and is not the change's answer."""
    if connection.in_atomic_block:
        bump()
        return
    try:
        bump()
    except DatabaseError:
        logger.exception("A change was saved, but its cache generation could not be moved on.")


def api_content_changed(**kwargs: Any) -> None:
    """What the API's cached article and taxonomy responses show may have changed. (Live
    entries move it in their own transaction: ``caching.entry_data_stale``.)"""
    _in_the_change(caching.bump_generation)


def rendered_content_changed(**kwargs: Any) -> None:
    """A page's URL or visibility, an author's name, an image, a document or a Site changed:
    pieces of reader pages that link to or show them are rendered afresh (``fragments``). Live
    entry changes are not among these: an entry's version keys its own pieces."""
    _in_the_change(fragments.renders_changed)


def page_saved(instance: Any, update_fields: Any = None, raw: bool = False, **kwargs: Any) -> None:
    """A full save of a page: what publishing, unpublishing and moving a page do (a draft's
    revision saves only some fields). Its generations move on here, inside ``Page.save``'s
    transaction: ``page_published``, ``page_unpublished`` and ``post_page_move`` come after
    Wagtail has committed, where a bump could wait on another transaction's lock, or fail,
    after the change is made."""
    if raw or update_fields is not None or not isinstance(instance, Page):
        return
    api_content_changed()
    rendered_content_changed()


def alias_created(instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """A live alias is a new live page, but Wagtail's create-alias action sends no
    ``page_published`` (a copy kept live does): what a publication purges and tells webhooks
    of, creating one does too (its save has moved the generations on: ``page_saved``)."""
    if not created or raw or not getattr(instance, "live", False):
        return
    if getattr(instance, "alias_of_id", None) is None:
        return
    for handler in (
        feed_page_changed,
        _page_changed,
        webhook_events.page_published,
    ):
        handler(instance=instance)


def register_signal_handlers() -> None:
    # Publishing, unpublishing and moving a page: in its transaction (``page_saved``).
    post_save.connect(page_saved, dispatch_uid="newsfeed_generations_page_saved")
    # A collection made private hides its documents (serialization.public_document).
    privacy = (PageViewRestriction, CollectionViewRestriction, Collection)
    for model in (Topic, Author, Source, *privacy, Site, get_image_model(), get_document_model()):
        for signal in (post_save, post_delete):
            signal.connect(
                api_content_changed,
                sender=model,
                dispatch_uid=f"newsfeed_api_cache_{model._meta.label}_{id(signal)}",
            )
    # Deleting a page deletes its specific row too; Django sends that model's signals. A feed
    # deleted takes its counter, which the API generation adds up (``caching``), with it.
    post_delete.connect(api_content_changed, sender=NewsArticlePage, dispatch_uid="nf_api_del")
    post_delete.connect(api_content_changed, sender=LiveFeedPage, dispatch_uid="nf_api_feed_del")
    for model in (
        Page,
        Topic,
        Author,
        Source,
        *privacy,
        Site,
        get_image_model(),
        get_document_model(),
    ):
        for signal in (post_save, post_delete) if model is not Page else (post_delete,):
            signal.connect(
                rendered_content_changed,
                sender=model,
                dispatch_uid=f"newsfeed_render_{model._meta.label}_{id(signal)}",
            )
    page_published.connect(feed_page_changed, dispatch_uid="newsfeed_version_published")
    page_unpublished.connect(feed_page_changed, dispatch_uid="newsfeed_version_unpublished")
    post_page_move.connect(forget_feed_versions_below, dispatch_uid="newsfeed_version_moved")
    pre_delete.connect(feed_page_changed, sender=LiveFeedPage, dispatch_uid="newsfeed_version_del")
    page_published.connect(reindex_published_article, dispatch_uid="newsfeed_reindex")
    pre_save.connect(remember_listings, dispatch_uid="newsfeed_purge_listings")
    page_published.connect(_page_changed, dispatch_uid="newsfeed_purge_published")
    page_slug_changed.connect(page_renamed, dispatch_uid="newsfeed_purge_slug")
    page_unpublished.connect(_page_changed, dispatch_uid="newsfeed_purge_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="newsfeed_purge_moved")
    post_save.connect(alias_created, dispatch_uid="newsfeed_alias_created")
    # A copy's pages keep the view restrictions of the pages they copy (Wagtail's keep the top's).
    post_save.connect(copying.page_saved, dispatch_uid="newsfeed_copy_restrictions")
    for signal in (post_save, post_delete):
        for handler, name in [
            (view_restriction_changed, "purge"),
            (forget_feed_versions_below, "version"),
        ]:
            signal.connect(
                handler,
                sender=PageViewRestriction,
                dispatch_uid=f"newsfeed_{name}_restriction_{id(signal)}",
            )
    pre_save.connect(author_saving, sender=Author, dispatch_uid="nf_restamp_author_saving")
    post_save.connect(author_saved, sender=Author, dispatch_uid="nf_restamp_author_saved")
    pre_delete.connect(author_deleting, sender=Author, dispatch_uid="nf_restamp_author_del")
    pre_delete.connect(image_deleting, sender=get_image_model(), dispatch_uid="nf_restamp_img")
    post_page_move.connect(entries_moved, dispatch_uid="nf_restamp_page_moved")
    page_slug_changed.connect(entries_renamed, dispatch_uid="nf_restamp_page_renamed")
    for model in (Topic, Author, Source):
        label = model._meta.label
        post_save.connect(taxonomy_saved, sender=model, dispatch_uid=f"nf_purge_{label}_save")
        pre_delete.connect(taxonomy_deleted, sender=model, dispatch_uid=f"nf_purge_{label}_del")
    entries_changed.connect(entries_were_changed, dispatch_uid="newsfeed_purge_entries")
    # Webhooks: what they send, and when, is decided in webhooks/events.py.
    pre_save.connect(webhook_events.remember_liveness, dispatch_uid="newsfeed_webhook_live")
    page_published.connect(webhook_events.page_published, dispatch_uid="newsfeed_webhook_pub")
    page_unpublished.connect(webhook_events.page_unpublished, dispatch_uid="newsfeed_webhook_unpub")
    pre_delete.connect(webhook_events.page_deleted, dispatch_uid="newsfeed_webhook_page_del")
    entries_changed.connect(
        webhook_events.queue_entry_events, dispatch_uid="newsfeed_webhook_entries"
    )
    # ... and what a view restriction or a move changes for readers, in webhooks/access.py.
    restriction = PageViewRestriction
    pre_save.connect(webhook_access.restriction_saving, sender=restriction, dispatch_uid="nf_wh_vr")
    post_save.connect(webhook_access.restriction_saved, sender=restriction, dispatch_uid="nf_wh_vr")
    post_delete.connect(
        webhook_access.restriction_deleted, sender=restriction, dispatch_uid="nf_wh_vr"
    )
    pre_page_move.connect(webhook_access.page_moving, dispatch_uid="nf_webhook_page_moving")
    post_page_move.connect(webhook_access.page_moved, dispatch_uid="nf_webhook_page_moved")
    page_slug_changed.connect(webhook_access.page_renamed, dispatch_uid="nf_webhook_renamed")
    # One time budget per request for the webhooks it sends, in webhooks/budget.py.
    request_started.connect(webhook_budget.request_started, dispatch_uid="nf_webhook_budget")
    request_finished.connect(webhook_budget.request_finished, dispatch_uid="nf_webhook_budget")
    for model in (Topic, Author, Source):
        label = model._meta.label
        pre_save.connect(
            webhook_events.taxonomy_saving, sender=model, dispatch_uid=f"nf_webhook_{label}_slug"
        )
        post_save.connect(
            webhook_events.taxonomy_saved, sender=model, dispatch_uid=f"nf_webhook_{label}_save"
        )
        pre_delete.connect(
            webhook_events.taxonomy_deleted, sender=model, dispatch_uid=f"nf_webhook_{label}_del"
        )
