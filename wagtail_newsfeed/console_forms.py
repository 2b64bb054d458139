"""The live console's entry form.

Built from Wagtail panels so editors get the real StreamField block editor, field furniture and
inline block errors, the same as on any other Wagtail edit screen. The form only validates; the
console view hands the cleaned values to ``wagtail_newsfeed.entry_rules``, which does the writing.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

from django import forms
from django.db.models import Case, QuerySet, Value, When
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from draftjs_exporter.error import ExporterException
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from .conf import settings
from .converters import parse_id
from .forms import EntryFormBase
from .local_time import other_digits, unreadable_local_time
from .models import Author, LiveEntry
from .xml import one_line

#: The fields an editor sets in the console, for ``entry_rules.create_entry`` / ``update_entry``.
ENTRY_FIELDS = ("headline", "body", "display_time", "is_pinned", "is_key_event", "authors")

#: What Wagtail's reading of a block editor post raises on one its editor could not have sent:
#: nesting deeper than Python's recursion limit (JSON, or a list item's ``depth``) and Draftail
#: data the exporter cannot turn into HTML (an entity range naming no entity) among them.
UNREADABLE = (
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
    ExporterException,
)


#: What an error message must not echo from the input: control characters (a NUL, a terminal
#: escape) and direction overrides, which would turn the rest of the message around.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(value: Any) -> Any:
    """``value`` as an error message may quote it: each unshown character as U+FFFD, so the
    editor sees that something was there."""
    return _UNSHOWN.sub("\ufffd", value) if isinstance(value, str) else value


def _ids(values: Any) -> list[int]:
    """The valid ids among ``values`` (``converters.parse_id``), once each, in order."""
    ids = (parse_id(v) for v in values)
    return list(dict.fromkeys(i for i in ids if i is not None))


def authors_in_order(first: list[int]) -> QuerySet:
    """Every author, those of ``first`` first and in that order, then the rest by name."""
    authors = Author.objects.all()
    if not first:
        return authors.order_by("name", "pk")
    position = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(first)), default=Value(len(first))
    )
    return authors.alias(byline_position=position).order_by("byline_position", "name", "pk")


class BylineField(forms.ModelMultipleChoiceField):
    """The entry's authors in byline order.

    Browsers send ticked boxes in the order they are shown, and the current byline is shown
    first and in order (``authors_in_order``), so the byline keeps its order and authors ticked
    now are credited after it. At most ``ENTRY_MAX_AUTHORS``; one query whatever is sent.
    """

    widget = forms.CheckboxSelectMultiple

    def clean(self, value: Any) -> list[Author]:
        value = self.prepare_value(value) or []
        if not isinstance(value, (list, tuple)):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        value = list(dict.fromkeys(str(v) for v in value))
        for v in value:  # checked here: the database may not take a number of any size
            if parse_id(v) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": v},
                )
        maximum = settings.ENTRY_MAX_AUTHORS
        if len(value) > maximum:
            raise forms.ValidationError(
                _("Choose at most %(n)d authors.") % {"n": maximum}, code="too_many"
            )
        chosen = {str(author.pk): author for author in super().clean(value)}
        return [chosen[v] for v in value if v in chosen]


#: A date and time in ISO 8601's extended form (as ``parse_datetime`` reads it, with at most six
#: digits of fraction and nothing after): Python's ``fromisoformat``, which Django tries first,
#: also reads "2026-01-01 1111111111" and a fraction of any length.
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:[.,]\d{1,6})?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
#: Longer than any time the picker or ISO 8601 writes ("2026-01-01T10:00:00.123456+01:00").
_MAX_DATETIME_LENGTH = 40


class DisplayTimeField(forms.DateTimeField):
    """The entry's display time as the admin's date-time picker sends it: local time, no
    offset. The time shown for an entry stays its time when saved unchanged, even in the hour
    repeated when clocks go back (which Django refuses as ambiguous), and a time typed in that
    hour, or in the hour they skip, is refused saying why (``local_time``)."""

    #: The entry's stored time (set by the form for an edit).
    stored: datetime | None = None

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values or isinstance(value, datetime):
            return super().to_python(value)
        if problem := other_digits(value):
            raise forms.ValidationError(problem, code="invalid")
        if isinstance(value, str):
            value = value.strip()
            if len(value) > _MAX_DATETIME_LENGTH:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            iso = isinstance(value, str) and _ISO_DATETIME.fullmatch(value)
            naive = parse_datetime(value) if iso else None
            if naive is None:
                naive = BaseTemporalField.to_python(self, value)  # the picker's formats
            if timezone.is_aware(naive):  # typed with an offset: in site time, as stored
                return timezone.localtime(naive)
        except (ValueError, OverflowError):  # 2026-02-30; no site time before year 1
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if self.stored is not None:
            shown = timezone.localtime(self.stored).replace(tzinfo=None)
            # The picker drops microseconds (and seconds, in some formats).
            if naive in (shown.replace(microsecond=0), shown.replace(second=0, microsecond=0)):
                return self.stored
        unreadable = unreadable_local_time(naive)
        if unreadable:
            raise forms.ValidationError(unreadable, code="ambiguous_timezone")
        return timezone.make_aware(naive)


class ConsoleEntryForm(EntryFormBase):
    """Validates an entry posted from the live console."""

    authors = BylineField(
        queryset=Author.objects.order_by("name", "pk"),
        required=False,
        label=_("Byline"),
        help_text=_("The authors credited, in order; authors you tick are added at the end."),
    )

    class Meta(EntryFormBase.Meta):
        model = LiveEntry
        fields = list(ENTRY_FIELDS)
        field_classes = {**EntryFormBase.Meta.field_classes, "display_time": DisplayTimeField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body_unreadable = False
        self._guard_body()
        self._set_up_display_time()
        if "authors" in self.fields:
            self._order_authors()

    def add_error(self, field: str | None, error: Any) -> None:
        """Errors that quote what was sent (Django's "“%(pk)s” is not a valid value.") quote it
        ``_shown``, whichever field raised them: a crafted post's NUL never reaches the page."""
        if isinstance(error, forms.ValidationError):
            groups = (
                error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
            )
            for item in (item for group in groups for item in group):
                if isinstance(item.params, dict):
                    item.params = {key: _shown(value) for key, value in item.params.items()}
        super().add_error(field, error)

    def _guard_body(self) -> None:
        """A crafted or truncated body post (no block count, a count that is not a number, a
        block type that does not exist) crashes Wagtail's reading of it: read it as an empty
        body instead, which ``clean`` reports as a form error like any other bad input."""
        field = self.fields.get("body")
        if not self.is_bound or field is None:
            return
        name = self.add_prefix("body")
        try:
            field.widget.value_from_datadict(self.data, self.files, name)
        except UNREADABLE:
            self.data = self.data.copy()
            self.data[f"{name}-count"] = "0"
            self.body_unreadable = True

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if self.body_unreadable:
            self.add_error(
                "body", _("The body could not be read: the request was incomplete or altered.")
            )
        return cleaned_data

    def _order_authors(self) -> None:
        """Show the byline first, in order: the one sent (a form shown again), the entry's, or
        for a new entry the poster's own author (a user linked to an author in the Newsroom)."""
        if self.is_bound:
            sent = (
                self.data.getlist(self.add_prefix("authors"))
                if hasattr(self.data, "getlist")
                else self.data.get(self.add_prefix("authors"))
            )
            first = _ids(sent if isinstance(sent, (list, tuple)) else [sent])
        elif self.instance.pk:
            first = [author.pk for author in self.instance.get_authors()]
        else:
            user = self.for_user
            first = (
                list(Author.objects.filter(user=user).values_list("pk", flat=True))
                if getattr(user, "pk", None)
                else []
            )
        first = first[: settings.ENTRY_MAX_AUTHORS + 1]
        self.initial["authors"] = first
        self.fields["authors"].queryset = authors_in_order(first)

    def _set_up_display_time(self) -> None:
        """Empty means "now" for a new entry and "unchanged" for an edit. Who may give which
        time is the write path's rule (``entry_rules.check_display_time``), the same for the API."""
        field = self.fields.get("display_time")
        if field is None:
            return
        field.required = False
        field.help_text = _(
            "Leave empty to use the time of posting. Editors may backdate an entry or give a "
            "later time; contributors may only backdate."
        )
        if self.instance.pk:
            field.stored = self.instance.display_time
        else:
            self.initial["display_time"] = None

    def clean_headline(self) -> str:
        """One line (``xml.one_line``), the rule of every door: Word's line break becomes a
        space, other control characters are dropped, line breaks and tabs become a space."""
        return one_line(self.cleaned_data.get("headline") or "")

    def entry_values(self) -> dict[str, Any]:
        """The cleaned values of the fields the editor may change, for the write path."""
        values = {
            name: self.cleaned_data[name] for name in ENTRY_FIELDS if not self.fields[name].disabled
        }
        if values.get("display_time") is None:
            values.pop("display_time", None)  # now for a new entry, unchanged for an edit
        return values


def restrict_to_drafts(form: ConsoleEntryForm) -> None:
    """For contributors without publish permission: pinning changes what readers see (it
    unpins the live pinned entry), so the field is shown but locked and never submitted."""
    field = form.fields["is_pinned"]
    field.disabled = True
    field.help_text = _("Only editors who may publish this feed can pin entries.")


@cache
def entry_panel() -> ObjectList:
    """The console's edit handler, bound to ``LiveEntry`` (built once per process)."""
    return ObjectList(
        [
            FieldPanel("headline", heading=_("Headline (optional)")),
            FieldPanel("body"),
            FieldRowPanel(
                [FieldPanel("display_time"), FieldPanel("is_pinned"), FieldPanel("is_key_event")]
            ),
            FieldPanel("authors"),
        ],
        base_form_class=ConsoleEntryForm,
    ).bind_to_model(LiveEntry)
