"""Wagtail hooks of wagtail-newsfeed: registration only, the behaviour lives in its modules."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .log_actions import LOG_ACTIONS
from .modeladmin import NewsroomGroup

modeladmin_register(NewsroomGroup)


@hooks.register("register_admin_viewset")
def register_webhook_viewsets():
    from .models import WebhookDelivery
    from .webhooks.viewsets import DeliveryPermissionPolicy, delivery_viewset, endpoint_viewset

    try:
        from wagtail.permissions import register_permission_policy
    except ImportError:  # Wagtail 7.4: the viewset's ``permission_policy`` says it
        pass
    else:
        register_permission_policy(WebhookDelivery, DeliveryPermissionPolicy(WebhookDelivery))
    return [endpoint_viewset, delivery_viewset]


@hooks.register("register_log_actions")
def register_entry_log_actions(actions):
    for action, formatter in LOG_ACTIONS:
        actions.register_action(action)(formatter)


@hooks.register("register_rich_text_features", order=100)  # after Wagtail's own features
def sturdy_link_conversion(features):
    from .rich_text import register_sturdy_link_conversion

    register_sturdy_link_conversion(features)


@hooks.register("register_rich_text_features", order=100)  # replaces Wagtail's link types
def visible_link_types(features):
    from .links import register_visible_link_types

    register_visible_link_types(features)


@hooks.register("register_admin_urls")
def register_live_console_urls():
    from django.urls import include, path

    from .views import console_urls

    return [path("newsfeed/feeds/", include(console_urls))]


@hooks.register("register_page_header_buttons")
def live_console_header_button(page, user, view_name=None, next_url=None):
    from .views.buttons import live_console_buttons

    return live_console_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def live_console_listing_button(page, user, next_url=None):
    from .views.buttons import live_console_buttons

    return live_console_buttons(page, user)


@hooks.register("before_serve_page")
def hide_expired_page(page, request, serve_args, serve_kwargs):
    from .visibility import refuse_expired_page

    refuse_expired_page(page, request)


@hooks.register("before_serve_page")
def remember_the_site(page, request, serve_args, serve_kwargs):
    """Wagtail has found the request's Site to route it (and keeps it on the request): the
    masthead, share tags and JSON-LD reuse that answer (``sites.get_site``)."""
    from wagtail.models import Site

    from .sites import remember_site

    remember_site(request, Site.find_for_request(request))


@hooks.register("before_serve_page")
def tell_page_its_restrictions(page, request, serve_args, serve_kwargs):
    """Before Wagtail checks a reader page's view restrictions (``on_serve_page``), say whether
    it could have any, from this request's render generation: see ``ReaderCacheMixin``."""
    from .http_caching import ReaderCacheMixin
    from .visibility import may_be_restricted

    if isinstance(page, ReaderCacheMixin):
        page.may_be_restricted = may_be_restricted(page, request)
