"""The "Newsroom" admin menu: topics, authors, sources and live entries (wagtail-modeladmin).

Topics, authors and sources are plain models with Django model permissions. Live entries are
different: who may see and change them follows the Wagtail *page* permissions on the entry's feed
(``entry_rules.can_edit_feed`` / ``entry_rules.can_publish_feed``), and every save goes through
``wagtail_newsfeed.entry_rules`` so the feed's version counter, its history and the change signal
stay right. Entries are written and edited in one place, the feed's live console; this menu lists
them across feeds (search, filters, bulk unpublish and delete) and its rows open the console.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import RelatedOnlyFieldListFilter, display
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Field, QuerySet
from django.shortcuts import redirect
from django.urls import re_path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail_modeladmin.helpers import AdminURLHelper, ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import IndexView

from . import entry_rules
from .converters import parse_id
from .forms import AuthorForm, named_edit_handler
from .models import Author, LiveEntry, LiveFeedPage, Source, Topic
from .models.taxonomy import USER_MANAGER_PERMISSION
from .search import clean_query, matching_entry_ids
from .views import entries as entry_views
from .views.console import console_url

#: The query-string key of the entries list's feed filter (Django's RelatedFieldListFilter).
FEED_FILTER_PARAM = f"feed__{LiveEntry._meta.get_field('feed').target_field.name}__exact"


def entry_label(entry: LiveEntry) -> str:
    """The entry's name: its headline, else its first words and display time (``names``)."""
    return str(entry)


def entry_admin_urls(feed: LiveFeedPage) -> dict[str, str]:
    """Links from a feed to its entries (used by ``LiveEntriesPanel``): entries are written in
    the feed's live console, and listed across feeds in the Newsroom menu."""
    helper = AdminURLHelper(LiveEntry)
    return {
        "add_entry_url": console_url(feed),
        "entries_list_url": f"{helper.index_url}?{urlencode({FEED_FILTER_PARAM: feed.pk})}",
    }


def entry_edit_url(entry: LiveEntry) -> str:
    """Where an entry is edited: the live console's editor, whichever list links to it."""
    return reverse("wagtail_newsfeed_console:edit", args=[entry.feed_id, entry.pk])


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
    list_display = ("name", "parent", "slug")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    edit_handler = named_edit_handler(FieldPanel("parent"), FieldPanel("description"))


class AuthorAdmin(ModelAdmin):
    index_view_class = NewsroomIndexView
    model = Author
    menu_icon = "user"
    list_display = ("name", "role", "slug")
    search_fields = ("name", "role")
    edit_handler = named_edit_handler(
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("user", permission=USER_MANAGER_PERMISSION),
        form_class=AuthorForm,
    )


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
        return user.is_active and (user.is_superuser or entry_rules.editable_feeds(user).exists())

    def user_can_create(self, user: Any) -> bool:
        return False  # entries are written in a feed's live console (the feed is the context)

    def user_can_edit_obj(self, user: Any, obj: LiveEntry) -> bool:
        """The console's rule (``can_change_entry``): a row offers only what the console allows."""
        return obj.deleted_at is None and entry_rules.can_change_entry(user, obj.feed, obj)

    def user_can_delete_obj(self, user: Any, obj: LiveEntry) -> bool:
        return self.user_can_edit_obj(user, obj)

    def user_can_inspect_obj(self, user: Any, obj: LiveEntry) -> bool:
        return False


class LiveEntryButtonHelper(ButtonHelper):
    """A row's buttons open the live console: its editor and its delete confirmation."""

    def _point_at_console(self, button: dict[str, Any], obj: LiveEntry, action: str) -> dict:
        name = "edit" if action == "edit" else "delete"
        return {
            **button,
            "url": reverse(f"wagtail_newsfeed_console:{name}", args=[obj.feed_id, obj.pk]),
        }

    def get_buttons_for_obj(self, obj: LiveEntry, exclude=None, classnames_add=None, **kwargs):
        exclude = list(exclude or []) + ["inspect"]
        buttons = []
        helper, user = self.permission_helper, self.request.user
        if "edit" not in exclude and helper.user_can_edit_obj(user, obj):
            button = self.edit_button(obj.pk, classnames_add, kwargs.get("classnames_exclude"))
            buttons.append(self._point_at_console(button, obj, "edit"))
        if "delete" not in exclude and helper.user_can_delete_obj(user, obj):
            button = self.delete_button(obj.pk, classnames_add, kwargs.get("classnames_exclude"))
            buttons.append(self._point_at_console(button, obj, "delete"))
        return buttons

    def get_primary_button(self, obj: LiveEntry) -> dict[str, Any] | None:
        if self.permission_helper.user_can_edit_obj(self.request.user, obj):
            return self._point_at_console(self.edit_button(obj.pk), obj, "edit")
        return None


class LiveEntryIndexView(NewsroomIndexView):
    """The entries list searches headlines and body text through Wagtail search, as readers'
    search does: a search of the headline column would miss every entry without one."""

    def get_search_results(self, request, queryset: QuerySet, search_term: str):
        if not clean_query(search_term):
            return queryset
        return queryset.filter(pk__in=matching_entry_ids(search_term, queryset))


class LiveEntryAdmin(ModelAdmin):
    """The cross-feed list of entries: search, filters, bulk unpublish and delete. Entries are
    written and edited in their feed's live console; the old create, edit and delete URLs of
    this menu lead there (``views.entries``)."""

    model = LiveEntry
    menu_label = gettext_lazy("Live entries")
    menu_icon = "time"
    permission_helper_class = LiveEntryPermissionHelper
    button_helper_class = LiveEntryButtonHelper
    index_view_class = LiveEntryIndexView
    index_template_name = "wagtail_newsfeed/admin/entries/index.html"
    create_view_class = entry_views.ConsoleCreateRedirect
    edit_view_class = entry_views.ConsoleEditRedirect
    delete_view_class = entry_views.ConsoleDeleteRedirect
    # An entry's history is logged against its feed page (every write in ``entry_rules``).
    history_view_enabled = False
    list_display = ("select", "entry", "feed", "status", "flags", "display_time")
    list_display_add_buttons = "entry"
    list_filter = (("feed", FeedListFilter), "status", "is_key_event", "is_pinned")
    list_select_related = ("feed",)
    search_fields = ("headline",)
    list_per_page = 50

    def get_queryset(self, request) -> QuerySet:
        """Only entries of feeds the editor may edit; soft-deleted entries are left out."""
        entries = LiveEntry.objects.not_deleted()
        if not request.user.is_superuser:
            entries = entries.filter(feed__in=entry_rules.editable_feeds(request.user))
        return entries

    def get_permissions_for_registration(self) -> QuerySet:
        # Page permissions on the feed decide; Django's liveentry permissions would mislead.
        return Permission.objects.none()

    def get_admin_urls_for_registration(self) -> tuple:
        bulk = re_path(
            rf"^{self.url_helper.base_url_path}/bulk/$",
            entry_views.BulkEntryActionView.as_view(model_admin=self),
            name=self.url_helper.get_action_url_name("bulk"),
        )
        return (*super().get_admin_urls_for_registration(), bulk)

    @display(description=gettext_lazy("Select"))
    def select(self, obj: LiveEntry) -> str:
        return format_html(
            '<input type="checkbox" name="id" value="{}" form="{}" aria-label="{}">',
            obj.pk,
            entry_views.BULK_FORM_ID,
            _("Select “%(entry)s”") % {"entry": obj},
        )

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

    def get_submenu_items(self) -> list:
        """The modeladmin items, then the webhook viewsets (Wagtail ``ModelViewSet``s)."""
        from .webhooks.viewsets import delivery_viewset, endpoint_viewset

        items = super().get_submenu_items()
        for viewset in (endpoint_viewset, delivery_viewset):
            items.append(viewset.get_menu_item(order=len(items) + 1))
        return items
