"""News index and article pages.

``NewsArticleMixin`` holds the article's own fields and behaviour without tying them to Wagtail's
default ``Page``, so a site that swaps its base page model (Wagtail 8) can still build articles
on it.
"""

from __future__ import annotations

from http import HTTPMethod
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import InvalidPage, Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import NewsStreamBlock
from ..conf import settings
from ..converters import is_slug, listing_page_number
from ..http_caching import (
    NotedLazyObject,
    ReaderCacheMixin,
    chosen_pages_expire_times,
    is_read,
)
from ..preview import HeadlessPreviewMixin
from .cleaning import CleanFieldsMixin, CleanTaggableManager, tag_names
from .stream_fields import NewsStreamField
from .taxonomy import Topic, filed_under, with_ancestors


class NewsIndexPage(ReaderCacheMixin, CleanFieldsMixin, Page):
    """Lists its articles newest first, paginated and filterable by topic."""

    # Read only (Wagtail's ``before_serve_page`` check): POST, PUT, PATCH and DELETE are a 405,
    # not a second, uncached way to the page. Passwords go to Wagtail's own view.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["wagtail_newsfeed.NewsArticlePage", "wagtail_newsfeed.LiveFeedPage"]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    # Which fields Wagtail's pages API shows; their JSON shapes come from ``api.fields``
    # (attached in ``AppConfig.ready()``: the models import nothing from the API).
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("news index")

    def route(self, request: Any, path_components: list[str]) -> Any:
        """Wagtail's routing, but a story below the index is read as its own type in one query
        (Wagtail's default reads the page, then its specific row)."""
        if not path_components:
            return super().route(request, path_components)
        child = self.get_children().filter(slug=path_components[0])
        child = child.select_related(*(model._meta.model_name for model in self.story_models()))
        page = child.first()
        if page is None:
            raise Http404
        return self.as_story(page).route(request, path_components[1:])

    @staticmethod
    def story_models() -> list[type[Page]]:
        from .live import LiveFeedPage

        return [NewsArticlePage, LiveFeedPage]

    @classmethod
    def as_story(cls, page: Page) -> Page:
        """``page.specific`` without a query when ``page`` came with its story row joined."""
        for model in cls.story_models():
            if page.content_type_id == ContentType.objects.get_for_model(model).pk:
                return getattr(page, model._meta.model_name)
        return page.specific

    def get_articles(self) -> models.QuerySet:
        from ..visibility import visible_articles

        return visible_articles().child_of(self)

    def get_topics(self) -> models.QuerySet:
        """Topics of this index's visible articles: the only ones it lists or filters by, so a
        topic used only by hidden stories (or by other indexes) is a 404 here, not an empty page.
        A broader topic is listed with its subtopics."""
        return with_ancestors(Topic.objects.filter(pk__in=self.get_articles().values("topics")))

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..search import clean_query, search_articles
        from ..visibility import visible_feeds
        from .live import LiveFeedPage

        context = super().get_context(request, *args, **kwargs)
        topic = None
        topic_slug = request.GET.get("topic")
        if topic_slug:
            topic = (
                self.get_topics().filter(slug=topic_slug).first() if is_slug(topic_slug) else None
            )
            if topic is None:
                raise Http404(f"No topic {topic_slug!r}.")
        # ?q= searches this index's visible articles (most relevant first); see search.py.
        search_query = clean_query(request.GET.get("q"))
        page_number = listing_page_number(request.GET.get("page"))

        def listing() -> Any:
            articles = self.get_articles()
            if topic is not None:
                articles = filed_under(articles, topic.subtree())
            if search_query:
                articles = search_articles(search_query, self, within=articles)
            else:
                articles = (
                    articles.order_by("-published_at", "-pk")
                    .select_related("source")
                    .prefetch_related(*card_prefetches(), *listing_prefetches())
                )
            try:
                return Paginator(articles, settings.ARTICLES_PER_PAGE).page(page_number)
            except InvalidPage:
                # Raised while the listing renders: a page past the end is a 404, never
                # another page's stories kept under this page's number.
                raise Http404(f"No page {page_number} of this listing.") from None

        context.update(
            # Lazy, queries built included: the listing is a cached piece (fragments.py), read
            # only when rendered afresh.
            articles=NotedLazyObject(listing),
            listing_page=page_number,
            # The rendered listing is kept unless it answers a search; expiry times pass without
            # a signal, so it is kept no longer than a proxy may keep the page.
            listing_cache_timeout=0 if search_query else settings.PAGE_CACHE_MAX_AGE,
            topic=topic,
            search_query=search_query,
            topics=SimpleLazyObject(lambda: list(self.get_topics().order_by("name"))),
            live_feeds=NotedLazyObject(
                lambda: list(
                    visible_feeds()
                    .child_of(self)
                    .filter(coverage_status=LiveFeedPage.Status.LIVE)
                    .order_by("-coverage_start")
                )
            ),
        )
        return context

    def shown_expire_times(self, response: Any) -> list[Any]:
        """The listed stories' and live feeds' expiry times, when the listing was read for
        ``response``; else (the listing came from the cache) the next expiry of any page, known
        without a query (``caching.next_page_expiry``)."""
        from ..caching import RENDER_GENERATION, next_page_expiry

        context = getattr(response, "context_data", None) or {}
        articles, live_feeds = context.get("articles"), context.get("live_feeds")
        if articles is None or live_feeds is None:
            return []
        if not (is_read(articles) and is_read(live_feeds)):
            return [next_page_expiry(RENDER_GENERATION)]
        return [page.expire_at for page in [*articles.object_list, *live_feeds]]


class NewsArticleMixin(ReaderCacheMixin, CleanFieldsMixin, models.Model):
    """The fields and behaviour of a news article, for any Wagtail page base class."""

    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("One or two sentences under the headline.")
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=500, blank=True)
    lead_image_credit = models.CharField(_("lead image credit"), max_length=255, blank=True)
    source = models.ForeignKey(
        "wagtail_newsfeed.Source",
        verbose_name=_("source credit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The news agency the story comes from, e.g. Reuters."),
    )
    dateline = models.CharField(
        _("dateline"),
        max_length=255,
        blank=True,
        help_text=_("Where the story was filed, e.g. ANCHORAGE"),
    )
    topics = ParentalManyToManyField(
        "wagtail_newsfeed.Topic", verbose_name=_("topics"), blank=True, related_name="+"
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The time shown to readers. Left empty, it is set to the first publish time."),
    )
    updated_at = models.DateTimeField(
        _("updated at"),
        null=True,
        blank=True,
        help_text=_("Set when the story is materially updated; shown as 'Updated ...'."),
    )
    is_breaking = models.BooleanField(_("breaking news"), default=False)
    body = NewsStreamField(NewsStreamBlock(), verbose_name=_("body"), blank=True)

    time_fields = ("published_at", "updated_at")
    #: Times only editors who may publish the page may set in the future
    #: (``forms.WriterFormMixin``): a story dated ahead stays on top of every list.
    publisher_time_fields = ("published_at",)

    search_fields = [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("dateline"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("published_at"),
    ]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # published_at defaults to the first publish; Wagtail sets first_published_at before saving.
        if getattr(self, "live", False) and self.published_at is None:
            self.published_at = getattr(self, "first_published_at", None) or timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = list(update_fields) + ["published_at"]
        super().save(*args, **kwargs)

    @property
    def display_date(self):
        return self.published_at or getattr(self, "first_published_at", None)

    @property
    def was_updated(self) -> bool:
        return bool(self.updated_at and self.display_date and self.updated_at > self.display_date)


class NewsArticlePage(HeadlessPreviewMixin, NewsArticleMixin, Page):
    # Read only, as the news index.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]

    tags = CleanTaggableManager(through="wagtail_newsfeed.ArticleTag", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
    ]
    byline_panels = [
        InlinePanel("article_authors", heading=_("Authors"), label=_("Author")),
        FieldPanel("source"),
        FieldPanel("dateline"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("is_breaking"),
    ]
    dates_panels = [
        FieldPanel("published_at"),
        FieldPanel("updated_at"),
        InlinePanel("corrections", heading=_("Corrections and updates"), label=_("Note")),
    ]
    related_panels = [
        InlinePanel("related_links", heading=_("Related articles"), label=_("Related article")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Story")),
            ObjectList(byline_panels, heading=_("Byline & topics")),
            ObjectList(dates_panels, heading=_("Dates & corrections")),
            ObjectList(related_panels, heading=_("Related")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    parent_page_types = ["wagtail_newsfeed.NewsIndexPage"]
    subpage_types: list[str] = []
    search_fields = (
        Page.search_fields
        + NewsArticleMixin.search_fields
        + [
            index.RelatedFields("tags", [index.SearchField("name")]),
        ]
    )

    # Shapes from ``api.fields`` (``authors`` reads ``get_authors``), attached in ``ready()``.
    api_fields = [
        APIField("standfirst"),
        APIField("lead_image"),
        APIField("lead_image_caption"),
        APIField("lead_image_credit"),
        APIField("dateline"),
        APIField("published_at"),
        APIField("updated_at"),
        APIField("is_breaking"),
        APIField("source"),
        APIField("topics"),
        APIField("authors"),
        APIField("tags"),
        APIField("body"),
        APIField("corrections"),
    ]

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def get_authors(self) -> list:
        links = getattr(self, "listed_author_links", None)
        if links is None:
            links = self.article_authors.all()
        return [link.author for link in links]

    def get_topic_list(self) -> list:
        """The article's topics by name."""
        topics = getattr(self, "listed_topics", None)
        return topics if topics is not None else list(self.topics.order_by("name"))

    def get_tag_names(self) -> list[str]:
        """The tags' names in order, cleaned as tags are set (``tag_names``): a row stored
        before cleaning shows no control or invisible characters on any page, feed or API."""
        items = getattr(self, "listed_tag_items", None)
        if items is None:
            items = self.tagged_items.select_related("tag")
        return sorted(tag_names(item.tag.name for item in items))

    def get_related_articles(self) -> list:
        from ..visibility import visible_articles

        ids = [link.related_id for link in self.related_links.all() if link.related_id]
        found = {p.pk: p for p in visible_articles().filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    def get_topic_index(self) -> Page | None:
        """The news index whose ``?topic=`` listings the article's topics link to: its parent,
        while readers may see it (an unpublished or private index's listing is a 404)."""
        from ..visibility import visible_pages

        parent = self.get_parent()
        if parent is None or not issubclass(parent.specific_class, NewsIndexPage):
            return None
        return visible_pages(NewsIndexPage.objects.filter(pk=parent.pk)).first()

    def get_context(self, request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Read only when the cached article fragment that shows them is rendered afresh.
        context["related_articles"] = NotedLazyObject(self.get_related_articles)
        context["topic_index"] = SimpleLazyObject(self.get_topic_index)
        return context

    def shown_expire_times(self, response: Any) -> list[Any]:
        """The related articles' expiry times and those of the stories the body chooses, when
        the article's piece was rendered for ``response``; else (the piece came from the cache,
        or a damaged body could not be read again) the next expiry of any page, known without
        a query (``caching.next_page_expiry``)."""
        from ..caching import RENDER_GENERATION, next_page_expiry

        context = getattr(response, "context_data", None) or {}
        related = context.get("related_articles")
        if related is None:
            return []
        if not is_read(related):
            return [next_page_expiry(RENDER_GENERATION)]
        try:
            in_body = chosen_pages_expire_times(self.body)
        except Exception:  # noqa: BLE001 - rendering showed what it could read of it
            return [next_page_expiry(RENDER_GENERATION)]
        return [*(page.expire_at for page in related), *in_body]


#: The rendition an article card shows (``includes/article_card.html``).
CARD_RENDITION = "fill-400x225"


def card_prefetches() -> list[Prefetch]:
    """The articles' lead images with the card's rendition: two queries for a list of any
    length, where reading each card's rendition would cost one per article."""
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions(CARD_RENDITION)
    return [Prefetch("lead_image", queryset=images)]


def listing_prefetches(author_photos: models.QuerySet | None = None) -> list[Prefetch]:
    """Prefetches of what a list of articles shows (topics, tags, byline, and with
    ``author_photos`` the authors' photos) into plain lists (``get_topic_list``,
    ``get_tag_names``, ``get_authors``). Prefetching into the related managers instead makes
    Django build a queryset per article and relation, which for a list of 20 articles cost
    more than the queries themselves."""
    prefetches = [
        Prefetch("topics", queryset=Topic.objects.order_by("name"), to_attr="listed_topics"),
        Prefetch(
            "tagged_items",
            queryset=ArticleTag.objects.select_related("tag"),
            to_attr="listed_tag_items",
        ),
        Prefetch(
            "article_authors",
            queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            to_attr="listed_author_links",
        ),
    ]
    if author_photos is not None:
        prefetches.append(Prefetch("listed_author_links__author__photo", queryset=author_photos))
    return prefetches


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_newsfeed.NewsArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticleAuthor(Orderable):
    """An author on an article's byline, in byline order."""

    page = ParentalKey(
        "wagtail_newsfeed.NewsArticlePage", on_delete=models.CASCADE, related_name="article_authors"
    )
    author = models.ForeignKey(
        "wagtail_newsfeed.Author", on_delete=models.CASCADE, related_name="article_links"
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("article author")


class ArticleCorrection(CleanFieldsMixin, Orderable):
    """One entry in an article's public corrections and updates log."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")
        CLARIFICATION = "clarification", _("Clarification")

    page = ParentalKey(
        "wagtail_newsfeed.NewsArticlePage", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    noted_at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("text"))

    time_fields = ("noted_at",)
    panels = [FieldPanel("kind"), FieldPanel("noted_at"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("correction or update")


class ArticleRelatedLink(Orderable):
    page = ParentalKey(
        "wagtail_newsfeed.NewsArticlePage", on_delete=models.CASCADE, related_name="related_links"
    )
    related = models.ForeignKey(
        "wagtail_newsfeed.NewsArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("related", page_type="wagtail_newsfeed.NewsArticlePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("related article")
