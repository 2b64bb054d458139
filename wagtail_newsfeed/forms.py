"""Admin forms: the page editor's form for the app's page types, the taxonomy forms of the
Newsroom menu and what every entry form checks.

Entries have one form, the live console's (``console_forms``); it only validates and collects
input, and saving goes through ``wagtail_newsfeed.entry_rules``, so versions, log entries and change
signals stay right.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, ObjectList, TitleFieldPanel
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.admin.widgets.slug import SlugInput
from wagtail.blocks import BlockField, RichTextBlock, StreamValue

from . import choosing, rich_text, validation
from .converters import parse_id
from .local_time import is_ahead, out_of_range
from .models.cleaning import CleanFieldsMixin


class IdBoundField(BoundField):
    """A chooser field shown again after it refused a value that is no id (``abc``, ``1.5``, a
    NUL): shown empty, as its error says why; the chooser widget would look the value up to show
    it (``get(pk="abc")`` raises)."""

    def value(self) -> Any:
        value = super().value()
        field = self.field
        if (
            self.form.is_bound
            and value not in (None, "")
            and isinstance(field, forms.ModelChoiceField)
            and not isinstance(field, forms.ModelMultipleChoiceField)
            and parse_id(value) is None
            and self.errors
            and _chosen_by_id(field)
        ):
            return None
        return value


class ChoosableBoundField(IdBoundField):
    """A field of a writer's form shown again (with an error, say) without the images and
    documents they may not choose and did not find there: Wagtail's choosers and Draftail would
    render their titles, thumbnails and file URLs from the ids they sent."""

    form: Any

    def value(self) -> Any:
        value = super().value()
        if not self.form.is_bound or value in (None, ""):
            return value
        field, kept = self.field, getattr(self.form.instance, "kept_references", ())
        if isinstance(field, BlockField) and isinstance(value, StreamValue):
            refs = choosing.body_references(value.stream_block, value)
            drop = choosing.refused(refs, self.form.for_user, kept)
            return (
                choosing.without_body_references(value.stream_block, value, drop) if drop else value
            )
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            model, pk = field.queryset.model, parse_id(value)
            if pk is not None and model in choosing.permissioned_models():
                refused = choosing.refused([choosing.ref(model, pk)], self.form.for_user, kept)
                return None if refused else value
        if isinstance(value, str) and isinstance(self.field.widget, DraftailRichTextArea):
            drop = choosing.refused(choosing.rich_text_references(value), self.form.for_user, kept)
            if drop:
                return rich_text.without_references(
                    value, lambda m, pk: choosing.ref(m, pk) in drop
                )
        return value


def _chosen_by_id(field: forms.ModelChoiceField) -> bool:
    """Whether ``field`` picks its object by an integer primary key (every image, document, page
    and snippet chooser of the app), so a value ``parse_id`` refuses is no id of it."""
    meta = field.queryset.model._meta
    key = meta.pk if field.to_field_name is None else meta.get_field(field.to_field_name)
    if not key.primary_key:
        return False
    while key.remote_field is not None:  # a page's ``page_ptr``: the parent page's id
        key = key.target_field
    return isinstance(key, models.IntegerField)


def check_ids_first(form: forms.BaseForm) -> None:
    """Have ``form``'s choosers refuse a value that is no id (``parse_id``) before they look it
    up: Django bounds an integer id in a lookup, but not a page's ``page_ptr``, and SQLite raises
    ``OverflowError`` on 10**30 (a 500 where a form error belongs)."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.ModelChoiceField)
            and not isinstance(field, forms.ModelMultipleChoiceField)
            and _chosen_by_id(field)
        ):
            field.to_python = _ids_first(field, field.to_python)


def _ids_first(field: forms.ModelChoiceField, look_up: Any) -> Any:
    def to_python(value: Any) -> Any:
        if (
            value not in field.empty_values
            and not isinstance(value, field.queryset.model)
            and parse_id(value) is None
        ):
            raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
        return look_up(value)

    return to_python


class WriterFormMixin:
    """For the admin form of a model built on ``CleanFieldsMixin``: tells the object who is
    writing (the form's ``for_user``) and what it holds before it is validated, so images,
    documents and links in its bodies, rich text and chooser fields must be ones that user may
    choose or that were there already, as through the API and the live console; shown again,
    the form leaves out what was refused (``ChoosableBoundField``). Wagtail builds page forms
    with ``for_user`` in its create, edit and preview views."""

    for_user: Any
    instance: Any
    bound_field_class = ChoosableBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.writing_user = self.for_user
        self.instance.kept_references = choosing.object_references(self.instance)
        check_ids_first(self)
        for formset in getattr(self, "formsets", {}).values():  # inline panels' forms
            for child in formset.forms:
                child.bound_field_class = IdBoundField
                check_ids_first(child)

    def clean(self) -> dict[str, Any]:
        """A page's ``publisher_time_fields`` (an article's publication time) move into the
        future only for editors who may publish it, as an entry's display time does
        (``entry_rules.check_display_time``); a time already there stays. Out of range, the
        model's own check names the field."""
        cleaned = super().clean()  # type: ignore[misc]
        for name in getattr(self.instance, "publisher_time_fields", ()):
            value = self.cleaned_data.get(name)  # type: ignore[attr-defined]
            if (
                name in self.changed_data  # type: ignore[attr-defined]
                and is_ahead(value)
                and not out_of_range(value)
                and not self.may_publish()
            ):
                self.add_error(  # type: ignore[attr-defined]
                    name,
                    _("Only editors who may publish this page can give it a time in the future."),
                )
        return cleaned

    def may_publish(self) -> bool:
        """Whether the writer may publish the page (a new one: under its parent)."""
        if self.instance.pk:
            return self.instance.permissions_for_user(self.for_user).can_publish()
        parent = getattr(self, "parent_page", None)
        return (
            parent is not None and parent.permissions_for_user(self.for_user).can_publish_subpage()
        )


class NewsPageForm(WriterFormMixin, WagtailAdminPageForm):
    """The page editor's form for the app's page types (``attach_page_forms``). A page class of
    a site's own whose edit form is its own form class gets that class with this check added."""


def with_writer(form_class: type) -> type:
    """``form_class``, telling the object it validates who is writing (``WriterFormMixin``)."""
    if issubclass(form_class, WriterFormMixin):
        return form_class
    if form_class is WagtailAdminPageForm:
        return NewsPageForm
    namespace = {"__module__": form_class.__module__, "__doc__": form_class.__doc__}
    return type(form_class)(form_class.__name__, (WriterFormMixin, form_class), namespace)


def attach_page_forms() -> None:
    """Give every page type built on the app's models (``CleanFieldsMixin``: the app's own and
    those a site builds on ``NewsArticleMixin`` or ``LiveFeedMixin``) a page editor form that
    tells the page who is writing: the form class its ``base_form_class`` or its
    ``edit_handler`` names, or Wagtail's, with ``WriterFormMixin`` added.

    Called from ``AppConfig.ready()``: the models import nothing from the admin. Wagtail builds
    the form class on first use (after every ``ready()``) and caches its edit handler; a cache
    already filled is cleared. Calling it again changes nothing.
    """
    from wagtail.models import get_page_models

    for model in get_page_models():
        if not issubclass(model, CleanFieldsMixin):
            continue
        model.base_form_class = with_writer(
            getattr(model, "base_form_class", None) or WagtailAdminPageForm
        )
        handler = getattr(model, "edit_handler", None)
        named = getattr(handler, "base_form_class", None)  # overrides the model's
        form_class = with_writer(named) if named is not None else None
        if form_class is not named:
            model.edit_handler = type(handler)(
                **(handler.clone_kwargs() | {"base_form_class": form_class})
            )
        # ``Page.get_edit_handler`` is installed by wagtail.admin: absent before its ``ready()``.
        cached = getattr(model, "get_edit_handler", None)
        if cached is not None:
            cached.cache_clear()


class SlugFromNameForm(WriterFormMixin, WagtailAdminModelForm):
    """Topic, author and source form: a blank slug is made from the name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Used in URLs. Left empty, it is made from the name.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = slugify(cleaned["name"], allow_unicode=True)[:100]
            self.instance.slug = cleaned["slug"]
            if not cleaned["slug"]:
                self.add_error("slug", _("Enter a slug: the name has no letters or digits."))
        return cleaned


class AuthorForm(SlugFromNameForm):
    """Author form: a user is linked from the active accounts. One already linked stays a choice
    after it is deactivated, so saving the author does not drop its byline's owner."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Absent for those who may not manage users (the panel's permission): nothing to narrow.
        field = self.fields.get("user")
        if field is not None and _has_field(field.queryset.model, "is_active"):
            field.queryset = field.queryset.filter(Q(is_active=True) | Q(pk=self.instance.user_id))


def _has_field(model: type, name: str) -> bool:
    """Whether ``model`` stores ``name``: a custom user model may leave ``is_active`` out."""
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class NameFieldPanel(TitleFieldPanel):
    """The name field of a topic, author or source: while it is new, typing the name fills in
    the slug (Wagtail's own title-to-slug sync); later renames keep the slug, and so its URLs."""

    def __init__(self, field_name: str = "name", **kwargs: Any) -> None:
        kwargs.setdefault("classname", "")
        kwargs.setdefault("placeholder", False)
        super().__init__(field_name, **kwargs)

    class BoundPanel(TitleFieldPanel.BoundPanel):
        def get_should_apply(self) -> bool:
            return self.instance.pk is None


def named_edit_handler(
    *panels: FieldPanel, form_class: type[SlugFromNameForm] = SlugFromNameForm
) -> ObjectList:
    """Name, slug (made from the name) and the model's other fields."""
    return ObjectList(
        [NameFieldPanel(), FieldPanel("slug", widget=SlugInput), *panels],
        base_form_class=form_class,
    )


def _empty_paragraph(child: Any) -> bool:
    return isinstance(child.block, RichTextBlock) and not validation.block_has_content(child)


class EntryBodyField(BlockField):
    """The entry body: empty paragraphs are dropped before the blocks are validated.

    The console opens with one empty paragraph for the caret; an editor who adds an image
    instead leaves it behind. It is neither stored nor a "This field is required" error; a body
    with nothing else is one clear error.
    """

    def clean(self, value: Any) -> Any:
        if isinstance(value, StreamValue):
            kept = [(c.block_type, c.value, c.id) for c in value if not _empty_paragraph(c)]
            if not kept:
                raise forms.ValidationError(validation.EMPTY_ENTRY_BODY, code="required")
            value = StreamValue(value.stream_block, kept)
        return super().clean(value)


class EntryFormBase(WriterFormMixin, WagtailAdminModelForm):
    """What every entry form checks; ``expected_version`` carries the version the editor
    started from, so ``entry_rules.update_entry`` can refuse to overwrite a newer edit.

    The body goes through the app's one write validator with the editor's choose permissions
    (what the entry already held may stay), the same function the API calls; shown again, the
    form leaves out what was refused.
    """

    #: A version no entry can have (past the column's range, say) is a broken form, not a
    #: colleague's edit: it is a form error, where a version that moved on is a conflict.
    expected_version = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={
            key: _(
                "The version of the entry this form was opened with is not readable: "
                "reload the entry and make your change again."
            )
            for key in ("invalid", "min_value", "max_value")
        },
    )

    class Meta:
        field_classes = {"body": EntryBodyField}

    def clean_body(self) -> Any:
        return validation.clean_entry_body(
            self.cleaned_data["body"], self.for_user, self.instance.kept_references
        )
