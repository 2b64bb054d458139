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

This module parses and checks the options; the demo itself lives in ``wagtail_newsfeed.demo``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wagtail_newsfeed.demo.accounts import DEMO_PASSWORD, DEMO_USERNAME
from wagtail_newsfeed.demo.loading import load_demo
from wagtail_newsfeed.demo.pages import foreign_news_page
from wagtail_newsfeed.demo.site_address import DEFAULT_SITE_URL, parse_site_url


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
        feed, refs, topics = load_demo(
            demo_superuser=demo_superuser,
            address=address,
            only_if_local=site_url is None,
            report=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(refs.articles)} articles, {len(topics)} topics and the live "
                f"feed '{feed.title}' ({feed.entries.published().count()} entries)."
            )
        )
