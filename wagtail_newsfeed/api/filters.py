"""Query-parameter filters of the article list (django-filter), each validated so a bad value is a
400 naming the parameter.

Search goes through ``wagtail_newsfeed.search``, the same Wagtail index and rules as the site's
search box.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from ..conf import settings
from ..local_time import other_digits, unreadable_local_time
from ..models import ArticleAuthor, ArticleTag, NewsArticlePage
from ..models.taxonomy import filed_under, subtree
from ..search import search_articles

#: The article list's orderings, each ending with the primary key so that no two articles share a
#: position (the keyset ``pagination`` pages on). ``pk``: the list pages through ``values()`` rows.
ORDERINGS = {"-published_at": ("-published_at", "-pk"), "published_at": ("published_at", "pk")}


class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (midnight, site time zone) or date-time (naive ones in site time), read
    as the write doors read times (``local_time``): in the digits 0-9, and a naive time that
    happens twice in the site's time zone or not at all is refused with the reason, not read
    one way silently. A time outside Python's calendar once in UTC is refused naming the range."""

    default_error_messages = {
        "invalid": _("Enter an ISO 8601 date or date-time."),
        "range": _("Give a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z."),
    }

    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        if problem := other_digits(value):
            raise forms.ValidationError(problem, code="invalid")
        try:
            parsed = parse_datetime(value)
            if parsed is None:
                day = parse_date(value)
                parsed = datetime.combine(day, time.min) if day else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(parsed):
            if problem := unreadable_local_time(parsed):
                raise forms.ValidationError(problem, code="invalid")
            parsed = timezone.make_aware(parsed)
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which RFC 3339 allows (a 500).
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError):  # e.g. 0001-01-01T00:00+05:00 is before year 1 in UTC
            raise forms.ValidationError(self.error_messages["range"], code="range") from None


@extend_schema_field(
    {"type": "string", "description": "ISO 8601 date or date-time", "example": "2026-06-01"}
)
class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField


def search_ids(query: str, within: QuerySet) -> list[int]:
    """Ids of visible articles in ``within`` matching ``query``, through the site's search
    (``wagtail_newsfeed.search``), at most ``API_SEARCH_MAX_RESULTS`` of them."""
    results = search_articles(query, within=within, ordering="-published_at")
    return [page.pk for page in results[: settings.API_SEARCH_MAX_RESULTS]]


def longest_tag() -> int:
    """The most characters a tag's name or slug holds: a longer ``tag`` names none. Refused up
    front, as SQLite refuses a case-insensitive match of a pattern over 50,000 bytes (an
    ``OperationalError``, which would read as a busy database)."""
    tag = ArticleTag._meta.get_field("tag").related_model
    return max(tag._meta.get_field(name).max_length for name in ("name", "slug"))


class ArticleFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(
        method="filter_topic", help_text="Topic slug; includes its subtopics' articles."
    )
    tag = django_filters.CharFilter(
        method="filter_tag", max_length=longest_tag(), help_text="Tag slug or name."
    )
    author = django_filters.CharFilter(method="filter_author", help_text="Author slug.")
    source = django_filters.CharFilter(field_name="source__slug", help_text="Source slug.")
    published_after = DateOrDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO date or date-time."
    )
    published_before = DateOrDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO date or date-time."
    )
    q = django_filters.CharFilter(method="filter_search", help_text="Search words.")
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="filter_nothing",
        help_text="`-published_at` (default, newest first) or `published_at`.",
    )

    class Meta:
        model = NewsArticlePage
        fields: list[str] = []

    def filter_topic(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filed_under(queryset, subtree(slug=value))

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tagged = ArticleTag.objects.filter(tag__slug=value) | ArticleTag.objects.filter(
            tag__name__iexact=value
        )
        return queryset.filter(pk__in=tagged.values("content_object_id"))

    def filter_author(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        links = ArticleAuthor.objects.filter(author__slug=value).values("page_id")
        return queryset.filter(pk__in=links)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=search_ids(value, queryset))

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied by the paginator, which orders the keyset
