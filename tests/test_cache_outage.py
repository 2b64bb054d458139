"""The cache is an accelerator, not a dependency (``cache_backends.ResilientRedisCache``): with a
real Redis of the test's own stopped or hung, reads miss quickly, writes store nothing, pages, the
API and delta polls answer from the database, and nothing Redis held from before a change it
missed is read once it returns."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.processes.harness import RedisServer
from wagtail_newsfeed import caching, delta
from wagtail_newsfeed.cache_backends import ResilientRedisCache
from wagtail_newsfeed.checks import resilience as checks

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

BACKEND = "wagtail_newsfeed.cache_backends.ResilientRedisCache"
PAUSE = 0.3  # DOWN_PAUSE in these tests: short, so a test can wait for Redis to be tried again


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def redis_up(redis_server: RedisServer) -> RedisServer:
    """The test's Redis, running (a test before may have stopped it) and empty."""
    if redis_server.process.poll() is not None:
        redis_server.start()
    redis_server.client().flushdb()
    return redis_server


def backend(server: RedisServer) -> ResilientRedisCache:
    """A cache as a process of its own would have it."""
    return ResilientRedisCache(server.url, {"OPTIONS": {"DOWN_PAUSE": PAUSE}})


@pytest.fixture
def redis_cache(settings, redis_up: RedisServer) -> RedisServer:
    """The test's Redis as Django's default cache."""
    settings.CACHES = {
        "default": {"BACKEND": BACKEND, "LOCATION": redis_up.url, "OPTIONS": {"DOWN_PAUSE": PAUSE}}
    }
    return redis_up


def timed(function, *args, **kwargs):
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started


def test_while_redis_is_down_reads_miss_and_writes_store_nothing_at_once(redis_up):
    store = backend(redis_up)
    store.set("headline", "Old")
    assert store.get("headline") == "Old"
    redis_up.stop()

    # Django's own backend raises: what made every request of a site answer 500.
    with pytest.raises(redis.ConnectionError):
        RedisCache(redis_up.url, {}).get("headline")
    answers, elapsed = timed(
        lambda: [
            store.get("headline", "missing"),
            store.get_many(["headline"]),
            store.has_key("headline"),
            store.add("other", 1),
            store.set("other", 1),
            store.set_many({"a": 1}),
            store.touch("headline"),
        ]
    )
    assert answers == ["missing", {}, False, False, None, ["a"], False]
    with pytest.raises(ValueError):
        store.incr("counter")
    assert elapsed < 0.1

    redis_up.start()
    store.close()  # the end of the request that saw it down
    time.sleep(PAUSE)
    assert store.get("headline") == "Old"  # nothing was invalidated meanwhile
    store.set("other", 2)
    assert store.get("other") == 2


def test_a_hung_redis_costs_one_short_timeout_then_nothing_until_the_pause_ends(redis_up):
    store = backend(redis_up)
    store.set("headline", "Old")
    redis_up.hang()
    try:
        first, waited = timed(store.get, "headline")
        rest, waited_after = timed(lambda: [store.get("headline") for _ in range(50)])
    finally:
        redis_up.resume()
    assert first is None and rest == [None] * 50
    assert 0.4 < waited < 1.5  # the socket timeout (0.5 s), not redis-py's 5 s and retries
    assert waited_after < 0.05
    store.close()
    time.sleep(PAUSE)
    assert store.get("headline") == "Old"


def test_a_delete_redis_missed_moves_the_epoch_on_with_the_change_or_not_at_all(redis_up):
    store = backend(redis_up)
    store.set("warm", 1)  # knows the epoch
    before = caching.shared_cache_epoch()
    redis_up.stop()
    with pytest.raises(RuntimeError), transaction.atomic():
        store.delete("headline")
        raise RuntimeError("the change fails: nothing of it is committed")
    assert caching.shared_cache_epoch() == before
    with transaction.atomic():
        store.delete("headline")
    assert caching.shared_cache_epoch() == before + 1
    store.delete_many(["a", "b"])  # skipped during the pause: recorded all the same
    assert caching.shared_cache_epoch() == before + 2


def test_nothing_redis_held_before_a_change_it_missed_is_read_once_it_returns(redis_up):
    writer, reader = backend(redis_up), backend(redis_up)
    writer.set("wagtail_newsfeed:feed-version:7", 41)
    assert reader.get("wagtail_newsfeed:feed-version:7") == 41
    redis_up.stop()  # saves what it holds, as a production Redis does
    with transaction.atomic():
        writer.delete("wagtail_newsfeed:feed-version:7")  # the entry change's invalidation
    del writer  # the process that made the change is gone
    redis_up.start()
    assert any(b"feed-version:7" in key for key in redis_up.client().scan_iter())  # it is back

    time.sleep(1.0)  # the reader noticed nothing: it checks the epoch once a second
    assert reader.get("wagtail_newsfeed:feed-version:7") is None
    assert backend(redis_up).get("wagtail_newsfeed:feed-version:7") is None  # a new process


def test_a_process_that_saw_redis_down_reads_the_epoch_before_using_it_again(redis_up):
    store = backend(redis_up)
    store.set("article-list", "with the article")
    redis_up.stop()
    assert store.get("article-list") is None  # sees it down
    with transaction.atomic():
        backend(redis_up).delete("article-list")  # another process unpublishes meanwhile
    redis_up.start()
    store.close()
    time.sleep(PAUSE)
    assert store.get("article-list") is None  # at once, not a second later


def test_a_request_that_found_redis_down_stores_nothing_in_it_until_it_ends(redis_up):
    store = backend(redis_up)
    redis_up.stop()
    assert store.get("feed-version") is None  # the request computes it from the database...
    redis_up.start()
    time.sleep(PAUSE)
    store.set("feed-version", 41)  # ...and would store a value that may predate a change
    assert backend(redis_up).get("feed-version") is None
    store.close()  # Django's request_finished
    store.set("feed-version", 42)
    assert backend(redis_up).get("feed-version") == 42


def test_the_generation_is_never_shared_while_redis_is_down(redis_cache):
    redis_cache.stop()
    assert caching.generation() != caching.generation()


def test_pages_the_api_polls_and_writes_answer_from_the_database_while_redis_is_down(
    redis_cache, news_index, superuser, settings
):
    settings.WAGTAIL_NEWSFEED = {
        "API_WRITE_THROTTLE_RATE": "1000/min",
        "API_LIVE_CACHE_MAX_AGE": 60,
    }
    article = factories.make_article(news_index, "Before the outage")
    feed = factories.make_feed(news_index)
    entry = factories.make_entry(feed)
    api, reader = APIClient(), APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}")
    entries = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    cursor = reader.get(entries).json()["cursor"]
    assert reader.get(entries, {"since": cursor}).json()["results"] == []
    assert delta.cached_feed_version(feed.pk) is not None  # the quiet poll was cached
    redis_cache.stop()
    cache.close()

    for url in (article.url, feed.url, "/api/newsfeed/v1/articles/", entries):
        response, elapsed = timed(reader.get, url)
        assert response.status_code == 200, url
        assert elapsed < 2
    body = {"body": [{"type": "paragraph", "value": "<p>Written while Redis is down</p>"}]}
    posted = api.post(entries, body, "json")
    assert posted.status_code == 201, posted.content
    deleted = api.delete(f"{entries}{entry.pk}/")
    assert deleted.status_code == 204
    poll = reader.get(entries, {"since": cursor}).json()["results"]
    assert {(row["id"], row.get("deleted", False)) for row in poll} == {
        (posted.json()["id"], False),
        (entry.pk, True),
    }

    redis_cache.start()
    cache.close()
    time.sleep(PAUSE)
    poll = reader.get(entries, {"since": cursor}).json()["results"]
    assert {row["id"] for row in poll} == {posted.json()["id"], entry.pk}


def test_a_site_on_django_s_redis_cache_is_warned():
    assert checks.check_cache_backend() == []
    with override_settings(CACHES={"default": {"BACKEND": checks.PLAIN_REDIS_CACHE}}):
        assert [w.id for w in checks.check_cache_backend()] == ["wagtail_newsfeed.W001"]
    with override_settings(CACHES={"default": {"BACKEND": BACKEND}}):
        assert checks.check_cache_backend() == []


def test_persistent_connections_without_health_checks_are_warned():
    assert checks.check_persistent_connections() == []
    postgres = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}
    warned = checks.unchecked_persistent_connections({"default": postgres})
    assert [w.id for w in warned] == ["wagtail_newsfeed.W002"]
    for fine in (
        {**postgres, "CONN_HEALTH_CHECKS": True},
        {**postgres, "CONN_MAX_AGE": 0},
        {**postgres, "ENGINE": "django.db.backends.sqlite3"},
    ):
        assert checks.unchecked_persistent_connections({"default": fine}) == []
    unlimited = {**postgres, "CONN_MAX_AGE": None}
    assert len(checks.unchecked_persistent_connections({"default": unlimited})) == 1


def test_the_outage_is_logged_once_by_host_without_the_url_s_password(redis_up, caplog):
    url = redis_up.url.replace("redis://", "redis://:hunter2@")
    store = ResilientRedisCache(url, {"OPTIONS": {"DOWN_PAUSE": PAUSE}})
    redis_up.stop()
    with caplog.at_level("WARNING", logger="wagtail_newsfeed"):
        store.get("a")
        store.get("b")
        redis_up.start()
        store.close()
        time.sleep(PAUSE)
        store.get("c")

    host = url.rpartition("@")[2].split("/")[0]
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        f"Redis cache {host} is unreachable",
        f"Redis cache {host} is reachable again.",
    ]
    assert "hunter2" not in caplog.text


@pytest.mark.parametrize(
    "location",
    ["redis://127.0.0.1:{port}/16", "redis://nobody:secret@127.0.0.1:{port}/0"],
    ids=["database number out of range", "user Redis does not have"],
)
def test_settings_redis_refuses_are_logged_as_an_error_and_the_site_answers(
    redis_up, location, caplog
):
    store = ResilientRedisCache(location.format(port=redis_up.port), {})
    with caplog.at_level("WARNING", logger="wagtail_newsfeed.cache"):
        assert store.get("headline", "missed") == "missed"
        store.set("headline", "kept")
    [record] = caplog.records
    assert record.levelname == "ERROR"
    assert "refuses this site's settings" in record.getMessage()
    assert "unreachable" not in record.getMessage()
