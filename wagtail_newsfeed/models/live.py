"""Live feed pages, their entries, and the per-feed change counter behind delta sync.

Entries are rows of their own (not StreamField items or revision content) so that several editors
posting to one feed never overwrite each other and publishing the page never rewrites entries. Each
change to an entry is stamped with the next value of the feed's ``LiveFeedCounter``; see
``wagtail_newsfeed.entry_rules`` for the write path that guarantees commit order.
"""

from __future__ import annotations

from http import HTTPMethod
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import NewsStreamBlock
from ..http_caching import ReaderCacheMixin
from ..preview import HeadlessPreviewMixin
from .cleaning import CleanFieldsMixin
from .stream_fields import NewsStreamField


class CoverageStatus(models.TextChoices):
    # With a context: a bare "Live" is Wagtail's word for a published page.
    UPCOMING = "upcoming", pgettext_lazy("coverage status", "Upcoming")
    LIVE = "live", pgettext_lazy("coverage status", "Live")
    ENDED = "ended", pgettext_lazy("coverage status", "Ended")


class EntryOrder(models.TextChoices):
    NEWEST_FIRST = "newest_first", _("Newest first")
    OLDEST_FIRST = "oldest_first", _("Oldest first (live Q&A, match report)")


class LiveFeedMixin(ReaderCacheMixin, CleanFieldsMixin, models.Model):
    """The fields and behaviour of a live feed, for any Wagtail page base class."""

    cache_max_age_setting = "LIVE_PAGE_CACHE_MAX_AGE"

    Status = CoverageStatus
    Order = EntryOrder

    summary = RichTextField(
        _("key points"),
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("A short summary of the story so far, shown above the entries."),
    )
    coverage_status = models.CharField(
        _("coverage status"),
        max_length=20,
        choices=CoverageStatus.choices,
        default=CoverageStatus.LIVE,
    )
    coverage_start = models.DateTimeField(_("coverage start"), null=True, blank=True)
    coverage_end = models.DateTimeField(_("coverage end"), null=True, blank=True)
    entry_order = models.CharField(
        _("entry order"),
        max_length=20,
        choices=EntryOrder.choices,
        default=EntryOrder.NEWEST_FIRST,
    )
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The picture shown when the live page is shared and in search results "
            "(not on the page itself)."
        ),
    )

    search_fields = [index.SearchField("summary")]
    time_fields = ("coverage_start", "coverage_end")

    class Meta:
        abstract = True

    @property
    def oldest_first(self) -> bool:
        return self.entry_order == EntryOrder.OLDEST_FIRST

    def clean(self) -> None:
        super().clean()
        if self.coverage_start and self.coverage_end and self.coverage_start > self.coverage_end:
            # Readers and search engines would read coverage that ended before it began.
            raise ValidationError({"coverage_end": _("The coverage cannot end before it starts.")})

    def serve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """An alias of a live feed (Wagtail's "Create alias", or a translation kept in sync
        with it) is a second address of the feed: the entries are the feed's, written and
        purged there, so readers are sent to it."""
        if getattr(self, "alias_of_id", None) is not None:
            source = self.alias_of.specific
            url = source.get_url(request)
            if url is None:
                raise Http404
            return redirect(url)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..live_page import feed_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(
            feed_page_context(
                self, request.GET.get("before"), request, entry_id=request.GET.get("entry")
            )
        )
        return context


class LiveFeedPage(HeadlessPreviewMixin, LiveFeedMixin, Page):
    # Read only, as the news index (``NewsIndexPage``); entries are written through the console.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("share_image"),
        MultiFieldPanel(
            [
                FieldPanel("coverage_status"),
                FieldPanel("coverage_start"),
                FieldPanel("coverage_end"),
                FieldPanel("entry_order"),
            ],
            heading=_("Coverage"),
        ),
    ]
    # The admin adds an "Entries" tab after "Feed" (``panels.add_live_entries_tab``, called from
    # ``AppConfig.ready()``): the models import nothing from the admin.
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Feed")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    # Live feeds belong under a news index (its listings, feeds and sitemaps find them there);
    # feeds made elsewhere before this rule keep working (check wagtail_newsfeed.W004).
    parent_page_types = ["wagtail_newsfeed.NewsIndexPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + LiveFeedMixin.search_fields
    #: Set on the copy a one-click coverage change publishes (``coverage.set_coverage_status``):
    #: it publishes the live content and a new status, not the edits under review, so to
    #: Wagtail's cancel-on-publish it has no workflow in progress and the review goes on.
    publishing_coverage_only = False
    # JSON shapes from ``api.fields``, attached in ``AppConfig.ready()``.
    api_fields = [
        APIField("summary"),
        APIField("coverage_status"),
        APIField("coverage_start"),
        APIField("coverage_end"),
        APIField("entry_order"),
    ]

    class Meta:
        verbose_name = _("live feed")
        verbose_name_plural = _("live feeds")

    @property
    def current_workflow_state(self) -> Any:
        if self.publishing_coverage_only:
            return None
        return super().current_workflow_state


class LiveFeedCounter(models.Model):
    """The feed's change counter: one row per feed, locked while an entry change is stamped.

    Kept out of the page table on purpose: publishing a page saves every page column from the
    revision and would write back a stale counter.
    """

    feed = models.OneToOneField(
        "wagtail_newsfeed.LiveFeedPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="counter",
    )
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("live feed counter")


class LiveEntryQuerySet(models.QuerySet):
    def published(self) -> LiveEntryQuerySet:
        return self.filter(status=LiveEntry.Status.PUBLISHED, deleted_at__isnull=True)

    def not_deleted(self) -> LiveEntryQuerySet:
        return self.filter(deleted_at__isnull=True)


class LiveEntry(CleanFieldsMixin, index.Indexed, models.Model):
    """One post in a live feed. Never hard-deleted by the app: deletion leaves a tombstone."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        DRAFT = "draft", _("Draft")

    feed = models.ForeignKey(
        "wagtail_newsfeed.LiveFeedPage",
        verbose_name=_("live feed"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    headline = models.CharField(_("headline"), max_length=255, blank=True)
    body = NewsStreamField(NewsStreamBlock(), verbose_name=_("body"))
    display_time = models.DateTimeField(_("display time"), default=timezone.now)
    authors = models.ManyToManyField(
        "wagtail_newsfeed.Author",
        verbose_name=_("authors"),
        blank=True,
        related_name="live_entries",
        through="wagtail_newsfeed.LiveEntryAuthor",
        help_text=_("The entry's byline, in order."),
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_key_event = models.BooleanField(_("key event"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    first_published_at = models.DateTimeField(
        _("first published at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When readers could first see the entry; never-published drafts have none."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    version = models.BigIntegerField(_("version"), default=0, editable=False)

    objects = LiveEntryQuerySet.as_manager()

    search_fields = [
        index.SearchField("headline"),
        index.SearchField("body"),
        index.AutocompleteField("headline"),
        index.FilterField("id"),  # the admin list searches "entries among those it lists"
        index.FilterField("feed"),
        index.FilterField("status"),
        index.FilterField("deleted_at"),
    ]

    class Meta:
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        ordering = ["-display_time", "-pk"]
        indexes = [
            # "Changes since a cursor" is a range scan on this index.
            models.Index(fields=["feed", "version"], name="newsfeed_entry_feed_version"),
            # The reader page and the entries list: visible entries of one feed by time.
            # (display_time, id) is the keyset order, so a page is an index scan, not a sort.
            models.Index(
                fields=["feed", "status", "display_time", "id"], name="newsfeed_entry_feed_time"
            ),
            # A feed's "updated at" in the API: its entries' latest change.
            models.Index(fields=["feed", "updated_at"], name="newsfeed_entry_feed_updated"),
            # The pinned entry and the key events: small partial indexes, so finding them does
            # not scan a long feed.
            models.Index(
                fields=["feed", "display_time", "id"],
                condition=models.Q(is_pinned=True),
                name="newsfeed_entry_pinned",
            ),
            models.Index(
                fields=["feed", "display_time", "id"],
                condition=models.Q(is_key_event=True),
                name="newsfeed_entry_key_events",
            ),
        ]

    def __str__(self) -> str:
        # Its headline, else its first words and display time: never "Entry 3" (see ``names``).
        from ..names import entry_name

        return entry_name(self)

    @property
    def label(self) -> str:
        """Its headline, else its first words: for lists that show the time beside it."""
        from ..names import entry_label

        return entry_label(self)

    def clean_stream_field(self, field: Any, value: Any) -> Any:
        # Every door checks an entry's body with its writer's choose permissions before it
        # reaches the model (``validation.clean_entry_body``); checking it again here without
        # the writer would cost a second pass and could only be weaker.
        return value

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.deleted_at is None

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"

    def permalink(self, feed_url: str) -> str:
        """The entry's address on its feed page at ``feed_url``: ``?entry=`` shows the page of
        entries holding it (``live_page``), wherever it is in the feed, and the anchor scrolls
        to it. A bare ``#entry-<id>`` finds nothing once newer entries push it off page 1."""
        return f"{feed_url}?entry={self.pk}#{self.anchor}"

    def get_url(self, request=None) -> str:
        return self.permalink(self.feed.get_url(request=request) or "")

    def get_authors(self) -> list[Any]:
        """The byline in order. ``authors.all()`` orders by name: the order lives on the links,
        so lists prefetch them with ``byline_prefetches``."""
        links = getattr(self, "byline_links", None)
        if links is None:
            if self.pk is None:  # an entry being previewed before it is saved
                return []
            links = self.author_links.select_related("author").order_by("sort_order", "pk")
        return [link.author for link in links]


class LiveEntryAuthor(models.Model):
    """An author on a live entry's byline, in byline order."""

    entry = models.ForeignKey(
        LiveEntry, on_delete=models.CASCADE, related_name="author_links", verbose_name=_("entry")
    )
    author = models.ForeignKey(
        "wagtail_newsfeed.Author",
        on_delete=models.CASCADE,
        related_name="entry_links",
        verbose_name=_("author"),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("live entry author")
        verbose_name_plural = _("live entry authors")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "author"], name="newsfeed_entry_author_unique")
        ]


def byline_prefetches(author_photos: models.QuerySet | None = None) -> list[models.Prefetch]:
    """Prefetches of entries' bylines in order (for ``LiveEntry.get_authors``): one query for
    any number of entries and authors, and with ``author_photos`` one more for their photos."""
    prefetches = [
        models.Prefetch(
            "author_links",
            queryset=LiveEntryAuthor.objects.select_related("author").order_by("sort_order", "pk"),
            to_attr="byline_links",
        )
    ]
    if author_photos is not None:
        prefetches.append(models.Prefetch("byline_links__author__photo", queryset=author_photos))
    return prefetches
