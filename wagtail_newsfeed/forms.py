"""Admin forms of the Newsroom menu.

The entry form only validates and collects input: saving goes through ``wagtail_newsfeed.live``
(the admin view calls it), so versions, log entries and change signals stay right. The form knows
the editor (``for_user``) and limits the feeds to the ones the editor may edit; a contributor who
may not publish a feed can only save drafts in it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, TitleFieldPanel
from wagtail.admin.widgets.slug import SlugInput
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import live, validation
from .models import LiveEntry, LiveFeedPage


def editable_feeds(user: Any) -> QuerySet:
    """The live feeds this user may post entries to, following Wagtail's page permissions."""
    if not (user and user.is_authenticated and user.is_active):
        return LiveFeedPage.objects.none()
    if user.is_superuser:
        return LiveFeedPage.objects.all()
    # The policy is built for the base page model: on Wagtail 7.4 a policy for a page subclass
    # would look for "change_livefeedpage" permissions, which groups never hold.
    pages = PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change"})
    return LiveFeedPage.objects.filter(pk__in=pages.values("pk"))


class SlugFromNameForm(WagtailAdminModelForm):
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


def named_edit_handler(*panels: FieldPanel) -> ObjectList:
    """Name, slug (made from the name) and the model's other fields."""
    return ObjectList(
        [NameFieldPanel(), FieldPanel("slug", widget=SlugInput), *panels],
        base_form_class=SlugFromNameForm,
    )


def block_has_content(block: Any) -> bool:
    """False for a rich text block with no text (what an untouched paragraph block submits)."""
    source = getattr(block.value, "source", None)
    if isinstance(source, str):
        return bool(strip_tags(source).strip()) or "<embed" in source
    return True


class EntryFormBase(WagtailAdminModelForm):
    """What every entry form checks; ``expected_version`` carries the version the editor
    started from, so ``live.update_entry`` can refuse to overwrite a newer edit.

    The body goes through the app's one write validator with the editor's choose permissions,
    the same function the API calls.
    """

    expected_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_body(self) -> Any:
        body = validation.clean_entry_body(self.cleaned_data["body"], self.for_user)
        if not any(block_has_content(block) for block in body):
            raise forms.ValidationError(
                _("Write something in the body: as it is, this entry would be empty.")
            )
        return body


class LiveEntryForm(EntryFormBase):
    """Collects an entry in the Newsroom menu; ``live.create_entry`` / ``live.update_entry`` do
    the saving."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "feed" in self.fields:
            self.fields["feed"].queryset = editable_feeds(self.for_user).order_by("title")
            if self.instance.pk:
                # Entries never move between feeds: the version counter is per feed.
                self.fields["feed"].disabled = True
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        feed = cleaned.get("feed") or (self.instance.feed if self.instance.pk else None)
        if feed is None or self.for_user is None:
            return cleaned
        if not live.can_edit_feed(self.for_user, feed):
            self.add_error("feed", _("You do not have permission to edit this live feed."))
            return cleaned
        if "display_time" in self.changed_data or not self.instance.pk:
            try:
                live.check_display_time(self.for_user, feed, cleaned.get("display_time"))
            except ValidationError as error:
                self.add_error(None, error)
        if not live.can_publish_feed(self.for_user, feed):
            if cleaned.get("status") == LiveEntry.Status.PUBLISHED:
                self.add_error(
                    "status",
                    _(
                        "You may save entries of this live feed as drafts only; "
                        "an editor publishes them."
                    ),
                )
            if cleaned.get("is_pinned") and not (self.instance.pk and self.instance.is_pinned):
                self.add_error(
                    "is_pinned", _("Only editors who may publish this feed can pin entries.")
                )
        return cleaned

    def entry_changes(self) -> dict[str, Any]:
        """The cleaned values in the form ``live.create_entry`` / ``update_entry`` take."""
        names = [name for name in live.EDITABLE_FIELDS if name in self.cleaned_data]
        return {name: self.cleaned_data[name] for name in names}

    def keep_as_conflict_base(self, version: int) -> None:
        """After a conflict, the next save deliberately overwrites the version now stored."""
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_version")] = str(version)
