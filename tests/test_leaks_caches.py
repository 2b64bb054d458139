"""After a change that hides content, the next request shows none of it, from every output and
every cache: the API's response cache, ETags, kept pieces and the shared feed version."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed import caching, delta

pytestmark = pytest.mark.django_db

SECRET = "Marrowlantern"
SHOWN = (f"{SECRET} story", f"{SECRET.lower()}-story", f"{SECRET} topic", f"{SECRET} author")


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def shows(response) -> bool:
    return response.status_code >= 500 or any(mark in text(response) for mark in SHOWN)


def make_private(story, index):
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)


def make_section_private(story, index):
    restriction = PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([factories.feed_group(index, publish=False)])


def move_under_private_parent(story, index):
    members = factories.make_index(title="Members", slug="members")
    PageViewRestriction.objects.create(
        page=members, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    story.move(members, pos="last-child")


def unpublish(story, index):
    story.unpublish()


def expire_through_the_scheduler(story, index):
    Page.objects.filter(pk=story.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    call_command("publish_scheduled")


def delete(story, index):
    Page.objects.get(pk=story.pk).delete()


HIDE = [
    make_private,
    make_section_private,
    move_under_private_parent,
    unpublish,
    expire_through_the_scheduler,
    delete,
]


@pytest.fixture
def story(news_index):
    topic = factories.make_topic(SHOWN[2], slug=f"{SECRET.lower()}-topic")
    author = factories.make_author(SHOWN[3], slug=f"{SECRET.lower()}-author")
    return factories.make_article(
        news_index, SHOWN[0], slug=SHOWN[1], topics=[topic], authors=[author]
    )


def api_urls(story) -> list[str]:
    return [
        "/api/newsfeed/v1/articles/",
        f"/api/newsfeed/v1/articles/?q={SECRET}",
        f"/api/newsfeed/v1/articles/{story.pk}/",
        f"/api/newsfeed/v1/articles/find/?path={story.url}",
        "/api/newsfeed/v1/topics/",
        f"/api/newsfeed/v1/topics/{SECRET.lower()}-topic/",
        "/api/newsfeed/v1/authors/",
        f"/api/newsfeed/v1/authors/{SECRET.lower()}-author/",
        "/api/v2/pages/?fields=*",
        f"/api/v2/pages/{story.pk}/",
    ]


@pytest.mark.indexed
@pytest.mark.parametrize("hide", HIDE)
def test_an_old_etag_never_gets_a_304_for_hidden_content(client, news_index, story, hide):
    urls = api_urls(story)
    # A URL naming the story (its id or a slug in the path) is gone after hiding; a list is not.
    gone = {url for url in urls if f"/{story.pk}/" in url or f"{SECRET.lower()}-" in url}
    etags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and shows(response), url
        etags[url] = response.get("ETag")
    hide(story, news_index)

    for url in urls:
        # Twice: the first fills the response cache, the second is answered from it.
        for _ in range(2):
            response = client.get(url, HTTP_IF_NONE_MATCH=etags[url] or '"none"')
            assert response.status_code == (404 if url in gone else 200), url
            assert not shows(response), url


def test_hidden_and_missing_articles_get_the_same_answer(client, news_index, story):
    """A probe cannot tell a hidden article from one that never existed: same status, same
    body, same headers (an ETag or a Cache-Control on only one of them would tell)."""
    missing = {"pk": 10**9, "url": f"{news_index.url}no-such-story/"}

    def answers(pk, url):
        found = []
        for path in (
            f"/api/newsfeed/v1/articles/{pk}/",
            f"/api/newsfeed/v1/articles/find/?path={url}",
            f"/api/v2/pages/{pk}/",
            f"/api/v2/pages/find/?html_path={url}",
        ):
            response = client.get(path, HTTP_IF_NONE_MATCH='"x"')
            headers = {k: v for k, v in response.items() if k not in ("Date", "Content-Length")}
            found.append((response.status_code, headers, response.content.replace(b"404", b"")))
        return found

    expected = answers(missing["pk"], missing["url"])
    assert all(status == 404 for status, _h, _b in expected)
    story_url, story_pk = story.url, story.pk
    make_private(story, news_index)
    assert answers(story_pk, story_url) == expected
    story.unpublish()
    assert answers(story_pk, story_url) == expected


def restrict_feed(feed, index):
    PageViewRestriction.objects.create(page=feed, restriction_type=PageViewRestriction.LOGIN)


def restrict_its_index(feed, index):
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)


def move_its_index_under_a_private_parent(feed, index):
    members = factories.make_index(title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    index.move(members, pos="last-child")


@pytest.mark.parametrize(
    "hide", [restrict_feed, restrict_its_index, move_its_index_under_a_private_parent]
)
def test_a_delta_poll_of_a_feed_made_private_is_a_404_at_once(client, news_index, settings, hide):
    """With a shared cache, the feed's version is remembered so that a poll with no news costs
    no query. Hiding the feed must forget it: otherwise a poller keeps getting 200 ("no news")
    from a feed readers may no longer see, until the version expires."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "SHARED_CACHE": True}
    feed = factories.make_feed(news_index, "Election night")
    factories.make_entry(feed)
    url = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    cursor = client.get(url).json()["cursor"]
    assert client.get(url, {"since": cursor}).status_code == 200
    assert delta.cached_feed_version(feed.pk) is not None

    hide(feed, news_index)

    assert client.get(url, {"since": cursor}).status_code == 404


def unpublish_feed(feed, index):
    feed.unpublish()


def move_feed_under_a_private_parent(feed, index):
    members = factories.make_index(title="Members", slug="members")
    PageViewRestriction.objects.create(
        page=members, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    feed.move(members, pos="last-child")


def expire_feed_through_the_scheduler(feed, index):
    expire_through_the_scheduler(feed, index)


def delete_feed(feed, index):
    delete(feed, index)


@pytest.mark.parametrize(
    "hide",
    [
        unpublish_feed,
        restrict_feed,
        restrict_its_index,
        move_feed_under_a_private_parent,
        expire_feed_through_the_scheduler,
        delete_feed,
    ],
)
def test_a_hidden_feed_and_its_entries_are_gone_from_every_output_at_once(client, news_index, hide):
    author = factories.make_author(SHOWN[3], slug=f"{SECRET.lower()}-author")
    feed = factories.make_feed(news_index, f"{SECRET} feed", slug=SHOWN[1])
    factories.make_entry(feed, text="An early entry.")
    start = delta.encode_cursor(feed, 0)
    entry = factories.make_entry(feed, headline=SHOWN[0], authors=[author])
    urls = [
        feed.url,
        news_index.url,
        f"/newsfeed/feeds/live/{feed.pk}.rss",
        f"/newsfeed/live/{feed.pk}/fragments/?ids={entry.pk}",
        "/api/newsfeed/v1/feeds/",
        f"/api/newsfeed/v1/feeds/{feed.pk}/",
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/?since={start}",
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/{entry.pk}/",
        "/api/newsfeed/v1/authors/",
        "/api/v2/pages/?fields=*",
        f"/api/v2/pages/{feed.pk}/",
        "/sitemap.xml",
    ]
    assert all(shows(client.get(url)) for url in urls[2:4] + urls[5:10])  # every cache is warm

    hide(feed, news_index)

    for url in urls:
        response = client.get(url)
        assert not shows(response), url
        if "/feeds/" in url and url != "/api/newsfeed/v1/feeds/":
            assert response.status_code == 404, url


@pytest.mark.parametrize("fresh_process", [False, True], ids=["same process", "another process"])
@pytest.mark.parametrize("shared", [True, False], ids=["shared cache", "per-process cache"])
def test_a_story_past_its_expiry_is_gone_from_kept_pieces_before_the_scheduler_runs(
    client, news_index, settings, shared, fresh_process
):
    """A story past ``expire_at`` is hidden at once (``visibility``), but nothing signals it
    until ``publish_scheduled`` runs: the kept piece of another story that links to it (rich
    text link, related-article block, related articles) and the API's cached answers must not
    keep showing its title and URL (for ``FRAGMENT_CACHE_TIMEOUT``, an hour by default): the
    generations they are kept under move on when the expiry time passes."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "SHARED_CACHE": shared}
    story = factories.make_article(news_index, SHOWN[0], slug=SHOWN[1])
    body = [
        {"type": "paragraph", "value": f'<p>See <a linktype="page" id="{story.pk}">this</a>.</p>'},
        {"type": "related_article", "value": {"page": story.pk, "label": ""}},
    ]
    linker = factories.make_article(news_index, "Linker", body=body)
    linker.related_links.create(related=story)
    linker.save_revision().publish()
    # The expiry is published last, so that only the warm-up below runs against its clock (on a
    # busy machine, building the articles alone can take longer than the window).
    expires = timezone.now() + timedelta(seconds=3)
    story.expire_at = expires
    story.save_revision().publish()
    kept = [linker.url, "/api/newsfeed/v1/articles/", f"/api/newsfeed/v1/articles/{linker.pk}/"]
    for url in kept:
        assert shows(client.get(url)), url
        assert shows(client.get(url)), url  # and now from the caches

    time.sleep(max(0.0, (expires - timezone.now()).total_seconds()) + 0.1)
    if fresh_process:
        # A process that reads the generation for the first time after the expiry (it served
        # nothing before) must not trust what others kept under it before the expiry.
        caching.forget_process_state()

    assert client.get(story.url).status_code == 404
    for url in kept:
        assert not shows(client.get(url)), url
