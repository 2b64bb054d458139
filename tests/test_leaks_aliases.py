"""Aliases of aliases: Wagtail points a new alias at the page it was made from, so a chain of
aliases can be any length, and every link of it must follow the source's visibility."""

from __future__ import annotations

import pytest
from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed import visibility

pytestmark = pytest.mark.django_db

SECRET = "Quillharbour"
SHOWN = (f"{SECRET} story", f"{SECRET.lower()}-story")


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def chain(source: Page, parent: Page, length: int) -> list[Page]:
    """``length`` aliases, each made from the one before (the first from ``source``)."""
    aliases, last = [], source
    for n in range(length):
        last = last.create_alias(parent=parent, update_slug=f"copy-{n}")
        aliases.append(last)
    return aliases


def leaked_urls(client, mirror: Page, alias: Page) -> dict[str, int]:
    found = {}
    for url in [
        alias.url,
        mirror.url,
        "/newsfeed/feeds/latest.rss",
        f"/newsfeed/feeds/index/{mirror.pk}.atom",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/api/newsfeed/v1/articles/",
        f"/api/newsfeed/v1/articles/{alias.pk}/",
        f"/api/newsfeed/v1/articles/find/?path={alias.url}",
        f"/api/v2/pages/?search={SECRET}",
        f"/api/v2/pages/{alias.pk}/",
    ]:
        response = client.get(url)
        if response.status_code >= 500 or any(mark in text(response) for mark in SHOWN):
            found[url] = response.status_code
    return found


@pytest.mark.indexed
@pytest.mark.parametrize("length", [3, 4, 6])
def test_a_long_alias_chain_of_a_story_in_a_private_section_is_hidden(client, length):
    members = factories.make_index(title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    mirror = factories.make_index(title="Mirror", slug="mirror")
    source = factories.make_article(members, SHOWN[0], slug=SHOWN[1])
    aliases = chain(source, mirror, length)

    assert [a.alias_of_id for a in aliases] == [source.pk, *(a.pk for a in aliases[:-1])]
    assert not visibility.visible_pages(Page.objects.filter(pk__in=[a.pk for a in aliases]))
    assert leaked_urls(client, mirror, aliases[-1]) == {}
    assert client.get(aliases[-1].url).status_code == 404


@pytest.mark.parametrize("hide", ["live", "expired"])
def test_a_long_alias_chain_follows_its_sources_own_fields(hide):
    from datetime import timedelta

    from django.utils import timezone

    news = factories.make_index(title="News", slug="news")
    mirror = factories.make_index(title="Mirror", slug="mirror")
    source = factories.make_article(news, SHOWN[0], slug=SHOWN[1])
    aliases = chain(source, mirror, 4)
    change = {"live": False} if hide == "live" else {"expire_at": timezone.now() - timedelta(1)}
    # Not through Wagtail (which copies both to aliases): the source alone decides.
    Page.objects.filter(pk=source.pk).update(**change)

    assert not visibility.visible_pages(Page.objects.filter(pk__in=[a.pk for a in aliases]))


def test_a_story_below_the_third_alias_of_a_private_index_is_hidden(client):
    members = factories.make_index(title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    closed = factories.make_index(members, title="Closed", slug="closed")
    mirror = factories.make_index(title="Mirror", slug="mirror")
    last = chain(closed, mirror, 3)[-1]
    story = factories.make_article(last.specific, SHOWN[0], slug=SHOWN[1])

    assert not visibility.visible_articles().filter(pk=story.pk).exists()
    response = client.get(story.url)
    assert response.status_code == 404
    assert not any(mark in text(response) for mark in SHOWN)


def test_a_public_alias_chain_stays_visible(client):
    news = factories.make_index(title="News", slug="news")
    mirror = factories.make_index(title="Mirror", slug="mirror")
    source = factories.make_article(news, SHOWN[0], slug=SHOWN[1])
    aliases = chain(source, mirror, 4)

    visible = visibility.visible_pages(Page.objects.filter(pk__in=[a.pk for a in aliases]))
    assert visible.count() == 4
    assert client.get(aliases[-1].url).status_code == 200


def test_an_alias_past_the_longest_chain_followed_is_hidden():
    """The rule follows ``MAX_ALIAS_CHAIN`` sources: an alias further down fails closed."""
    news = factories.make_index(title="News", slug="news")
    mirror = factories.make_index(title="Mirror", slug="mirror")
    source = factories.make_article(news, SHOWN[0], slug=SHOWN[1])
    aliases = chain(source, mirror, visibility.MAX_ALIAS_CHAIN + 1)

    visible = visibility.visible_pages(Page.objects.filter(pk__in=[a.pk for a in aliases]))
    assert set(visible.values_list("pk", flat=True)) == {a.pk for a in aliases[:-1]}
