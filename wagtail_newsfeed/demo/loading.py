"""One demo load: everything it writes in one transaction, queued behind any other load running
at the same time, with the image files it wrote removed if it rolls back.

The order of the steps is the one thing this module decides; what each step writes lives in the
module for its concern, and the management command only parses and checks its options.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from wagtail.models import Site

from wagtail_newsfeed.models import Author, LiveFeedPage, Source, Topic

from .accounts import ensure_demo_superuser
from .articles import ARTICLES
from .newsroom import AUTHORS, IMAGES, SOURCES, TOPIC_PARENTS, TOPICS
from .pages import ensure_home_page, ensure_index
from .pictures import ensure_image, remove_files
from .site_address import set_site_address
from .stories import Refs, save_article, save_feed

#: The PostgreSQL advisory lock key of a demo load ("newsdemo" in ASCII, as a bigint).
DEMO_LOCK_KEY = int.from_bytes(b"newsdemo", "big") - 2**63


def load_demo(
    *,
    demo_superuser: bool,
    address: tuple[str, int],
    only_if_local: bool,
    report: Callable[[str], None],
) -> tuple[LiveFeedPage, Refs, dict[str, Topic]]:
    """Load the demo (see the ``load_newsfeed_demo`` command): the live feed, the references
    to what was written, and the topics by slug. ``report`` takes the messages for the person
    running it."""
    written: list[str] = []  # image files this run wrote, removed if it rolls back
    try:
        return _load(demo_superuser, address, only_if_local, report, written)
    except BaseException:  # an error or Ctrl-C: the rows are rolled back, so go the files
        remove_files(written)
        raise


def _load(
    demo_superuser: bool,
    address: tuple[str, int],
    only_if_local: bool,
    report: Callable[[str], None],
    written: list[str],
) -> tuple[LiveFeedPage, Refs, dict[str, Topic]]:
    """Everything the demo writes, in one transaction."""
    with transaction.atomic():
        lock_demo_load()
        if demo_superuser:
            ensure_demo_superuser(report)
        home = ensure_home_page()
        set_site_address(*address, only_if_local=only_if_local, report=report)
        index = ensure_index(home)
        topics = {
            slug: Topic.objects.update_or_create(
                slug=slug, defaults={"name": name, "description": text}
            )[0]
            for name, slug, text in TOPICS
        }
        for slug, parent in TOPIC_PARENTS.items():
            topics[slug].parent = topics[parent]
            topics[slug].save(update_fields=["parent"])
        authors = {
            slug: Author.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "role": role},
            )[0]
            for name, slug, role in AUTHORS
        }
        sources = {
            slug: Source.objects.update_or_create(slug=slug, defaults={"name": name, "url": url})[0]
            for name, slug, url in SOURCES
        }
        images = {spec[0]: ensure_image(*spec, written=written) for spec in IMAGES}
        refs = Refs(sources=sources, images=images, articles={})
        for data in ARTICLES:
            article = save_article(index, data, topics, authors, refs)
            refs.articles[data["slug"]] = article
        feed = save_feed(index, authors, refs, report)
    return feed, refs, topics


def lock_demo_load() -> None:
    """Make runs at once queue (two ``make demo``, two containers starting): the first thing in
    the transaction, held until it ends, so a later run sees everything an earlier one wrote.
    SQLite lets one writer at a time anyway; elsewhere the default Site's row is the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEMO_LOCK_KEY])
    elif connection.features.has_select_for_update:
        list(Site.objects.select_for_update().filter(is_default_site=True).values_list("pk"))
