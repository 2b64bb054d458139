"""The admin for webhooks: endpoints (Wagtail ``ModelViewSet``) and the read-only delivery log.

Both appear in the Newsroom menu (``modeladmin.NewsroomGroup`` adds their menu items) and follow
Django model permissions. A secret is shown once, right after it is made (on creation, or when an
editor asks for a new one); it is never part of a form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import VERSION as WAGTAIL_VERSION
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .. import converters  # noqa: F401  (registers <newsfeed_id:...>)
from ..conf import settings
from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .targets import TargetRefused, TargetUnreachable, check_url, literal_address

SECRET_SESSION_KEY = "wagtail_newsfeed_webhook_secret"


class EndpointURLField(forms.URLField):
    """Says what is wrong with a URL Django's validator turns down although it names an address:
    ``http://127.1/`` or ``http://2130706433/`` are refused because they lead to a non-public
    address, which "Enter a valid URL." does not tell. A URL given without a scheme is taken as
    ``https://`` (Django 6's default, said here so that Django 5.2 agrees)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(*args, **kwargs)

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except ValidationError as error:
            codes = {item.code for item in error.error_list}
            refusal = _refusal(value) if codes == {"invalid"} else ""
            if refusal:
                raise ValidationError(refusal, code="not_public") from None
            raise


def _refusal(url: str) -> str:
    """Why ``check_url`` refuses ``url``, a URL Django turned down, for good; empty if it does
    not, or if the host is a name: looking up a name Django refuses (``http://intranet/``) to
    explain it would tell an internal name from an unknown one."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return ""
    if not host or literal_address(host) is None:
        return ""
    try:
        check_url(url)
    except TargetUnreachable:
        return ""
    except TargetRefused as error:
        return str(error)
    return ""


class WebhookEndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    new_secret = forms.BooleanField(
        label=_("Make a new secret"),
        required=False,
        help_text=_(
            "The new secret is shown once. The old one keeps signing beside it for a while "
            "(deliveries carry both signatures), so the receiver can be switched over without "
            "a refused delivery."
        ),
    )
    drop_old_secret = forms.BooleanField(
        label=_("Stop using the old secret at once"),
        required=False,
        help_text=_("When it may have leaked: deliveries are signed with the new secret only."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]
        field_classes = {"url": EndpointURLField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a new endpoint gets its first secret anyway
            del self.fields["new_secret"], self.fields["drop_old_secret"]
        elif not settings.WEBHOOK_SECRET_OVERLAP_HOURS:  # it stops at once anyway
            del self.fields["drop_old_secret"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("drop_old_secret") and not cleaned.get("new_secret"):
            self.add_error(
                "drop_old_secret",
                _("Tick “Make a new secret” too: the old one is only dropped for a new one."),
            )
        return cleaned

    def overlap(self) -> timedelta:
        """How long the replaced secret keeps signing."""
        if self.cleaned_data.get("drop_old_secret"):
            return timedelta(0)
        return timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)


def _remember_secret(request: Any, endpoint: WebhookEndpoint) -> None:
    request.session[SECRET_SESSION_KEY] = {"pk": endpoint.pk, "secret": endpoint.secret}


def _secret_url(view: Any, endpoint: WebhookEndpoint) -> str:
    namespace = view.index_url_name.rsplit(":", 1)[0]
    return reverse(f"{namespace}:secret", args=[quote(endpoint.pk)])


class EndpointCreateView(CreateView):
    def save_instance(self) -> WebhookEndpoint:
        instance = super().save_instance()
        _remember_secret(self.request, instance)
        return instance

    def get_success_url(self) -> str:
        return _secret_url(self, self.object)


class EndpointEditView(EditView):
    def save_instance(self) -> WebhookEndpoint:
        if self.form.cleaned_data.get("new_secret"):
            self.form.instance.rotate_secret(keep_old_for=self.form.overlap())
        instance = super().save_instance()
        if self.form.cleaned_data.get("new_secret"):
            _remember_secret(self.request, instance)
        return instance

    def get_success_url(self) -> str:
        if self.form.cleaned_data.get("new_secret"):
            return _secret_url(self, self.object)
        return super().get_success_url()


class EndpointSecretView(BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """Shows a fresh secret once: it is taken out of the session as it is shown."""

    template_name = "wagtail_newsfeed/admin/webhooks/secret.html"
    model = WebhookEndpoint
    page_title = _("Webhook secret")
    header_icon = "link"
    index_url_name: str = ""
    edit_url_name: str = ""

    def get_object(self) -> WebhookEndpoint:
        return get_object_or_404(WebhookEndpoint, pk=self.pk)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any):
        policy = ModelPermissionPolicy(WebhookEndpoint)
        if not policy.user_has_any_permission(request.user, ["add", "change"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: Any, *args: Any, **kwargs: Any):
        kept = request.session.get(SECRET_SESSION_KEY) or {}
        if kept.get("pk") != self.object.pk:
            return redirect(reverse(self.edit_url_name, args=[quote(self.object.pk)]))
        del request.session[SECRET_SESSION_KEY]
        return self.render_to_response(self.get_context_data(secret=kept["secret"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["endpoint"] = self.object
        context["index_url"] = reverse(self.index_url_name)
        return context


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = _("Webhooks")
    add_to_admin_menu = False
    copy_view_enabled = False
    add_view_class = EndpointCreateView
    edit_view_class = EndpointEditView
    list_display = ["name", "url", "is_active", "created_at"]
    search_fields = ["name", "url"]
    # The secret's checkboxes are the form's own fields (not the model's): without panels of
    # their own Wagtail would print them bare, with no label, help or error. The section is
    # hidden where the form has none of them (a new endpoint).
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("events"),
            FieldPanel("is_active"),
            MultiFieldPanel(
                [FieldPanel("new_secret"), FieldPanel("drop_old_secret")], heading=_("Secret")
            ),
        ],
        base_form_class=WebhookEndpointForm,
    )

    def get_urlpatterns(self) -> list:
        secret_view = EndpointSecretView.as_view(
            index_url_name=self.get_url_name("index"), edit_url_name=self.get_url_name("edit")
        )
        return [
            *super().get_urlpatterns(),
            path("<newsfeed_id:pk>/secret/", secret_view, name="secret"),
        ]


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    """The log is written by the app only: nobody adds or edits a delivery."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in ("add", "change") and super().user_has_permission(user, action)


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("endpoint")


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = DeliveryIndexView

    if WAGTAIL_VERSION < (8,):  # Wagtail 8 takes the policy registered in ``wagtail_hooks``

        @cached_property
        def permission_policy(self) -> DeliveryPermissionPolicy:
            return DeliveryPermissionPolicy(self.model)

    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "last_error",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    inspect_view_fields = [
        "message_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "response_code",
        "duration_ms",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    ]
    form_fields = ["status"]  # never shown: nobody may add or change a delivery


endpoint_viewset = WebhookEndpointViewSet(
    "wagtail_newsfeed_webhooks", url_prefix="newsfeed/webhooks"
)
delivery_viewset = WebhookDeliveryViewSet(
    "wagtail_newsfeed_webhook_deliveries", url_prefix="newsfeed/webhook-deliveries"
)
