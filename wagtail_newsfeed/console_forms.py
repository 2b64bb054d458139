"""The live console's entry form.

Built from Wagtail panels so editors get the real StreamField block editor, field furniture and
inline block errors, the same as on any other Wagtail edit screen. The form only validates; the
console view hands the cleaned values to ``wagtail_newsfeed.live``, which does the writing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from .models import LiveEntry

#: The fields an editor sets in the console; passed to ``live.create_entry`` / ``update_entry``.
ENTRY_FIELDS = ("headline", "body", "is_pinned", "is_key_event")


class LiveEntryForm(WagtailAdminModelForm):
    """Validates an entry; ``expected_version`` carries the version the editor started from."""

    expected_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = LiveEntry
        fields = list(ENTRY_FIELDS)

    def clean_body(self) -> Any:
        body = self.cleaned_data["body"]
        if not any(block_has_content(block) for block in body):
            raise forms.ValidationError(
                _("Write something in the body: as it is, this entry would be empty.")
            )
        return body

    def entry_values(self) -> dict[str, Any]:
        """The cleaned values of the fields the editor may change, for the write path."""
        return {
            name: self.cleaned_data[name] for name in ENTRY_FIELDS if not self.fields[name].disabled
        }


def restrict_to_drafts(form: LiveEntryForm) -> None:
    """For contributors without publish permission: pinning changes what readers see (it
    unpins the live pinned entry), so the field is shown but locked and never submitted."""
    field = form.fields["is_pinned"]
    field.disabled = True
    field.help_text = _("Only editors who may publish this feed can pin entries.")


def block_has_content(block: Any) -> bool:
    """False for a rich text block with no text (what an untouched paragraph block submits)."""
    source = getattr(block.value, "source", None)
    if isinstance(source, str):
        return bool(strip_tags(source).strip()) or "<embed" in source
    return True


@cache
def entry_panel() -> ObjectList:
    """The console's edit handler, bound to ``LiveEntry`` (built once per process)."""
    return ObjectList(
        [
            FieldPanel("headline", heading=_("Headline (optional)")),
            FieldPanel("body"),
            FieldRowPanel([FieldPanel("is_pinned"), FieldPanel("is_key_event")]),
        ],
        base_form_class=LiveEntryForm,
    ).bind_to_model(LiveEntry)
