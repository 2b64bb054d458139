"""Categories become topics; tags stay tags.

A topic is found by slug, then by name, so existing newsroom topics are reused. The hierarchy is
kept: a category's parent becomes its topic's parent (for topics this import creates, and for
existing ones that have none), so, as in a WordPress category archive, "World" lists the posts
filed under "World › Europe" while each post keeps only its own categories. A parent that would
nest topics deeper than ``MAX_TOPIC_DEPTH`` or make a loop is left off with a report line.
WordPress's default "Uncategorized" is left out. An export without the channel's category list (an
export of posts only) names each topic as its posts do, and has no parents to give.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

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
        #: Categories whose parent was left off because it closed a loop of categories.
        self.loop_cut: set[str] = set()

    def lineage(self, slug: str, *, repaired: bool = False) -> list[str]:
        """``slug`` and its ancestors' slugs, nearest first; ``repaired``: as the topic tree has
        them, without the parent that closed a loop (archive URLs follow that tree)."""
        found: list[str] = []
        while slug and slug not in found and len(found) < MAX_ANCESTORS:
            found.append(slug)
            term = self.catalog.categories.get(slug)
            slug = values.slug(term.parent, 100) if term else ""
            if repaired and found[-1] in self.loop_cut:
                break
        return found

    def prepare(self) -> None:
        wanted: dict[str, str] = {}
        for used in sorted(self.catalog.used_categories):
            for slug in self.lineage(used):
                term = self.catalog.categories.get(slug)
                name = term.name if term else self.catalog.category_names.get(slug, slug)
                wanted.setdefault(slug, name)
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
        for slug in wanted:
            self.link_parent(slug)

    def link_parent(self, slug: str) -> None:
        """Give ``slug``'s topic its category's parent, unless it already has a parent."""
        topic, lineage = self.topics.get(slug), self.lineage(slug)
        parent = self.topics.get(lineage[1]) if len(lineage) > 1 else None
        if topic is None or parent is None or topic.parent_id is not None:
            return
        topic.parent = parent
        try:
            topic.clean()
        except ValidationError as error:
            topic.parent = None
            if slug in self.lineage(lineage[1]):
                self.loop_cut.add(slug)
            reason = " ".join(error.message_dict.get("parent", error.messages))
            self.report.warn("topics", f"{topic.slug}: parent {parent.slug} left off ({reason})")
            return
        topic.save(update_fields=["parent"])
        self.report.count("topics", "placed under a parent")

    def topics_for(self, item: Item) -> list[Topic]:
        """The post's own categories (their parents list it through the topic tree)."""
        found: list[Topic] = []
        for term in item.terms_of("category"):
            topic = self.topics.get(values.slug(term.slug, 100))
            if topic is not None and topic not in found:
                found.append(topic)
        return found

    @staticmethod
    def tags_for(item: Item, warn: Callable[[str, str], None] | None = None) -> list[str]:
        """The post's tag names (case-duplicates merged), the first ``MAX_TAGS`` in order;
        ``warn`` hears how many more were left out."""
        names: dict[str, str] = {}
        for term in item.terms_of("post_tag"):
            name = values.truncate(term.name or values.slug(term.slug), 100)
            if name:
                names.setdefault(name.lower(), name)
        if len(names) > MAX_TAGS and warn is not None:
            warn(
                "tags",
                f"it has {len(names):,} tags; the {len(names) - MAX_TAGS:,} after the"
                f" first {MAX_TAGS} (in alphabetical order) were left out",
            )
        return sorted(names.values())[:MAX_TAGS]
