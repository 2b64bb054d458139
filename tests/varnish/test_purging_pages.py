"""Reader pages and RSS/Atom behind Varnish: cached for anonymous readers, purged on change (with
their paginated and filtered variants), never cached for a signed-in editor.

These need the app to mark anonymous pages and feeds ``Cache-Control: public`` (``http_caching``);
without that Varnish caches nothing here and ``Varnish.cached`` says so.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.processes, pytest.mark.varnish]


def index_path(article_path: str) -> str:
    return article_path.rstrip("/").rsplit("/", 1)[0] + "/"


def test_an_unpublished_article_is_gone_from_every_cached_page(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    index = index_path(article["path"])
    listings = [
        index,
        f"{index}?topic={article['topic']}",
        f"{index}?page=1",  # a variant the app's purge does not name
    ]
    varnish.cached(article["path"])
    for path in listings:
        assert article["path"].encode() in varnish.cached(path).body, path

    helper("unpublish", page=article["id"])

    assert varnish.fresh(article["path"]).status == 404
    for path in listings:
        assert article["path"].encode() not in varnish.fresh(path).body, path


def test_a_new_entry_is_on_the_cached_live_page(varnish, helper, newsroom):
    feed = helper("feed", index=newsroom["index"])
    tracked = f"{feed['path']}?utm_source=newsletter"  # the same cached copy as the page
    varnish.cached(feed["path"])
    assert varnish.get(tracked).headers["X-Cache"] == "HIT"

    entry = helper("entry", feed=feed["id"])

    assert f"entry-{entry['id']}".encode() in varnish.fresh(feed["path"]).body
    assert f"entry-{entry['id']}".encode() in varnish.get(tracked).body


def test_an_unpublished_article_is_gone_from_every_cached_feed(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    feeds = [f"/newsfeed/feeds/topics/{article['topic']}.rss", "/newsfeed/feeds/latest.atom"]
    for path in feeds:
        assert article["path"].encode() in varnish.cached(path).body, path

    helper("unpublish", page=article["id"])

    for path in feeds:
        assert article["path"].encode() not in varnish.fresh(path).body, path


def test_a_new_entry_is_in_the_cached_feeds_of_its_live_feed(varnish, helper, newsroom):
    feed = helper("feed", index=newsroom["index"])
    feeds = [f"/newsfeed/feeds/live/{feed['id']}.rss", f"/newsfeed/feeds/live/{feed['id']}.atom"]
    for path in feeds:
        varnish.cached(path)

    entry = helper("entry", feed=feed["id"])

    for path in feeds:
        assert f"entry-{entry['id']}".encode() in varnish.fresh(path).body, path


def test_a_signed_in_editor_is_never_served_the_cached_page(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    varnish.cached(article["path"])

    editor = varnish.get(article["path"], headers={"Cookie": "sessionid=abc; _ga=GA1.2"})

    assert editor.headers["X-Cache"] == "PASS"


def test_cookies_other_than_the_session_share_the_cached_page(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    varnish.cached(article["path"])

    reader = varnish.get(article["path"], headers={"Cookie": "_ga=GA1.2; theme=dark"})

    assert reader.headers["X-Cache"] == "HIT"


def test_an_article_made_private_is_gone_from_every_cached_url(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    index = index_path(article["path"])
    listings = [
        index,
        f"{index}?topic={article['topic']}",
        f"/newsfeed/feeds/topics/{article['topic']}.rss",
        "/api/newsfeed/v1/articles/?limit=97",
    ]
    detail = f"/api/newsfeed/v1/articles/{article['id']}/"
    varnish.cached(article["path"])
    varnish.cached(detail)
    for path in listings:
        assert article["path"].encode() in varnish.cached(path).body, path

    helper("restrict_to_logged_in", page=article["id"])

    assert varnish.fresh(article["path"]).status == 302  # to the login page
    assert varnish.fresh(detail).status == 404
    for path in listings:
        assert article["path"].encode() not in varnish.fresh(path).body, path


def test_a_reader_revalidating_a_changed_feed_or_sitemap_gets_it_whole(varnish, helper, newsroom):
    """Feed readers and crawlers ask again with what they were given (``If-Modified-Since``,
    ``If-None-Match``), and Varnish answers from its copy. A hidden article leaves the newest
    date where it was (or moves it back), so a copy dated by it would say 304 for a feed that
    changed: feeds and sitemaps are revalidated by their content instead."""
    older = helper("article", index=newsroom["index"])
    article = helper("article", index=newsroom["index"])
    paths = [
        "/newsfeed/feeds/latest.rss",
        "/newsfeed/feeds/latest.atom",
        "/sitemap.xml",
        "/news-sitemap.xml",
    ]
    before = {path: varnish.cached(path) for path in paths}
    for path, seen in before.items():
        assert "Last-Modified" not in seen.headers, path
        again = varnish.get(path, headers={"If-None-Match": seen.headers["ETag"]})
        assert again.status == 304, path  # unchanged: what the reader has is still right

    helper("unpublish", page=article["id"])

    for path, seen in before.items():
        response = varnish.get(
            path,
            headers={
                "If-None-Match": seen.headers["ETag"],
                "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT",
            },
        )
        assert response.status == 200, path
        assert article["path"].encode() not in response.body, path
        assert older["path"].encode() in response.body, path
