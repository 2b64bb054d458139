"""Old archive and feed URLs keep working: WordPress's category archives and their feeds, the
blog's feed and each post's comment feed redirect (permanently) to what took their place.

- ``/category/<parent>/<child>/`` (and ``/category/<child>/``, which WordPress also answers) leads
  to the news index filtered by the category's topic (``/news/?topic=<slug>``), and its
  ``/feed/`` to the topic's RSS feed; the parents are those of the topic tree (a parent that
  closed a loop of categories was left off there, and is here);
- ``/feed/``, ``/feed/rss2/`` and ``/feed/atom/`` lead to the index's RSS or Atom feed (the
  imported posts are that index's articles, not the whole site's), once it shows one;
- ``/<permalink>/feed/`` (a post's comment feed; the newsroom has no comments) leads to the
  post's page (``post_feed_path``, saved with the post's other redirects).

Feeds redirect only where the site mounts ``wagtail_newsfeed.urls``. As for posts, only what
readers can see gets a redirect: a topic no visible article of the index is filed under (its name
could give an unpublished story away) or a news index that is not public has none, and a re-run
removes those an earlier run made for the same WordPress site (recorded as its own; another
site's, which share the paths where two sites are imported into one Wagtail site, and an
editor's are left alone). Tag and author archives have no counterpart here (the app
lists neither) and get no redirect: sending them all to one listing would be a soft 404.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import NoReverseMatch, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from ..visibility import visible_pages
from . import values
from .redirects import MAX_PATH, drop_link_redirects, save_redirects
from .report import Report
from .survey import Catalog
from .taxonomy import LEFT_OUT, Taxonomy

#: WordPress's default category base (Settings › Permalinks leaves it empty for ``category``).
CATEGORY_BASE = "category"
#: The feed URLs of the blog, each with the feed of the index it leads to.
BLOG_FEEDS = {"/feed": "index_rss", "/feed/rss2": "index_rss", "/feed/atom": "index_atom"}


def post_feed_path(permalink: str | None) -> str | None:
    """The old path of a post's comment feed (``/2024/03/story/feed/``): only a pretty
    permalink has one (``/?p=12&feed=rss2`` is not worth keeping)."""
    if not permalink or permalink == "/" or "?" in permalink:
        return None
    return f"{permalink.rstrip('/')}/feed"


def feed_url(name: str, **kwargs: object) -> str:
    """A feed's URL, or "" where the site does not mount ``wagtail_newsfeed.urls``."""
    try:
        return reverse(f"wagtail_newsfeed:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return ""


def save_archive_redirects(
    catalog: Catalog, taxonomy: Taxonomy, index: Page, site: Site | None, report: Report
) -> None:
    """Redirects from the blog's feeds and its category archives to the index; those whose
    target is no longer public are removed."""
    index_url = index.get_url(current_site=site) or ""
    index = index.specific
    # An index with no visible article (posts imported before into another index stay there)
    # would be an empty feed in place of the blog's.
    public = (
        bool(index_url)
        and visible_pages(Page.objects.filter(pk=index.pk)).exists()
        and index.get_articles().exists()
    )
    owner = catalog.site
    for path, name in BLOG_FEEDS.items():
        old, link = _path(catalog, path), feed_url(name, page_id=index.pk)
        if not public:
            _drop(catalog, [old], site, [link], report, "the index shows no article")
        elif link:
            save_redirects([old], site, report, "the blog's feed", link=link, owner=owner)
    listed = dict(index.get_topics().values_list("pk", "slug")) if public else {}
    for slug in _categories(catalog, taxonomy):
        topic = taxonomy.topics.get(slug)
        paths = category_paths(catalog, taxonomy, slug)
        feeds = [f"{path}/feed" for path in paths]
        topic_slug = topic.slug if topic is not None else slug
        link = f"{index_url}?topic={quote(topic_slug)}"
        rss = feed_url("topic_rss", slug=topic_slug)
        if topic is None or topic.pk not in listed:
            # A topic the index lists through another site's posts keeps its archive public.
            if topic_slug not in listed.values():
                _drop(
                    catalog, paths + feeds, site, [link, rss], report, "the archive is not public"
                )
            continue
        label = f"category {slug}"
        if len(link) > MAX_PATH:  # Redirect.redirect_link holds 255 characters
            report.warn("redirect", f"{label}: {values.shown(link)} is too long; no redirect")
            continue
        save_redirects(paths, site, report, label, link=link, owner=owner)
        if rss:
            save_redirects(feeds, site, report, label, link=rss, owner=owner)


def category_paths(catalog: Catalog, taxonomy: Taxonomy, slug: str) -> list[str]:
    """A category's archive paths: the one through its parents WordPress links to, and the one
    of its own slug alone, which WordPress answers too."""
    lineage = taxonomy.lineage(slug, repaired=True)
    nicenames = [_nicename(catalog, each) for each in reversed(lineage)]
    paths = [f"/{CATEGORY_BASE}/{'/'.join(nicenames)}", f"/{CATEGORY_BASE}/{nicenames[-1]}"]
    return list(dict.fromkeys(_path(catalog, path) for path in paths))


def _categories(catalog: Catalog, taxonomy: Taxonomy) -> list[str]:
    """The export's categories (listed in the channel or used by a post), less those left out."""
    found = dict.fromkeys([*catalog.categories, *sorted(catalog.used_categories)])
    return [slug for slug in found if slug and slug not in LEFT_OUT]


def _nicename(catalog: Catalog, slug: str) -> str:
    """The category's slug as it appears in its URL (WordPress keeps it percent-encoded)."""
    term = catalog.categories.get(slug)
    return term.slug.strip("/") if term is not None and term.slug else quote(slug)


def _path(catalog: Catalog, path: str) -> str:
    return Redirect.normalise_path(f"{catalog.base_path}{path}")


def _drop(
    catalog: Catalog,
    paths: list[str],
    site: Site | None,
    links: list[str],
    report: Report,
    why: str,
) -> None:
    """Remove the redirects from ``paths`` to ``links`` this WordPress site's imports made."""
    removed = drop_link_redirects(paths, site, links, owner=catalog.site)
    report.count("redirects", f"removed ({why})", removed)
