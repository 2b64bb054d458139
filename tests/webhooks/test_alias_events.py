"""Aliases follow their sources' visibility (``visibility``) in webhooks too: an alias readers never
saw is never reported, and one a restriction or a move hides (or shows) is reported with its
source."""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed import visibility
from wagtail_newsfeed.models import NewsArticlePage, WebhookDelivery, WebhookEvent

PAGE_EVENTS = [
    WebhookEvent.ARTICLE_PUBLISHED,
    WebhookEvent.ARTICLE_UPDATED,
    WebhookEvent.ARTICLE_UNPUBLISHED,
    WebhookEvent.FEED_CHANGED,
]


def restrict(page) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def sent() -> list[tuple[str, int]]:
    return sorted((d.event_type, d.payload["data"]["id"]) for d in WebhookDelivery.objects.all())


def test_unpublishing_a_private_story_says_nothing_of_its_alias(receiver, make_endpoint, committed):
    public = factories.make_index(title="News", slug="news")
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    topic = factories.make_topic("Acme takeover", slug="acme-takeover")
    author = factories.make_author("Deep Throat", slug="deep-throat")
    story = factories.make_article(
        members, "Secret merger", slug="secret-merger-plan", topics=[topic], authors=[author]
    )
    alias = story.create_alias(parent=public)
    assert not visibility.is_page_visible(alias)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        NewsArticlePage.objects.get(pk=story.pk).unpublish()
    assert sent() == []
    assert receiver.requests == []


def test_unpublishing_an_alias_of_an_alias_of_a_private_story_says_nothing(receiver, make_endpoint):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    story = factories.make_article(members, "Secret merger", slug="secret-merger-plan")
    first = story.create_alias(parent=factories.make_index(title="News", slug="news"))
    first.create_alias(parent=factories.make_index(title="World", slug="world"))
    make_endpoint(receiver.url, PAGE_EVENTS)
    NewsArticlePage.objects.get(pk=story.pk).unpublish()
    assert sent() == []


def test_unpublishing_a_story_below_a_closed_alias_says_nothing(receiver, make_endpoint):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    desk = factories.make_index(members, title="Desk", slug="desk")
    mirror = desk.create_alias(parent=factories.make_index(title="News", slug="news"))
    story = factories.make_article(mirror, "Secret merger", slug="secret-merger-plan")
    assert not visibility.is_page_visible(story)
    make_endpoint(receiver.url, PAGE_EVENTS)
    NewsArticlePage.objects.get(pk=story.pk).unpublish()
    assert sent() == []


def test_unpublishing_a_public_story_reports_its_alias_too(receiver, make_endpoint):
    story = factories.make_article(factories.make_index(title="Business", slug="business"))
    alias = story.create_alias(parent=factories.make_index(title="News", slug="news"))
    make_endpoint(receiver.url, PAGE_EVENTS)
    NewsArticlePage.objects.get(pk=story.pk).unpublish()
    assert sent() == [("article.unpublished", story.pk), ("article.unpublished", alias.pk)]


def test_restricting_a_section_reports_aliases_along_the_chain_unpublished(
    receiver, make_endpoint, committed
):
    section = factories.make_index(title="Business", slug="business")
    story = factories.make_article(section, "Merger", slug="merger")
    first = story.create_alias(parent=factories.make_index(title="News", slug="news"))
    second = first.create_alias(parent=factories.make_index(title="World", slug="world"))
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        restrict(section)
    assert not visibility.is_page_visible(second)
    assert sent() == [
        ("article.unpublished", story.pk),
        ("article.unpublished", first.pk),
        ("article.unpublished", second.pk),
    ]
    paths = {
        d.payload["data"]["id"]: d.payload["data"]["paths"] for d in WebhookDelivery.objects.all()
    }
    assert second.url in paths[second.pk]


def test_restricting_a_section_reports_a_story_below_its_alias_unpublished(receiver, make_endpoint):
    section = factories.make_index(title="Business", slug="business")
    desk = factories.make_index(section, title="Desk", slug="desk")
    mirror = desk.create_alias(parent=factories.make_index(title="News", slug="news"))
    below = factories.make_article(mirror, "Added under the alias", slug="added")
    assert visibility.is_page_visible(below)
    make_endpoint(receiver.url, PAGE_EVENTS)
    restrict(section)
    assert not visibility.is_page_visible(below)
    assert sent() == [("article.unpublished", below.pk)]


def test_restricting_an_alias_elsewhere_reports_nothing_of_private_aliases(receiver, make_endpoint):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    section = factories.make_index(title="Business", slug="business")
    story = factories.make_article(members, "Secret merger", slug="secret-merger-plan")
    story.create_alias(parent=section)  # hidden already: nothing to report
    make_endpoint(receiver.url, PAGE_EVENTS)
    restrict(section)
    assert sent() == []


def test_lifting_a_restriction_reports_the_alias_elsewhere_published(
    receiver, make_endpoint, committed
):
    section = factories.make_index(title="Business", slug="business")
    story = factories.make_article(section, "Merger", slug="merger")
    alias = story.create_alias(parent=factories.make_index(title="News", slug="news"))
    restriction = restrict(section)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        restriction.delete()
    assert sent() == [("article.published", story.pk), ("article.published", alias.pk)]


def test_moving_a_story_into_a_private_section_reports_its_alias_unpublished(
    receiver, make_endpoint, committed
):
    section = factories.make_index(title="Business", slug="business")
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    story = factories.make_article(section, "Merger", slug="merger")
    alias = story.create_alias(parent=factories.make_index(title="News", slug="news"))
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        Page.objects.get(pk=story.pk).move(members, pos="last-child")
    assert not visibility.is_page_visible(alias)
    assert sent() == [("article.unpublished", story.pk), ("article.unpublished", alias.pk)]
    data = next(
        d.payload["data"]
        for d in WebhookDelivery.objects.all()
        if d.payload["data"]["id"] == alias.pk
    )
    assert alias.url in data["paths"]


def test_moving_a_story_out_of_a_private_section_reports_its_alias_published(
    receiver, make_endpoint
):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    section = factories.make_index(title="Business", slug="business")
    story = factories.make_article(members, "Merger", slug="merger")
    alias = story.create_alias(parent=factories.make_index(title="News", slug="news"))
    make_endpoint(receiver.url, PAGE_EVENTS)
    Page.objects.get(pk=story.pk).move(section, pos="last-child")
    assert sent() == [("article.published", story.pk), ("article.published", alias.pk)]


def test_moving_a_public_story_leaves_its_alias_unreported(receiver, make_endpoint):
    section = factories.make_index(title="Business", slug="business")
    other = factories.make_index(title="Economy", slug="economy")
    story = factories.make_article(section, "Merger", slug="merger")
    story.create_alias(parent=factories.make_index(title="News", slug="news"))
    make_endpoint(receiver.url, PAGE_EVENTS)
    Page.objects.get(pk=story.pk).move(other, pos="last-child")
    assert sent() == [("article.updated", story.pk)]
