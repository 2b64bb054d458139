"""What an article is listed under (its topics with the broader ones, authors and source), as it
is and as it was before a save: the listings, feeds and API endpoints a change of it makes
stale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Author, Source, Topic
from ..models.taxonomy import with_ancestors


def topic_slugs(page: Any) -> list[str]:
    """The page's topics and the broader topics above them, whose listings show it too."""
    topics = getattr(page, "topics", None)
    if topics is None:
        return []
    # ``all()`` may be modelcluster's in-memory list (a revision's topics): ids, then the tree.
    ids = [topic.pk for topic in topics.all() if topic.pk is not None]
    return list(with_ancestors(Topic.objects.filter(pk__in=ids)).values_list("slug", flat=True))


@dataclass(frozen=True)
class Listings:
    """The taxonomy an article is listed under: its topics (with the broader ones), authors and
    source, by slug. Their listings, feeds and API endpoints show the article, or stop showing
    it when it leaves them, so a change makes them stale as they were before and after."""

    topics: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()

    def __or__(self, other: Listings) -> Listings:
        return Listings(
            self.topics | other.topics, self.authors | other.authors, self.sources | other.sources
        )


#: Listed under nothing: an article's listings before a change, where they did not show it.
UNLISTED = Listings()


def listings(article: Any) -> Listings:
    """What ``article`` (a saved page, or a revision's page in memory) is listed under."""
    links = getattr(article, "article_authors", None)
    author_ids = [link.author_id for link in links.all()] if links is not None else []
    source_id = getattr(article, "source_id", None)
    return Listings(
        topics=frozenset(topic_slugs(article)),
        authors=frozenset(Author.objects.filter(pk__in=author_ids).values_list("slug", flat=True)),
        sources=frozenset(
            Source.objects.filter(pk=source_id).values_list("slug", flat=True) if source_id else ()
        ),
    )


def saved_listings(article: Any) -> Listings:
    """What ``article`` is listed under while live, before a save changes it: a draft's
    listings never showed it (and may name taxonomy readers must not learn of)."""
    if article.pk is None:
        return UNLISTED
    saved = type(article).objects.filter(pk=article.pk, live=True).first()
    return listings(saved) if saved is not None else UNLISTED


def remember_listings(article: Any) -> None:
    """Note, before a save changes them, the listings ``article`` shows on
    (``listings_before``)."""
    article._newsfeed_listed_before = saved_listings(article)


def listings_before(article: Any) -> Listings:
    """The listings ``article`` showed on before its last save (``remember_listings``)."""
    return getattr(article, "_newsfeed_listed_before", UNLISTED)
