"""The demo's stories written into the site: its articles as published pages and its live feed
with entries, from the data in ``demo.articles`` and ``demo.live_coverage``.

Each is looked up by a natural key (an article's or the feed's slug, an entry's text) and updated
in place, so a second load refreshes the demo instead of duplicating it. Pages are published
through revisions and entries through ``wagtail_newsfeed.entry_rules``, as editors would, so the
demo exercises the same code paths as real content.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

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
    Topic,
)

from .accounts import entry_writer
from .live_coverage import LIVE_ENTRIES, LIVE_FEED, live_entry_byline
from .newsroom import p


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


def save_article(
    index: NewsIndexPage,
    data: dict[str, Any],
    topics: dict[str, Topic],
    authors: dict[str, Author],
    refs: Refs,
) -> NewsArticlePage:
    """The article ``data`` (an item of ``demo.articles.ARTICLES``) as a published page."""
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
        ArticleAuthor(author=authors[slug], sort_order=i) for i, slug in enumerate(data["authors"])
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


def save_feed(
    index: NewsIndexPage,
    authors: dict[str, Author],
    refs: Refs,
    report: Callable[[str], None],
) -> LiveFeedPage:
    """The live feed, its coverage live and the page published, with every entry of
    ``LIVE_ENTRIES`` published (written by ``accounts.entry_writer``)."""
    data = LIVE_FEED
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

    user = entry_writer(feed, report)
    existing = {entry_text(e): e for e in feed.entries.not_deleted().order_by("pk")}
    for i, (minutes, headline, text, key_event, pinned) in enumerate(LIVE_ENTRIES):
        body = [p(text)]
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
        byline = [authors[slug] for slug in live_entry_byline(i)]
        entry = existing.get(text)
        if entry is None:
            entry_rules.create_entry(feed, user, authors=byline, **fields)
        else:
            entry_rules.update_entry(
                entry, user, authors=byline, status=LiveEntry.Status.PUBLISHED, **fields
            )
    return feed


def entry_text(entry: LiveEntry) -> str:
    """The demo text of an entry (its first paragraph), the key that makes re-runs idempotent."""
    for block in entry.body:
        if block.block_type == "paragraph":
            source = block.value.source
            return source.removeprefix("<p>").removesuffix("</p>")
    return ""


def aware(parts: tuple[int, ...]) -> datetime:
    """A date pinned in the demo data, in UTC."""
    return datetime(*parts, tzinfo=UTC)
