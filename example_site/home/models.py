"""The example site's home page."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    #: Tells ``load_newsfeed_demo`` this is the example site's home page, which it may retitle
    #: (a ``wagtail start`` project has a ``home.HomePage`` of its own, which it must not touch).
    newsfeed_demo_home = True

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        from wagtail_newsfeed.visibility import visible_articles, visible_feeds

        context = super().get_context(request, *args, **kwargs)
        # Below this home page: a page outside every Site has no URL to link to.
        context["latest_articles"] = (
            visible_articles()
            .descendant_of(self)
            .order_by("-published_at", "-pk")
            .select_related("lead_image")
            .prefetch_related("topics")[:6]
        )
        context["live_feeds"] = (
            visible_feeds()
            .descendant_of(self)
            .filter(coverage_status="live")
            .order_by("-coverage_start")[:3]
        )
        return context
