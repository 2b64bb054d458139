"""The newsroom's shared vocabulary: topics, authors and sources (news agencies)."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.compat import AUTH_USER_APP_LABEL, AUTH_USER_MODEL_NAME
from wagtail.search import index

from .cleaning import CleanFieldsMixin

#: How deep topics nest (World › Europe › France is 3). The bound keeps every walk of the tree,
#: and the one query that finds a topic's subtopics, of a fixed size.
MAX_TOPIC_DEPTH = 6

#: Who may see the accounts and link one to an author: the permission Wagtail's users admin asks
#: before it edits a user. Others must not learn the usernames, so the author form leaves the
#: field out for them (Wagtail's panel permission) and a saved link stays as it is.
USER_MANAGER_PERMISSION = f"{AUTH_USER_APP_LABEL}.change_{AUTH_USER_MODEL_NAME.lower()}"


class Topic(CleanFieldsMixin, index.Indexed, models.Model):
    """A subject stories are filed under. Topics nest: a topic's page, filter and feeds include
    the stories of its subtopics, as a WordPress category archive does."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_(
            "A broader topic, e.g. World for Europe: stories on this topic are listed under it too."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        above = self.ancestor_ids(self.parent_id, limit=None)
        if self.pk is not None and self.pk in above:
            raise ValidationError(
                {"parent": _("A topic cannot sit under itself or under one of its subtopics.")}
            )
        depth = len(above) + 1 + self.height()
        if depth > MAX_TOPIC_DEPTH:
            raise ValidationError(
                {
                    "parent": _("Topics nest at most %(max)d deep; this would make %(depth)d.")
                    % {"max": MAX_TOPIC_DEPTH, "depth": depth}
                }
            )

    @staticmethod
    def ancestor_ids(topic_id: int, *, limit: int | None = MAX_TOPIC_DEPTH) -> list[int]:
        """``topic_id`` and the ids above it, nearest first; stops at a loop (a stored cycle can
        never hang a caller) and after ``limit`` topics."""
        found: list[int] = []
        parents = dict(Topic.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
        current: int | None = topic_id
        while current is not None and current not in found:
            if limit is not None and len(found) >= limit:
                break
            found.append(current)
            current = parents.get(current)
        return found

    def height(self) -> int:
        """Levels of subtopics below this one (0 for a leaf), counted to ``MAX_TOPIC_DEPTH``."""
        if self.pk is None:
            return 0
        levels, frontier = 0, [self.pk]
        while levels < MAX_TOPIC_DEPTH:
            frontier = list(Topic.objects.filter(parent__in=frontier).values_list("pk", flat=True))
            if not frontier:
                break
            levels += 1
        return levels

    def subtree(self) -> QuerySet:
        """This topic and its subtopics to ``MAX_TOPIC_DEPTH``: one query, usable as a subquery."""
        return subtree(pk=self.pk)


def subtree(**lookup: Any) -> QuerySet:
    """Topics matching ``lookup`` (e.g. ``slug="world"``) and their subtopics to
    ``MAX_TOPIC_DEPTH``: a fixed chain of joins, one per level, so one query or subquery."""
    ((field, value),) = lookup.items()
    condition, path = Q(**{field: value}), "parent__"
    for _level in range(MAX_TOPIC_DEPTH - 1):
        condition |= Q(**{path + field: value})
        path += "parent__"
    return Topic.objects.filter(condition)


def with_ancestors(topics: QuerySet) -> QuerySet:
    """``topics`` and every topic above them: a broader topic is listed wherever one of its
    subtopics is. One query for ``topics`` and one per level of parents found (none for a flat
    vocabulary beyond the first), at most ``MAX_TOPIC_DEPTH``: the tree is walked by id so the
    (often costly) ``topics`` query runs once."""
    found = set(topics.values_list("pk", flat=True))
    frontier = found
    for _level in range(MAX_TOPIC_DEPTH - 1):
        if not frontier:
            break
        parents = Topic.objects.filter(pk__in=frontier, parent__isnull=False)
        frontier = set(parents.values_list("parent_id", flat=True)) - found
        found |= frontier
    return Topic.objects.filter(pk__in=found)


class Author(CleanFieldsMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    role = models.CharField(
        _("role"), max_length=255, blank=True, help_text=_("e.g. Diplomatic editor")
    )
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsfeed_author",
        help_text=_(
            "The admin user who writes as this author: the live console signs their "
            "new entries with this byline."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("user", permission=USER_MANAGER_PERMISSION),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class Source(CleanFieldsMixin, index.Indexed, models.Model):
    """A news agency or wire service credited on stories, e.g. Reuters."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("url")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


def filed_under(articles: QuerySet, topics: QuerySet) -> QuerySet:
    """``articles`` on one of ``topics`` (e.g. a ``subtree``), each once."""
    on_topic = articles.model.objects.filter(topics__in=topics)
    return articles.filter(pk__in=on_topic.values("pk"))
