"""The "Newsroom" admin menu: topics, authors, sources and live entries (wagtail-modeladmin).

Topics, authors and sources are plain models with Django model permissions. Live entries are
different: who may see and change them follows the Wagtail *page* permissions on the entry's feed
(``live.can_edit_feed`` / ``live.can_publish_feed``), and every save goes through
``wagtail_newsfeed.live`` so the feed's version counter, its history and the change signal stay
right. The views here only parse the form, call one ``live`` function and report the outcome.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin import RelatedOnlyFieldListFilter, display
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Field, QuerySet
from django.shortcuts import redirect
from django.utils.html import format_html_join, strip_tags
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import AdminURLHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import CreateView, DeleteView, EditView, IndexView

from . import live
from .converters import parse_id
from .forms import LiveEntryForm, editable_feeds, named_edit_handler
from .models import Author, LiveEntry, LiveFeedPage, Source, Topic
from .views.console import repaired_body

#: The query-string key of the entries list's feed filter (Django's RelatedFieldListFilter).
FEED_FILTER_PARAM = f"feed__{LiveEntry._meta.get_field('feed').target_field.name}__exact"


def entry_label(entry: LiveEntry, length: int = 80) -> str:
    """The entry's headline, or the start of its first text block when it has none."""
    if entry.headline:
        return entry.headline
    for block in entry.body.raw_data if entry.body else []:
        value = block.get("value")
        if isinstance(value, dict):
            value = value.get("text") or value.get("title")
        text = strip_tags(value).strip() if isinstance(value, str) else ""
        if text:
            return Truncator(text).chars(length)
    return _("Entry %(id)s") % {"id": entry.pk}


def entry_admin_urls(feed: LiveFeedPage) -> dict[str, str]:
    """Links from a feed to its entries in the Newsroom menu (used by ``LiveEntriesPanel``)."""
    helper = AdminURLHelper(LiveEntry)
    return {
        "add_entry_url": f"{helper.create_url}?{urlencode({'feed': feed.pk})}",
        "entries_list_url": f"{helper.index_url}?{urlencode({FEED_FILTER_PARAM: feed.pk})}",
    }


def entry_edit_url(entry: LiveEntry) -> str:
    return AdminURLHelper(LiveEntry).get_action_url("edit", quote(entry.pk))


# Listing -------------------------------------------------------------------------------------


def filter_fields(model: type, list_filter: tuple) -> dict[str, Field]:
    """The query-string keys Django's list filters read for these fields, each with its field."""
    params: dict[str, Field] = {}
    for item in list_filter:
        name = item[0] if isinstance(item, tuple) else item
        field = model._meta.get_field(name)
        lookup = f"{name}__{field.target_field.name}" if field.is_relation else name
        params |= {f"{lookup}__exact": field, f"{name}__isnull": field}
    return params


def is_filter_value(field: Field, key: str, value: Any) -> bool:
    """Whether ``value`` is one a list filter on ``field`` could have put in its own link.

    Anything else must not reach the query: Django only turns the errors raised while *building*
    it into ``IncorrectLookupParameters``, and an id too large for SQLite's integers
    (``OverflowError``) or a NUL in a text comparison on PostgreSQL fails only when it runs."""
    if key.endswith("__isnull"):
        return True  # Django reads any value as a boolean
    if not isinstance(value, str) or "\x00" in value:
        return False
    if field.is_relation:
        return parse_id(value) is not None
    try:
        python_value = field.to_python(value)
    except ValidationError:
        return False
    return not field.choices or python_value in {choice for choice, _label in field.flatchoices}


class NewsroomIndexView(IndexView):
    """The modeladmin listing, hardened: the query string may only hold the declared filters
    (modeladmin would pass any other key to ``QuerySet.filter``, a 500 for an unknown field and an
    oracle on related fields), and a malformed filter value is a message, not a 500."""

    def get_filters_params(self, params: Any = None) -> dict[str, Any]:
        fields = filter_fields(self.model, self.model_admin.list_filter)
        kept = {k: v for k, v in super().get_filters_params(params).items() if k in fields}
        for key, values in kept.items():
            for value in values if isinstance(values, list) else [values]:
                if not is_filter_value(fields[key], key, value):
                    raise IncorrectLookupParameters(key)
        return kept

    def get_search_results(self, request, queryset: QuerySet, search_term: str):
        # PostgreSQL refuses a NUL in a text comparison (a 500); no stored text holds one.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def dispatch(self, request, *args: Any, **kwargs: Any):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, _("That filter is not valid; showing the whole list."))
            return redirect(self.index_url)


class FeedListFilter(RelatedOnlyFieldListFilter):
    """Filter by feed, offered even for one feed so a link to one feed's entries always works."""

    def has_output(self) -> bool:
        return True


# Topics, authors, sources ------------------------------------------------------------------


class TopicAdmin(ModelAdmin):
    index_view_class = NewsroomIndexView
    model = Topic
    menu_icon = "tag"
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    edit_handler = named_edit_handler(FieldPanel("description"))


class AuthorAdmin(ModelAdmin):
    index_view_class = NewsroomIndexView
    model = Author
    menu_icon = "user"
    list_display = ("name", "role", "slug")
    search_fields = ("name", "role")
    edit_handler = named_edit_handler(FieldPanel("role"), FieldPanel("bio"), FieldPanel("photo"))


class SourceAdmin(ModelAdmin):
    index_view_class = NewsroomIndexView
    model = Source
    menu_icon = "globe"
    list_display = ("name", "url", "slug")
    search_fields = ("name",)
    edit_handler = named_edit_handler(FieldPanel("url"))


# Live entries ------------------------------------------------------------------------------


class LiveEntryPermissionHelper(PermissionHelper):
    """Entry permissions from the feed page's permissions, not from Django model permissions."""

    def user_can_list(self, user: Any) -> bool:
        return user.is_active and (user.is_superuser or editable_feeds(user).exists())

    def user_can_create(self, user: Any) -> bool:
        return self.user_can_list(user)

    def user_can_edit_obj(self, user: Any, obj: LiveEntry) -> bool:
        if obj.deleted_at is not None or not live.can_edit_feed(user, obj.feed):
            return False
        return obj.status != LiveEntry.Status.PUBLISHED or live.can_publish_feed(user, obj.feed)

    def user_can_delete_obj(self, user: Any, obj: LiveEntry) -> bool:
        return self.user_can_edit_obj(user, obj)

    def user_can_inspect_obj(self, user: Any, obj: LiveEntry) -> bool:
        return False


def _report_refusal(form: forms.Form, error: Exception) -> None:
    form.add_error(None, str(error) or _("You do not have permission to do this."))


class LiveEntryCreateView(CreateView):
    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        feed_id = parse_id(self.request.GET.get("feed", ""))
        if feed_id is not None:
            feed = editable_feeds(self.request.user).filter(pk=feed_id).first()
            if feed is not None:
                initial["feed"] = feed.pk
                if not live.can_publish_feed(self.request.user, feed):
                    initial["status"] = LiveEntry.Status.DRAFT  # all a contributor may save
        return initial

    def form_valid(self, form: LiveEntryForm):
        try:
            self.instance = live.create_entry(
                form.cleaned_data["feed"],
                self.request.user,
                authors=list(form.cleaned_data.get("authors") or []),
                **form.entry_changes(),
            )
        except PermissionDenied as error:
            _report_refusal(form, error)
            return self.form_invalid(form)
        except ValidationError as error:  # a rule of the write path, e.g. the display time
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Entry '%(entry)s' saved.") % {"entry": entry_label(self.instance)},
            buttons=self.get_success_message_buttons(self.instance),
        )
        return redirect(entry_admin_urls(self.instance.feed)["entries_list_url"])


def _redirect_if_deleted(view: Any, request) -> Any:
    if view.instance.deleted_at is not None:
        messages.error(request, _("This entry has been deleted."))
        return redirect(view.index_url)
    return None


class LiveEntryEditView(EditView):
    def check_action_permitted(self, user: Any) -> bool:
        # Anyone who may edit the feed gets the form; if the entry is published and the user
        # may not publish, ``live.update_entry`` refuses the save with a form error, so an
        # entry published while a contributor was editing it costs them nothing they typed.
        return live.can_edit_feed(user, self.instance.feed)

    def dispatch(self, request, *args: Any, **kwargs: Any):
        return _redirect_if_deleted(self, request) or super().dispatch(request, *args, **kwargs)

    def get(self, request, *args: Any, **kwargs: Any):
        self.instance.body = repaired_body(request, self.instance.body)
        if not self.permission_helper.user_can_edit_obj(request.user, self.instance):
            messages.warning(
                request,
                _("This entry is published: only editors who may publish the feed can change it."),
            )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: LiveEntryForm):
        # Compare against the stored row, not ``form.instance`` (the form has written the new
        # values onto it), so the permission check sees what readers see now.
        stored = LiveEntry.objects.select_related("feed").get(pk=self.instance.pk)
        try:
            self.instance = live.update_entry(
                stored,
                self.request.user,
                expected_version=form.cleaned_data.get("expected_version"),
                authors=list(form.cleaned_data.get("authors") or []),
                **form.entry_changes(),
            )
        except PermissionDenied as error:
            _report_refusal(form, error)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except live.EntryConflict as error:
            form.add_error(
                None,
                _("%(error)s Your version is kept below: saving again replaces theirs.")
                % {"error": error},
            )
            form.keep_as_conflict_base(LiveEntry.objects.get(pk=stored.pk).version)
            return self.form_invalid(form)
        except LiveEntry.DoesNotExist:
            messages.error(self.request, _("This entry was deleted while you were editing it."))
            return redirect(self.index_url)
        messages.success(
            self.request,
            _("Entry '%(entry)s' updated.") % {"entry": entry_label(self.instance)},
            buttons=self.get_success_message_buttons(self.instance),
        )
        return redirect(entry_admin_urls(self.instance.feed)["entries_list_url"])


class LiveEntryDeleteView(DeleteView):
    def dispatch(self, request, *args: Any, **kwargs: Any):
        return _redirect_if_deleted(self, request) or super().dispatch(request, *args, **kwargs)

    def confirmation_message(self) -> str:
        return _(
            "Delete this entry? It disappears from the live page and from apps at their next "
            "update. The feed's history keeps a record of the deletion."
        )

    def post(self, request, *args: Any, **kwargs: Any):
        label = entry_label(self.instance)
        try:
            live.delete_entry(self.instance, request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(self.index_url)
        messages.success(request, _("Entry '%(entry)s' deleted.") % {"entry": label})
        return redirect(entry_admin_urls(self.instance.feed)["entries_list_url"])


class LiveEntryAdmin(ModelAdmin):
    model = LiveEntry
    menu_label = gettext_lazy("Live entries")
    menu_icon = "time"
    permission_helper_class = LiveEntryPermissionHelper
    index_view_class = NewsroomIndexView
    create_view_class = LiveEntryCreateView
    edit_view_class = LiveEntryEditView
    delete_view_class = LiveEntryDeleteView
    # An entry's history is logged against its feed page (see ``live._log``).
    history_view_enabled = False
    list_display = ("entry", "feed", "status", "flags", "display_time")
    list_filter = (("feed", FeedListFilter), "status", "is_key_event", "is_pinned")
    list_select_related = ("feed",)
    search_fields = ("headline",)
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("feed", widget=forms.Select),
            FieldPanel("headline"),
            FieldPanel("body"),
            MultiFieldPanel(
                [
                    FieldPanel("status"),
                    FieldPanel("display_time"),
                    FieldPanel("is_key_event"),
                    FieldPanel("is_pinned"),
                ],
                heading=gettext_lazy("Publishing"),
            ),
            FieldPanel("authors", widget=forms.CheckboxSelectMultiple),
            # The form's hidden ``expected_version`` is rendered outside the panels.
        ],
        base_form_class=LiveEntryForm,
    )

    def get_queryset(self, request) -> QuerySet:
        """Only entries of feeds the editor may edit; soft-deleted entries are left out."""
        entries = LiveEntry.objects.not_deleted()
        if not request.user.is_superuser:
            entries = entries.filter(feed__in=editable_feeds(request.user))
        return entries

    def get_permissions_for_registration(self) -> QuerySet:
        # Page permissions on the feed decide; Django's liveentry permissions would mislead.
        return Permission.objects.none()

    @display(description=gettext_lazy("Entry"))
    def entry(self, obj: LiveEntry) -> str:
        return entry_label(obj)

    @display(description=gettext_lazy("Badges"))
    def flags(self, obj: LiveEntry) -> str:
        badges = []
        if obj.is_pinned:
            badges.append((_("Pinned"),))
        if obj.is_key_event:
            badges.append((_("Key event"),))
        return format_html_join(" ", '<span class="w-status w-status--primary">{}</span>', badges)

    flags.allow_tags = True  # format_html_join escaped the labels


class NewsroomGroup(ModelAdminGroup):
    menu_label = gettext_lazy("Newsroom")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (LiveEntryAdmin, TopicAdmin, AuthorAdmin, SourceAdmin)
