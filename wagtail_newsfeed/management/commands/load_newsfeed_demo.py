"""Load a small demo newsroom: topics, authors, agencies, articles with images and a live feed.

Idempotent: every object is looked up by a natural key (username, slug, title) and updated in place,
so running the command again refreshes the demo instead of duplicating it. Pages are published
through revisions and live entries through ``wagtail_newsfeed.entry_rules``, exactly as editors
would, so the demo exercises the same code paths as real content.

It creates no user anyone can sign in as unless asked: ``--demo-superuser`` (which ``make demo``
passes) adds the ``admin``/``admin`` superuser of a local demo, and is refused with ``DEBUG`` off,
where the site may be public. ``--site-url`` (default ``http://127.0.0.1:8000``, where ``make
demo`` serves it) sets the default Wagtail Site's hostname and port, so the demo's feeds, sitemaps
and JSON-LD link to where it runs; the default is applied only to a site still called
``localhost``, never over an address someone set. Live entries need a writer with permission on
the feed: an existing superuser, else a user who cannot sign in and may only edit the demo's live
feed.
"""

from __future__ import annotations

import io
import logging
import math
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_ipv4_address, validate_ipv6_address
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, Site

from wagtail_newsfeed import demo_content as demo
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import (
    ArticleAuthor,
    ArticleCorrection,
    ArticleRelatedLink,
    Author,
    LiveEntry,
    LiveFeedPage,
    NewsArticlePage,
    NewsIndexPage,
    Source,
    Topic,
)

IMAGE_SIZE = (1600, 900)

logger = logging.getLogger(__name__)

#: Where ``make demo`` (and the README) serves the demo.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"

#: The local demo's superuser (``--demo-superuser``): a password everyone knows.
DEMO_USERNAME = DEMO_PASSWORD = "admin"
#: Who writes the demo's live entries when the site has no superuser: it cannot sign in, and its
#: group may only add, edit and publish under the demo's live feed.
WRITER_USERNAME = "newsfeed-demo-writer"
WRITER_GROUP = "Newsfeed demo writers"
WRITER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


class Command(BaseCommand):
    help = (
        "Load demo news content (articles, topics, a live feed) into an empty site, or again "
        "into its own earlier load. Refused where the site has news pages of its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-superuser",
            action="store_true",
            help=(
                f"Also create the superuser '{DEMO_USERNAME}' with the password "
                f"'{DEMO_PASSWORD}' for a local demo (unless a user '{DEMO_USERNAME}' exists; its "
                "password is never changed). Refused with DEBUG off."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Load the demo although the site has news pages it did not make (it publishes "
                "its stories into the default site's /news/ index, retitling it)."
            ),
        )
        parser.add_argument(
            "--site-url",
            default=None,
            help=(
                "Where the demo is served, e.g. https://news.example.org: sets the default "
                "Wagtail Site's hostname and port, which every absolute link (feeds, sitemaps, "
                f"JSON-LD) uses. Default {DEFAULT_SITE_URL}, applied only while the site is "
                "still 'localhost'."
            ),
        )

    def handle(
        self,
        *args: Any,
        demo_superuser: bool = False,
        site_url: str | None = None,
        force: bool = False,
        **options: Any,
    ) -> None:
        address = parse_site_url(DEFAULT_SITE_URL if site_url is None else site_url)
        foreign = None if force else foreign_news_page()
        if foreign is not None:
            raise CommandError(
                f"This site has news pages the demo did not make, e.g. {foreign.title!r} at "
                f"{foreign.url_path!r}. The demo publishes its stories into the default site's "
                "/news/ index: load it into an empty site, or pass --force."
            )
        if demo_superuser and not settings.DEBUG:
            raise CommandError(
                f"Refusing to create the superuser '{DEMO_USERNAME}' with the password "
                f"'{DEMO_PASSWORD}': DEBUG is off, so this may be a production site, and a "
                "password everyone knows must not exist there. Create a superuser with "
                "'manage.py createsuperuser' and run this command without --demo-superuser."
            )
        written: list[str] = []  # image files this run wrote, removed if it rolls back
        try:
            feed, refs, topics = self.load(demo_superuser, site_url, address, written)
        except BaseException:  # an error or Ctrl-C: the rows are rolled back, so go the files
            remove_files(written)
            raise
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(refs.articles)} articles, {len(topics)} topics and the live "
                f"feed '{feed.title}' ({feed.entries.published().count()} entries)."
            )
        )

    def load(
        self, demo_superuser: bool, site_url: str | None, address: tuple, written: list[str]
    ) -> tuple[LiveFeedPage, Refs, dict]:
        """Everything the demo writes, in one transaction."""
        with transaction.atomic():
            lock_demo_load()
            if demo_superuser:
                self.ensure_demo_superuser()
            home = self.ensure_home_page()
            self.set_site_address(*address, only_if_local=site_url is None)
            index = self.ensure_index(home)
            topics = {
                slug: Topic.objects.update_or_create(
                    slug=slug, defaults={"name": name, "description": text}
                )[0]
                for name, slug, text in demo.TOPICS
            }
            for slug, parent in demo.TOPIC_PARENTS.items():
                topics[slug].parent = topics[parent]
                topics[slug].save(update_fields=["parent"])
            authors = {
                slug: Author.objects.update_or_create(
                    slug=slug, defaults={"name": name, "role": role}
                )[0]
                for name, slug, role in demo.AUTHORS
            }
            sources = {
                slug: Source.objects.update_or_create(
                    slug=slug, defaults={"name": name, "url": url}
                )[0]
                for name, slug, url in demo.SOURCES
            }
            images = {spec[0]: ensure_image(*spec, written=written) for spec in demo.IMAGES}
            refs = Refs(sources=sources, images=images, articles={})
            for data in demo.ARTICLES:
                article = self.save_article(index, data, topics, authors, refs)
                refs.articles[data["slug"]] = article
            feed = self.save_feed(index, authors, refs)
        return feed, refs, topics

    # Users and the page tree ----------------------------------------------------------------

    def ensure_demo_superuser(self) -> None:
        """The local demo's ``admin``/``admin``. An existing ``admin`` is left exactly as it is:
        resetting its password would hand a real account to anyone who reads the README."""
        User = get_user_model()
        if User.objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(f"User '{DEMO_USERNAME}' exists already; left unchanged.")
            return
        User.objects.create_superuser(DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD)
        self.stdout.write(f"Created superuser '{DEMO_USERNAME}' with password '{DEMO_PASSWORD}'.")

    def entry_writer(self, feed: LiveFeedPage) -> Any:
        """Who the live entries are written by (``live`` checks the writer's page permissions):
        the oldest active superuser, else a user made for it who can never sign in.

        That user is active, since Wagtail grants an inactive user nothing, but has no usable
        password (so no sign-in and no password reset), no admin access and no staff flag, and
        its group may only add, edit and publish pages under the demo feed."""
        User = get_user_model()
        superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if superuser is not None:
            return superuser
        writer = User.objects.filter(username=WRITER_USERNAME).first()
        if writer is None:
            writer = User(username=WRITER_USERNAME)
            writer.set_unusable_password()
            writer.save()
            self.stdout.write(
                f"Live entries are written by '{WRITER_USERNAME}', a user who cannot sign in "
                "and may only edit the demo's live feed."
            )
        if not writer.is_active:
            raise CommandError(
                f"User '{WRITER_USERNAME}' is inactive, so it cannot write the demo's live "
                "entries: create a superuser ('manage.py createsuperuser') and run this again."
            )
        group, _created = Group.objects.get_or_create(name=WRITER_GROUP)
        page_type = ContentType.objects.get_for_model(Page)
        for permission in Permission.objects.filter(
            content_type=page_type, codename__in=WRITER_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=feed, permission=permission)
        writer.groups.add(group)
        return writer

    def ensure_home_page(self) -> Page:
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

    def set_site_address(self, hostname: str, port: int, *, only_if_local: bool) -> None:
        """Point the default Wagtail Site at where the demo runs (see ``--site-url``)."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is None or (site.hostname, site.port) == (hostname, port):
            return
        if only_if_local and site.hostname != "localhost":
            return
        if Site.objects.exclude(pk=site.pk).filter(hostname=hostname, port=port).exists():
            raise CommandError(f"Another Wagtail Site already uses {hostname}:{port}.")
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
        self.stdout.write(f"The default site's address is now {site.root_url}/.")

    def ensure_index(self, home: Page) -> NewsIndexPage:
        index = NewsIndexPage.objects.child_of(home).filter(slug="news").first()
        if index is None:
            index = NewsIndexPage(title="News", slug="news", live=False)
            home.add_child(instance=index)
        index.title = "News"
        index.intro = "<p>The latest stories from our correspondents and the wires.</p>"
        index.save_revision().publish()
        return index

    # Articles and the live feed ---------------------------------------------------------------

    def save_article(self, index, data, topics, authors, refs) -> NewsArticlePage:
        article = NewsArticlePage.objects.child_of(index).filter(slug=data["slug"]).first()
        if article is None:
            article = NewsArticlePage(title=data["title"], slug=data["slug"], live=False)
            index.add_child(instance=article)
        article.title = data["title"]
        article.standfirst = data["standfirst"]
        article.dateline = data.get("dateline", "")
        article.is_breaking = data.get("breaking", False)
        article.source = refs.sources.get(data.get("source"))
        article.lead_image = refs.images[data["image"]]
        article.lead_image_caption = data.get("caption", "")
        article.lead_image_credit = data.get("credit", "")
        if "published" in data:
            article.published_at = aware(data["published"])
            article.updated_at = aware(data["updated"]) if data.get("updated") else None
        else:
            article.published_at = timezone.now() - timedelta(hours=data["hours_ago"])
            article.updated_at = None
        article.body = [refs.resolve(block) for block in data["body"]]
        article.topics.set([topics[slug] for slug in data["topics"]])
        article.article_authors = [
            ArticleAuthor(author=authors[slug], sort_order=i)
            for i, slug in enumerate(data["authors"])
        ]
        article.corrections = [
            ArticleCorrection(kind=kind, noted_at=aware(when), text=text, sort_order=i)
            for i, (kind, when, text) in enumerate(data.get("corrections", []))
        ]
        article.related_links = [
            ArticleRelatedLink(related=refs.articles[slug], sort_order=i)
            for i, slug in enumerate(data.get("related", []))
        ]
        article.tags.set(data.get("tags", []))
        article.save_revision().publish()
        return article

    def save_feed(self, index, authors, refs) -> LiveFeedPage:
        data = demo.LIVE_FEED
        feed = LiveFeedPage.objects.child_of(index).filter(slug=data["slug"]).first()
        if feed is None:
            feed = LiveFeedPage(title=data["title"], slug=data["slug"], live=False)
            index.add_child(instance=feed)
        now = timezone.now()
        feed.title = data["title"]
        feed.summary = data["summary"]
        feed.coverage_status = LiveFeedPage.Status.LIVE
        feed.coverage_start = now - timedelta(hours=data["started_hours_ago"])
        feed.coverage_end = None
        feed.save_revision().publish()

        user = self.entry_writer(feed)
        existing = {entry_text(e): e for e in feed.entries.not_deleted().order_by("pk")}
        for i, (minutes, headline, text, key_event, pinned) in enumerate(demo.LIVE_ENTRIES):
            body = [demo.p(text)]
            if i == 0:
                body.append(
                    refs.resolve(
                        {
                            "type": "image",
                            "value": {
                                "image": data["image"],
                                "alt_text": "Delegates take their seats in the summit hall",
                                "caption": "The main hall on the final morning.",
                                "credit": "Demo image",
                            },
                        }
                    )
                )
            fields = {
                "headline": headline,
                "body": body,
                "display_time": now - timedelta(minutes=minutes),
                "is_key_event": key_event,
                "is_pinned": pinned,
            }
            byline = [authors[slug] for slug in demo.live_entry_byline(i)]
            entry = existing.get(text)
            if entry is None:
                entry_rules.create_entry(feed, user, authors=byline, **fields)
            else:
                entry_rules.update_entry(
                    entry, user, authors=byline, status=LiveEntry.Status.PUBLISHED, **fields
                )
        return feed


class Refs:
    """Turns the slugs and titles in demo block values into database ids."""

    def __init__(self, *, sources: dict, images: dict, articles: dict) -> None:
        self.sources, self.images, self.articles = sources, images, articles

    def resolve(self, block: dict[str, Any]) -> dict[str, Any]:
        value = block["value"]
        if isinstance(value, dict):
            value = dict(value)
            if block["type"] == "source_credit":
                value["source"] = self.sources[value["source"]].pk
            elif block["type"] == "related_article":
                value["page"] = self.articles[value["page"]].pk
            elif block["type"] == "image":
                value["image"] = self.images[value["image"]].pk
        return {"type": block["type"], "value": value}


#: The PostgreSQL advisory lock key of a demo load ("newsdemo" in ASCII, as a bigint).
DEMO_LOCK_KEY = int.from_bytes(b"newsdemo", "big") - 2**63


def lock_demo_load() -> None:
    """Make runs at once queue (two ``make demo``, two containers starting): the first thing in
    the transaction, held until it ends, so a later run sees everything an earlier one wrote.
    SQLite lets one writer at a time anyway; elsewhere the default Site's row is the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEMO_LOCK_KEY])
    elif connection.features.has_select_for_update:
        list(Site.objects.select_for_update().filter(is_default_site=True).values_list("pk"))


def foreign_news_page() -> Page | None:
    """A news index, article or live feed the demo did not make (by slug), if the site has one:
    the demo is for an empty site or its own earlier load, never a newsroom's real pages."""
    slugs = {article["slug"] for article in demo.ARTICLES} | {demo.LIVE_FEED["slug"], "news"}
    pages = Page.objects.type(NewsIndexPage, NewsArticlePage, LiveFeedPage)
    return pages.exclude(slug__in=slugs).order_by("path").first()


#: One label of a hostname, as Django's URLValidator reads one (ASCII once IDNA-encoded).
HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)


def parse_site_url(url: str) -> tuple[str, int]:
    """``(hostname, port)`` of an ``http(s)://host[:port]`` URL, as Wagtail's Site stores it
    (its root URL is https only on port 443). The hostname must be one Django would serve and a
    browser reach: dot-separated labels of letters, digits and inner hyphens (other letters
    IDNA-encoded), an IPv4 address, or an IPv6 address in brackets; the port 1 to 65535."""
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes on the command line
        raise CommandError(_("--site-url is not UTF-8 text.")) from None
    try:
        parts = urlsplit(url.strip())
        hostname, port = parts.hostname, parts.port
    except ValueError as error:
        raise CommandError(f"--site-url {url!r} is not a URL: {error}.") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise CommandError(f"--site-url must look like http://127.0.0.1:8000, not {url!r}.")
    if parts.path.strip("/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise CommandError(f"--site-url must be a scheme, host and port only, not {url!r}.")
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    if not 1 <= port <= 65535:
        raise CommandError(
            _("--site-url has port %(port)d; a port is 1 to 65535.") % {"port": port}
        )
    if parts.scheme == "https" and port != 443:
        raise CommandError("Wagtail serves https sites on port 443 only; use http or port 443.")
    if len(hostname) > 255:
        raise CommandError("--site-url has a hostname longer than 255 characters.")
    if "[" in parts.netloc:
        try:
            if "%" in hostname:  # a zone id is local to one machine; no Host header holds one
                raise ValidationError(hostname)
            validate_ipv6_address(hostname)
        except ValidationError:
            raise CommandError(
                _("--site-url has an invalid IPv6 address %(host)r.") % {"host": hostname}
            ) from None
        return f"[{hostname}]", port
    return _ascii_hostname(hostname), port


def _ascii_hostname(hostname: str) -> str:
    """``hostname`` as a Host header carries it (IDNA), or a CommandError naming it."""
    invalid = CommandError(_("--site-url has an invalid hostname %(host)r.") % {"host": hostname})
    try:
        ascii_name = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise invalid from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise invalid
    if labels[-1].isdigit():  # only an IPv4 address may end in a number
        try:
            validate_ipv4_address(ascii_name)
        except ValidationError:
            raise invalid from None
    return ascii_name


def entry_text(entry: LiveEntry) -> str:
    """The demo text of an entry (its first paragraph), the key that makes re-runs idempotent."""
    for block in entry.body:
        if block.block_type == "paragraph":
            source = block.value.source
            return source.removeprefix("<p>").removesuffix("</p>")
    return ""


def aware(parts: tuple[int, ...]) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# Images, drawn locally so the demo needs no network ------------------------------------------


def ensure_image(title: str, top: tuple, bottom: tuple, motif: str, *, written: list[str]):
    """The demo image ``title``, made if missing; the name of a file it writes goes into
    ``written`` (the file stays if the transaction rolls back: ``remove_files``)."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).order_by("pk").first()
    if image is None:
        buffer = io.BytesIO()
        draw_picture(top, bottom, motif, seed=sum(map(ord, title))).save(
            buffer, format="JPEG", quality=85
        )
        filename = "demo-" + "".join(c if c.isalnum() else "-" for c in title.lower()) + ".jpg"
        image = Image(title=title)
        try:
            image.file.save(filename, ImageFile(buffer, name=filename), save=False)
        finally:
            if image.file.name:
                written.append(image.file.name)
        image.save()
    return image


def remove_files(names: list[str]) -> None:
    """Delete the image files of a run whose transaction rolled back (the rows are gone)."""
    storage = get_image_model()._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a file left behind must not hide the run's error
            logger.warning("Could not remove %s after the demo load failed", name, exc_info=True)


def draw_picture(top: tuple, bottom: tuple, motif: str, seed: int) -> PILImage.Image:
    """A vertical gradient with a simple motif: abstract, but recognisably different pictures."""
    width, height = IMAGE_SIZE
    rng = random.Random(seed)
    picture = PILImage.new("RGB", IMAGE_SIZE)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    light = tuple(min(255, c + 70) for c in bottom)
    dark = tuple(max(0, c - 60) for c in top)
    if motif == "mountains":
        for i in range(4):
            base = height - i * 60
            points = (
                [(0, base)]
                + [(x, base - rng.randint(150, 420) + i * 40) for x in range(0, width + 200, 200)]
                + [(width, height), (0, height)]
            )
            draw.polygon(points, fill=tuple(max(0, c - 20 * (4 - i)) for c in top))
    elif motif == "columns":
        draw.polygon([(300, 250), (800, 80), (1300, 250)], fill=light)
        for x in range(340, 1300, 130):
            draw.rectangle([x, 270, x + 60, 760], fill=light)
        draw.rectangle([260, 760, 1340, 820], fill=light)
    elif motif == "flags":
        draw.rectangle([200, 620, 1400, 700], fill=dark)
        for x, colour in [(420, (200, 30, 40)), (800, (30, 60, 140)), (1180, (240, 200, 40))]:
            draw.rectangle([x, 220, x + 10, 620], fill=light)
            draw.rectangle([x + 10, 220, x + 190, 340], fill=colour)
    elif motif == "cranes":
        for x in range(150, width, 380):
            draw.rectangle([x, 250, x + 30, height], fill=dark)
            draw.rectangle([x - 120, 230, x + 260, 260], fill=dark)
        for x in range(0, width, 90):
            draw.rectangle([x, 700, x + 80, 780], fill=rng.choice([light, dark, (200, 80, 50)]))
    elif motif == "waves":
        for i in range(8):
            y0 = 420 + i * 60
            points = [(x, y0 + 25 * math.sin(x / 90 + i)) for x in range(0, width + 20, 20)]
            draw.line(points, fill=light, width=10)
    elif motif == "bubbles":
        draw.polygon([(700, height), (760, 380), (840, 380), (900, height)], fill=dark)
        for _ in range(60):
            x, y, r = rng.randint(600, 1000), rng.randint(40, 420), rng.randint(6, 28)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=light, width=4)
    elif motif == "sun":
        draw.ellipse([1050, 120, 1350, 420], fill=(255, 236, 160))
        for i in range(14):
            y = 620 + i * 20
            draw.line([(0, y), (width, y + rng.randint(-30, 30))], fill=dark, width=4)
    return picture
