"""Aliases follow the one visibility rule: an alias shows its source, so it is visible only when
its source is (live, not expired, not in a private section by the source's own path)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed import visibility
from wagtail_newsfeed.search import search_articles

pytestmark = pytest.mark.django_db

SECRET = "Zephyrmirror"
#: What shows the story: its title, or its slug in a URL (a search page echoes only ``SECRET``).
SHOWN = (f"{SECRET} story", f"{SECRET.lower()}-story")


def restrict(page: Page, kind: str = PageViewRestriction.LOGIN) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=kind, password="s3cret")


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def reader_urls(mirror: Page, alias: Page) -> list[str]:
    return [
        mirror.url,
        f"{mirror.url}?q={SECRET}",
        "/newsfeed/feeds/latest.rss",
        "/newsfeed/feeds/latest.atom",
        f"/newsfeed/feeds/index/{mirror.pk}.rss",
        f"/newsfeed/feeds/index/{mirror.pk}.atom",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/api/newsfeed/v1/articles/",
        f"/api/newsfeed/v1/articles/?q={SECRET}",
        f"/api/newsfeed/v1/articles/{alias.pk}/",
        f"/api/newsfeed/v1/articles/find/?html_path={alias.url}",
        "/api/v2/pages/?fields=*",
        f"/api/v2/pages/?search={SECRET}",
        f"/api/v2/pages/{alias.pk}/",
    ]


def leaks(client, mirror: Page, alias: Page) -> dict[str, int]:
    """The reader URLs whose answer shows the secret story (or fails)."""
    found = {}
    for url in reader_urls(mirror, alias):
        response = client.get(url)
        if response.status_code >= 500 or any(mark in text(response) for mark in SHOWN):
            found[url] = response.status_code
    return found


def secret_story(index: Page) -> Page:
    return factories.make_article(index, SHOWN[0], slug=SHOWN[1])


@pytest.fixture
def mirror(news_index):
    return factories.make_index(title="Mirror", slug="mirror")


@pytest.mark.indexed
def test_an_alias_is_hidden_everywhere_once_its_source_is_made_private(client, news_index, mirror):
    source = secret_story(news_index)
    alias = source.create_alias(parent=mirror)
    assert leaks(client, mirror, alias)  # public, and every cache has seen it

    restrict(source, PageViewRestriction.PASSWORD)

    assert leaks(client, mirror, alias) == {}
    response = client.get(alias.url)
    assert b"password" in response.content.lower() and SHOWN[0] not in text(response)


@pytest.mark.indexed
def test_an_alias_of_a_story_in_a_private_section_is_hidden_everywhere(client, mirror):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    alias = secret_story(members).create_alias(parent=mirror)

    assert leaks(client, mirror, alias) == {}
    assert client.get(alias.url).status_code == 404
    assert not visibility.is_page_visible(alias)
    assert not visibility.is_page_visible(alias, RequestFactory().get(alias.url))


@pytest.mark.indexed
def test_a_section_closed_after_its_story_was_aliased_hides_the_alias(client, mirror):
    members = factories.make_index(title="Members", slug="members")
    alias = secret_story(members).create_alias(parent=mirror)
    assert client.get(alias.url).status_code == 200

    restrict(members)

    assert leaks(client, mirror, alias) == {}
    assert client.get(alias.url).status_code == 404


def test_an_alias_inside_the_same_private_section_still_offers_the_login(client, mirror):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    inner = factories.make_index(members, title="Inner", slug="inner")
    alias = secret_story(members).create_alias(parent=inner)

    response = client.get(alias.url)

    assert response.status_code == 302 and "login" in response["Location"]


def test_an_alias_of_an_alias_of_a_private_story_is_hidden(mirror):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    first = secret_story(members).create_alias(parent=mirror)
    second = first.create_alias(parent=mirror, update_slug="second-copy")

    assert not visibility.visible_articles().filter(pk__in=[first.pk, second.pk]).exists()


def test_a_story_below_an_alias_of_a_private_index_is_hidden(client, mirror):
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    closed_index = factories.make_index(members, title="Closed", slug="closed")
    alias_index = closed_index.create_alias(parent=mirror, update_slug="closed-copy")
    story = secret_story(alias_index.specific)

    assert not visibility.visible_articles().filter(pk=story.pk).exists()
    assert not visibility.is_page_visible(story, RequestFactory().get(story.url))
    # Wagtail checks the alias's source, not the source's section: the story's own URL must
    # not serve it either.
    response = client.get(story.url)
    assert response.status_code == 404
    assert not any(mark in text(response) for mark in SHOWN)


def test_an_alias_of_a_draft_stays_hidden_until_the_source_is_published(mirror, news_index):
    source = secret_story(news_index)
    source.unpublish()
    alias = source.create_alias(parent=mirror)
    assert not visibility.is_page_visible(alias)

    source.save_revision().publish()

    assert visibility.is_page_visible(alias)


@pytest.mark.indexed
@pytest.mark.parametrize(
    "hide",
    [
        {"live": False},
        {"expire_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["source-not-live", "source-expired"],
)
def test_an_alias_is_hidden_when_its_source_is_hidden_by_its_own_fields(
    client, mirror, news_index, hide
):
    source = secret_story(news_index)
    alias = source.create_alias(parent=mirror)
    # Not through Wagtail (which copies live and expire_at to aliases): the source alone decides.
    Page.objects.filter(pk=source.pk).update(**hide)

    assert not visibility.is_page_visible(alias)
    assert leaks(client, mirror, alias) == {}
    assert client.get(alias.url).status_code == 404


@pytest.mark.indexed
def test_search_skips_hidden_aliases(mirror, news_index):
    public = secret_story(news_index)
    public.create_alias(parent=mirror)
    members = factories.make_index(title="Members", slug="members")
    restrict(members)
    secret_story(members).create_alias(parent=mirror, update_slug="members-copy")

    found = {page.pk for page in search_articles(SECRET)}

    assert found == set(visibility.visible_articles().values_list("pk", flat=True))
    assert len(found) == 2  # the public story and its alias


def test_the_alias_subqueries_are_compiled_once_and_read_the_present(news_index):
    """The time-independent SQL is compiled once per database; the present is put into the
    expired-aliases query each time (an alias of a story that expired a minute ago is hidden,
    one of a story expiring in an hour is not), on SQLite and PostgreSQL alike."""
    from django.db import connection

    assert visibility._expired_aliases_sql(connection.alias) is not None
    later = factories.make_article(news_index, "Expires later")
    gone = factories.make_article(news_index, "Expired")
    aliases = {
        page.pk: page.create_alias(update_slug=f"{page.slug}-copy") for page in (later, gone)
    }
    Page.objects.filter(pk=later.pk).update(expire_at=timezone.now() + timedelta(hours=1))
    Page.objects.filter(pk=gone.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    shown = set(visibility.visible_pages(Page.objects.all()).values_list("pk", flat=True))
    assert aliases[later.pk].pk in shown and aliases[gone.pk].pk not in shown
