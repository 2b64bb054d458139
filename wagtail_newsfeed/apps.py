"""App configuration: wires up checks, signal handlers and the admin's and API's additions to
the models; holds no logic."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailNewsfeedConfig(AppConfig):
    name = "wagtail_newsfeed"
    label = "wagtail_newsfeed"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401
        from .api.fields import attach_page_api_serializers
        from .forms import attach_page_forms
        from .models import LiveFeedPage
        from .panels import add_live_entries_tab
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        # The admin and the API reach the models from their side (docs/architecture.md).
        add_live_entries_tab(LiveFeedPage)
        attach_page_forms()
        attach_page_api_serializers()
