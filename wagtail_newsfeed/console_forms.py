"""The live console's entry form.

Built from Wagtail panels so editors get the real StreamField block editor, field furniture and
inline block errors, the same as on any other Wagtail edit screen. The form only validates; the
console view hands the cleaned values to ``wagtail_newsfeed.live``, which does the writing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from .forms import EntryFormBase
from .models import LiveEntry

#: The fields an editor sets in the console; passed to ``live.create_entry`` / ``update_entry``.
ENTRY_FIELDS = ("headline", "body", "is_pinned", "is_key_event")


class ConsoleEntryForm(EntryFormBase):
    """Validates an entry posted from the live console."""

    class Meta:
        model = LiveEntry
        fields = list(ENTRY_FIELDS)

    def entry_values(self) -> dict[str, Any]:
        """The cleaned values of the fields the editor may change, for the write path."""
        return {
            name: self.cleaned_data[name] for name in ENTRY_FIELDS if not self.fields[name].disabled
        }


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
            FieldRowPanel([FieldPanel("is_pinned"), FieldPanel("is_key_event")]),
        ],
        base_form_class=ConsoleEntryForm,
    ).bind_to_model(LiveEntry)
