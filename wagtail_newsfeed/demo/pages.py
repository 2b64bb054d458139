"""The demo's place in the page tree: the home page it goes under, its ``/news/`` index, and the
check that the site has no news pages of its own.

The demo is for an empty site or its own earlier load: it publishes into the default site's
``/news/`` index, so it must never retitle or fill a newsroom's real pages, nor the home page of a
project it was not made for.
"""

from __future__ import annotations

from django.apps import apps
from wagtail.models import Page, Site

from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage

from .articles import ARTICLES
from .live_coverage import LIVE_FEED


def foreign_news_page() -> Page | None:
    """A news index, article or live feed the demo did not make (by slug), if the site has one:
    the demo is for an empty site or its own earlier load, never a newsroom's real pages."""
    slugs = {article["slug"] for article in ARTICLES} | {LIVE_FEED["slug"], "news"}
    pages = Page.objects.type(NewsIndexPage, NewsArticlePage, LiveFeedPage)
    return pages.exclude(slug__in=slugs).order_by("path").first()


def ensure_home_page() -> Page:
    """The example's HomePage as the default site's root, replacing Wagtail's welcome page.

    Any other site (a ``wagtail start`` project has a ``home.HomePage`` too) keeps its home
    page as it is: the demo goes under its root and retitles nothing.
    """
    site = Site.objects.filter(is_default_site=True).first()
    try:
        HomePage = apps.get_model("home", "HomePage")
    except LookupError:
        HomePage = None
    if not getattr(HomePage, "newsfeed_demo_home", False):
        return site.root_page.specific if site else Page.get_first_root_node()
    home = HomePage.objects.order_by("pk").first()
    if home is None:
        root = Page.get_first_root_node()
        welcome = site.root_page if site else None
        replace = welcome is not None and welcome.specific_class is Page
        replace = replace and not welcome.get_children().exists()
        if replace:  # free the "home" slug; the old page goes once the site has moved
            welcome.slug = f"welcome-{welcome.pk}"
            welcome.save(update_fields=["slug"])
        slug = "home" if not root.get_children().filter(slug="home").exists() else "newsroom"
        home = HomePage(title="Home", slug=slug, live=False)
        root.add_child(instance=home)
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        site.root_page = home
        site.save()
        if replace:
            welcome.delete()
    elif site and site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    if site and not site.site_name:
        site.site_name = "The Daily Wire Desk"
        site.save(update_fields=["site_name"])
    home.title = "The Daily Wire Desk"
    home.intro = (
        "<p>Demo newsroom for <b>wagtail-newsfeed</b>: stories, topics and live coverage.</p>"
    )
    home.save_revision().publish()
    return home


def ensure_index(home: Page) -> NewsIndexPage:
    """The demo's ``/news/`` index under ``home``, made if missing; its title and intro reset."""
    index = NewsIndexPage.objects.child_of(home).filter(slug="news").first()
    if index is None:
        index = NewsIndexPage(title="News", slug="news", live=False)
        home.add_child(instance=index)
    index.title = "News"
    index.intro = "<p>The latest stories from our correspondents and the wires.</p>"
    index.save_revision().publish()
    return index
