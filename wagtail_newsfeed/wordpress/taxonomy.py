"""Categories become topics; tags stay tags.

A topic is found by slug, then by name, so existing newsroom topics are reused. ``Topic`` has no
parent, so the hierarchy is kept the way WordPress lists it: a category archive shows the posts of
its sub-categories too, and an imported post is given its category's ancestors as topics as well
(a post in "World › Europe" appears under both). WordPress's default "Uncategorized" is left out.
"""

from __future__ import annotations

from ..models import Topic
from . import values
from .records import Item
from .report import Report
from .survey import Catalog

LEFT_OUT = {"uncategorized"}
MAX_ANCESTORS = 20
MAX_TAGS = 100


class Taxonomy:
    def __init__(self, catalog: Catalog, report: Report, *, dry_run: bool) -> None:
        self.catalog, self.report, self.dry_run = catalog, report, dry_run
        self.topics: dict[str, Topic | None] = {}

    def lineage(self, slug: str) -> list[str]:
        """``slug`` and its ancestors' slugs, nearest first."""
        found: list[str] = []
        while slug and slug not in found and len(found) < MAX_ANCESTORS:
            found.append(slug)
            term = self.catalog.categories.get(slug)
            slug = values.slug(term.parent, 100) if term else ""
        return found

    def prepare(self) -> None:
        wanted: dict[str, str] = {}
        for used in sorted(self.catalog.used_categories):
            for slug in self.lineage(used):
                term = self.catalog.categories.get(slug)
                wanted.setdefault(slug, term.name if term else slug)
        for slug, name in wanted.items():
            if slug in LEFT_OUT:
                continue
            name = values.truncate(name or slug, 100)
            topic = (
                Topic.objects.filter(slug=slug).first()
                or Topic.objects.filter(name__iexact=name).first()
            )
            if topic is not None:
                self.report.count("topics", "matched")
            elif self.dry_run:
                self.report.count("topics", "to create")
            else:
                description = (
                    self.catalog.categories[slug].description
                    if slug in self.catalog.categories
                    else ""
                )
                topic = Topic.objects.create(name=name, slug=slug, description=description)
                self.report.count("topics", "created")
            self.topics[slug] = topic

    def topics_for(self, item: Item) -> list[Topic]:
        found: list[Topic] = []
        for term in item.terms_of("category"):
            for slug in self.lineage(values.slug(term.slug, 100)):
                topic = self.topics.get(slug)
                if topic is not None and topic not in found:
                    found.append(topic)
        return found

    @staticmethod
    def tags_for(item: Item) -> list[str]:
        names: dict[str, str] = {}
        for term in item.terms_of("post_tag"):
            name = values.truncate(term.name or values.slug(term.slug), 100)
            if name:
                names.setdefault(name.lower(), name)
        return sorted(names.values())[:MAX_TAGS]
