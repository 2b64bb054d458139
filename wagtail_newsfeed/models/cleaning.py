"""What model validation cleans on every admin form (page editor, Newsroom menu), through the app's
one write validator (``wagtail_newsfeed.validation``).

Wagtail's page editor and the Newsroom forms run ``Model.full_clean``, so ``clean`` is the one place
that sees every field they submit: text loses the characters XML cannot carry, rich text is
whitelisted and its links checked, and StreamFields are validated as bodies. Problems become
form errors on their field (block errors beside their block); nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail.fields import RichTextField, StreamField

from ..conf import settings
from ..xml import xml_safe


class CleanFieldsMixin:
    """Mix into a model to clean its text, rich text and StreamField values on validation."""

    def clean(self) -> None:
        from .. import validation  # imports Wagtail's admin rich-text machinery: not at load time

        super().clean()  # type: ignore[misc]
        errors: dict[str, Any] = {}
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            value = getattr(self, field.attname, None)
            try:
                if isinstance(field, StreamField):
                    cleaned = self.clean_stream_field(field, value)
                elif isinstance(field, RichTextField):
                    cleaned = validation.clean_rich_text(value, field.features)
                elif isinstance(value, str):
                    cleaned = xml_safe(value)
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
        """A body checked as an article's (``ARTICLE_BODY_MAX_BYTES``). Wagtail's own block
        validation is the form field's job (the page editor runs it before this)."""
        from .. import validation

        return validation.clean_body(
            value,
            field.stream_block,
            max_bytes=settings.ARTICLE_BODY_MAX_BYTES,
            block_validation=False,
        )
