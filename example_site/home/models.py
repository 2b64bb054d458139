"""The example site's home page."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        from wagtail_newsfeed.visibility import visible_articles, visible_feeds

        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = (
            visible_articles()
            .order_by("-published_at", "-pk")
            .select_related("lead_image")
            .prefetch_related("topics")[:6]
        )
        context["live_feeds"] = (
            visible_feeds().filter(coverage_status="live").order_by("-coverage_start")[:3]
        )
        return context
