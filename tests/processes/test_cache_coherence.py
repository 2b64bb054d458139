"""A change made in one process is seen by the next request to every process.

Two gunicorn servers (one sync worker each, so it is certain which process answers) share one
database and nothing else: each has Django's default local-memory cache, as a site without Redis
has. Content is seeded and changed by a third process (the helper) or through one server's write
API. Before each change, every URL is requested twice on each server so that whatever the API
caches per process is cached; after it, the very next request to each server must show the change.
No test waits for a cache to expire (and the settings make the feed-version cache last 60 s).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.processes.harness import Helper, Response, Server, database_is_sqlite, serve

pytestmark = pytest.mark.processes

API = "/api/newsfeed/v1"
ARTICLES = f"{API}/articles/?limit=100"
TOPICS = f"{API}/topics/?limit=100"


@pytest.fixture(scope="module")
def servers(request: pytest.FixtureRequest, site) -> list[Server]:
    return serve(request, site, ("server 1", 1), ("server 2", 1))


@dataclass
class Story:
    """An article (with a topic only it uses) and a live feed with one published entry."""

    article: dict[str, Any]
    feed: dict[str, Any]
    entry: dict[str, Any]
    cursor: str  # the feed's delta cursor before the change

    @property
    def detail(self) -> str:
        return f"{API}/articles/{self.article['id']}/"

    @property
    def entries(self) -> str:
        return f"{API}/feeds/{self.feed['id']}/entries/"

    @property
    def delta(self) -> str:
        return f"{self.entries}?since={self.cursor}"

    def entry_url(self, entry_id: int) -> str:
        return f"{self.entries}{entry_id}/"


def ids(response: Response) -> list[int]:
    assert response.status == 200, str(response)
    return [item["id"] for item in response.json()["results"]]


def slugs(response: Response) -> list[str]:
    assert response.status == 200, str(response)
    return [item["slug"] for item in response.json()["results"]]


#: One story per scenario, each changed by its own test only, so the tests may run in any order.
SCENARIOS = (
    "unpublish",
    "restrict",
    "delete_in_helper",
    "delete_over_http",
    "post_over_http",
    "post_while_generation_locked",
)


@pytest.fixture(scope="module")
def stories(servers: list[Server], helper: Helper, newsroom: dict[str, Any]) -> dict[str, Story]:
    """Seeded before any server has cached a list: each test starts from lists that show its
    story, whether or not other tests' changes were seen."""
    made = {}
    for name in SCENARIOS:
        article = helper("article", index=newsroom["index"])
        feed = helper("feed", index=newsroom["index"])
        entry = helper("entry", feed=feed["id"])
        cursor = servers[0].get(f"{API}/feeds/{feed['id']}/entries/").json()["cursor"]
        made[name] = Story(article=article, feed=feed, entry=entry, cursor=cursor)
    return made


def warm(servers: list[Server], story: Story) -> Story:
    """Request each of the story's URLs twice on each server, so that whatever a process caches
    is cached, and check that what they show is the story before the change."""
    urls = [story.detail, ARTICLES, story.article["path"], story.entries, story.delta, TOPICS]
    for server in servers:
        for url in urls:
            for _ in range(2):
                response = server.get(url)
                assert response.status == 200, f"warming up: {response}"
        assert story.article["id"] in ids(server.get(ARTICLES))
        assert story.article["topic"] in slugs(server.get(TOPICS))
        assert story.entry["id"] in ids(server.get(story.entries))
        assert server.get(story.delta).json()["results"] == []
    return story


class Expectations:
    """Checks every server and reports every stale answer at once, naming the server."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, server: Server, passed: bool, what: str, response: Response) -> None:
        if not passed:
            self.problems.append(f"{server}: {what}; got {response}")

    def status(self, server: Server, url: str, expected: int) -> None:
        response = server.get(url)
        self.check(server, response.status == expected, f"expected {expected}", response)

    def absent_from_articles(self, server: Server, article_id: int) -> None:
        response = server.get(ARTICLES)
        self.check(server, article_id not in ids(response), "article still listed", response)

    def absent_from_topics(self, server: Server, topic: str) -> None:
        response = server.get(TOPICS)
        self.check(server, topic not in slugs(response), "topic still listed", response)

    def delta(self, server: Server, story: Story, expected: list[dict[str, Any]]) -> None:
        response = server.get(story.delta)
        results = response.json()["results"] if response.status == 200 else None
        self.check(server, results == expected, f"delta expected {expected}", response)

    def assert_none(self) -> None:
        if self.problems:
            raise AssertionError("stale or wrong answers:\n" + "\n".join(self.problems))


def test_an_unpublished_article_is_gone_from_every_process(servers, helper, stories):
    story = warm(servers, stories["unpublish"])
    helper("unpublish", page=story.article["id"])

    expect = Expectations()
    for server in servers:
        expect.status(server, story.detail, 404)
        expect.absent_from_articles(server, story.article["id"])
        expect.status(server, story.article["path"], 404)
        expect.absent_from_topics(server, story.article["topic"])
    expect.assert_none()


def test_an_article_restricted_to_logged_in_users_is_gone_from_every_process(
    servers, helper, stories
):
    story = warm(servers, stories["restrict"])
    helper("restrict_to_logged_in", page=story.article["id"])

    expect = Expectations()
    for server in servers:
        expect.status(server, story.detail, 404)
        expect.absent_from_articles(server, story.article["id"])
        expect.absent_from_topics(server, story.article["topic"])
    expect.assert_none()


def entry_deleted_everywhere(servers: list[Server], story: Story) -> None:
    entry_id = story.entry["id"]
    expect = Expectations()
    for server in servers:
        expect.delta(server, story, [{"id": entry_id, "deleted": True}])
        response = server.get(story.entries)
        expect.check(server, entry_id not in ids(response), "entry still listed", response)
    expect.assert_none()


def test_an_entry_deleted_by_another_process_is_a_tombstone_in_every_process(
    servers, helper, stories
):
    story = warm(servers, stories["delete_in_helper"])
    helper("delete_entry", entry=story.entry["id"])

    entry_deleted_everywhere(servers, story)


def test_an_entry_deleted_through_one_server_is_a_tombstone_in_every_process(
    servers, newsroom, stories
):
    story = warm(servers, stories["delete_over_http"])
    first, _second = servers
    response = first.request(
        "DELETE",
        story.entry_url(story.entry["id"]),
        headers={"Authorization": f"Token {newsroom['token']}"},
    )
    assert response.status == 204, str(response)

    entry_deleted_everywhere(servers, story)


def test_an_entry_posted_through_one_server_is_in_the_next_poll_of_the_other(
    servers, newsroom, stories
):
    story = warm(servers, stories["post_over_http"])
    first, second = servers
    response = second.request(
        "POST",
        story.entries,
        {"body": [{"type": "paragraph", "value": "<p>Breaking</p>"}]},
        headers={"Authorization": f"Token {newsroom['token']}"},
    )
    assert response.status == 201, str(response)

    delta_brings([first, second], story, response.json()["id"])  # the other server first


def delta_brings(servers: list[Server], story: Story, entry_id: int) -> None:
    expect = Expectations()
    for server in servers:
        poll = server.get(story.delta)
        results = poll.json()["results"] if poll.status == 200 else []
        expect.check(
            server,
            [(row["id"], row.get("deleted")) for row in results] == [(entry_id, False)],
            f"delta should bring entry {entry_id}",
            poll,
        )
    expect.assert_none()


@pytest.mark.skipif(database_is_sqlite(), reason="row locks: SQLite locks the whole database")
def test_an_entry_posted_while_the_generation_row_is_locked_answers_at_once(
    servers, site, newsroom, stories
):
    """Another transaction holds the API generation's row (a page being published, say): the
    entry write neither waits for it nor fails once committed, and every process sees it."""
    import psycopg

    story = warm(servers, stories["post_while_generation_locked"])
    first, second = servers
    url = urlsplit(site.database.url)._replace(scheme="postgresql").geturl()
    with psycopg.connect(url) as holder:  # a transaction until the block ends (rolled back)
        holder.execute(
            "INSERT INTO wagtail_newsfeed_cachegeneration (name, value) VALUES ('api', 0) "
            "ON CONFLICT (name) DO NOTHING"
        )
        holder.commit()
        holder.execute(
            "SELECT * FROM wagtail_newsfeed_cachegeneration WHERE name = 'api' FOR UPDATE"
        )
        started = time.monotonic()
        response = second.request(
            "POST",
            story.entries,
            {"body": [{"type": "paragraph", "value": "<p>Breaking</p>"}]},
            headers={"Authorization": f"Token {newsroom['token']}"},
            connection=second.connect(timeout=8),
        )
        took = time.monotonic() - started
        assert response.status == 201, str(response)
        assert took < 4, f"the write waited {took:.1f} s for the generation row"
        delta_brings([first, second], story, response.json()["id"])
        holder.rollback()
    delta_brings([first, second], story, response.json()["id"])


def test_a_newly_published_article_is_listed_by_every_process(servers, helper, newsroom, stories):
    for server in servers:  # the lists are cached, showing the stories' articles
        for _ in range(2):
            assert server.get(ARTICLES).status == server.get(TOPICS).status == 200
    article = helper("article", index=newsroom["index"])

    expect = Expectations()
    for server in servers:
        response = server.get(ARTICLES)
        expect.check(server, article["id"] in ids(response), "new article not listed", response)
        response = server.get(TOPICS)
        expect.check(server, article["topic"] in slugs(response), "its topic not listed", response)
        expect.status(server, f"{API}/articles/{article['id']}/", 200)
        expect.status(server, article["path"], 200)
    expect.assert_none()


def test_a_site_given_a_new_address_is_linked_by_every_process(servers, helper, stories):
    """Wagtail keeps the Sites' root paths per process (``fragments.render_generation``)."""
    story = stories["post_over_http"]  # its article stays published
    page = story.article["path"]
    pages = (page, "/sitemap.xml", "/news-sitemap.xml", story.detail)
    for server in servers:
        for url in pages:
            for _ in range(2):
                assert server.get(url).status == 200, url
    before = helper("move_default_site", hostname="news.example.org", port=443)
    try:
        expect = Expectations()
        for server in servers:
            for url in pages:
                response = server.get(url)
                text = response.body.decode()
                expect.check(
                    server,
                    f"https://news.example.org{page}" in text and "://localhost" not in text,
                    f"{url} should link to the new address only",
                    response,
                )
        expect.assert_none()
    finally:
        helper("move_default_site", **before)
