"""What model validation cleans on every admin form (page editor, Newsroom menu), through the app's
one write validator (``wagtail_newsfeed.validation``).

Wagtail's page editor and the Newsroom forms run ``Model.full_clean``, so it is the one place that
sees every field they submit: text loses the characters XML cannot carry, rich text is
whitelisted and its links checked, StreamFields are validated as bodies, and the times people
give (``time_fields``) must be in the range every door allows. Problems become
form errors on their field (block errors beside their block); nothing is saved.

References in bodies, rich text and image or document fields must resolve to objects the writer
may choose, or be ones the object already held (``wagtail_newsfeed.choosing``). A model has no
request, so the admin's form tells the object who is writing (``writing_user``) and what it held
(``kept_references``) before it validates it; the app's page types get that form from the admin
layer at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from modelcluster.contrib.taggit import ClusterTaggableManager, _ClusterTaggableManager
from wagtail.fields import RichTextField, StreamField

from ..conf import settings
from ..local_time import out_of_range
from ..names import balanced_direction, visible
from ..xml import one_line, xml_safe


def clean_text(value: str) -> str:
    """``value`` without the characters XML cannot carry. What was only those characters, or
    zero-width and other characters a reader cannot see (``names.visible``, the rule for
    bodies), and spaces is empty, as an empty form field would be, so a required field counts
    it as blank; spaces alone are left to the form's own required check. Direction controls
    are balanced (``names.balanced_direction``): none can turn round the words a page writes
    after the field (a byline's role, the date after a dateline)."""
    cleaned = xml_safe(value)
    if visible(cleaned) or (cleaned == value and not cleaned.strip()):
        return balanced_direction(cleaned)
    return ""


def tag_names(names: Iterable[str]) -> list[str]:
    """``names`` as one line each (``xml.one_line``), each once, without those left blank: a tag
    of control or invisible characters alone names nothing. Tags are set and read through it,
    so a row stored before tags were cleaned shows as a new one would be saved."""
    return list(dict.fromkeys(filter(None, map(one_line, names))))


class _CleanTags(_ClusterTaggableManager):
    def add(self, *tags: Any) -> None:
        # Every door (the page editor's Tags field, the WordPress importer, code) sets tags by
        # name through here, before taggit creates a Tag row of the raw name.
        names = tag_names(tag for tag in tags if isinstance(tag, str))
        super().add(*names, *(tag for tag in tags if not isinstance(tag, str)))


class CleanTaggableManager(ClusterTaggableManager):
    """modelcluster's tags, whose names are cleaned (``tag_names``) as they are set. Tags are
    no concrete field, so ``CleanFieldsMixin`` never sees them."""

    def __get__(self, instance: Any, model: Any) -> _CleanTags:
        return _CleanTags(
            through=self.through, model=model, instance=instance, prefetch_cache_name=self.name
        )

    def deconstruct(self) -> tuple[Any, ...]:
        # Cleaning is behaviour, not schema: migrations keep modelcluster's field (no migration).
        name, _path, args, kwargs = super().deconstruct()
        return name, "modelcluster.contrib.taggit.ClusterTaggableManager", args, kwargs


class CleanFieldsMixin:
    """Mix into a model to clean its text, rich text and StreamField values on validation."""

    #: The user whose choose permissions images, documents and links in bodies and rich text must
    #: respect: set by the admin form that validates this object (``for_user``). None is a
    #: trusted write with no writer (imports, management commands): any existing object.
    writing_user: Any = None
    #: The references the object held when the form opened it: the writer keeps them even where
    #: they could not choose them (an editor's lead image from a collection they cannot see).
    kept_references: Any = ()
    #: The date-time fields people fill in (a story's publication time, a feed's coverage): each
    #: is refused outside ``local_time.out_of_range``'s range, as entries' display times are.
    #: A time late on 31 December 9999 would overflow the page editor's revision (a 500) and,
    #: shown in the site's time zone, every page that lists it.
    time_fields: tuple[str, ...] = ()

    def clean_fields(self, exclude: Any = None) -> None:
        # Text is cleaned before Django's own checks, so a title of only control characters is
        # "This field cannot be blank." on its field rather than saved empty (and a page's
        # publish, which validates again, failing on it).
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            value = getattr(self, field.attname, None)
            if isinstance(value, str) and not isinstance(field, RichTextField | StreamField):
                setattr(self, field.attname, clean_text(value))
        super().clean_fields(exclude)  # type: ignore[misc]

    def clean(self) -> None:
        from .. import validation  # imports Wagtail's admin rich-text machinery: not at load time

        super().clean()  # type: ignore[misc]
        errors: dict[str, Any] = self.chooser_errors()
        for name in self.time_fields:
            if problem := out_of_range(getattr(self, name)):
                errors[name] = [ValidationError(problem)]
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            value = getattr(self, field.attname, None)
            try:
                if isinstance(field, StreamField):
                    cleaned = self.clean_stream_field(field, value)
                elif isinstance(field, RichTextField):
                    cleaned = validation.clean_rich_text(
                        value, field.features, self.writing_user, self.kept_references
                    )
                elif isinstance(value, str):
                    cleaned = clean_text(value)
                else:
                    continue
            except ValidationError as error:
                # A list keeps Wagtail's structured block error intact (its inline display).
                errors[field.name] = [error]
                continue
            setattr(self, field.attname, cleaned)
        if errors:
            raise ValidationError(errors)

    def clean_stream_field(self, field: StreamField, value: Any) -> Any:
        """A body checked as an article's (``ARTICLE_BODY_MAX_BYTES``), with the writer's choose
        permissions. Wagtail's own block validation is the form field's job (the page editor
        runs it before this)."""
        from .. import validation

        return validation.clean_body(
            value,
            field.stream_block,
            self.writing_user,
            max_bytes=settings.ARTICLE_BODY_MAX_BYTES,
            block_validation=False,
            kept=self.kept_references,
        )

    def chooser_errors(self) -> dict[str, Any]:
        """An error for each image or document field holding one the writer may not choose
        (Wagtail's chooser fields accept any id)."""
        from .. import choosing

        if self.writing_user is None:
            return {}
        chosen = choosing.permissioned_models()
        fields = [
            field
            for field in self._meta.concrete_fields  # type: ignore[attr-defined]
            if isinstance(field, models.ForeignKey) and field.related_model in chosen
        ]
        refs = {
            field.name: choosing.ref(field.related_model, pk)
            for field in fields
            if (pk := getattr(self, field.attname, None)) is not None
        }
        refused = choosing.refused(refs.values(), self.writing_user, self.kept_references)
        return {
            name: [
                ValidationError(
                    _("There is no %(name)s with id %(id)d that you may choose.")
                    % {"name": reference[0]._meta.verbose_name, "id": reference[1]}
                )
            ]
            for name, reference in refs.items()
            if reference in refused
        }
