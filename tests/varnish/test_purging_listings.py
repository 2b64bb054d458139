"""What a story's change reaches behind Varnish besides its own pages: the API's lookup by path
and taxonomy endpoints (which list only what visible stories use), and a renamed page's old URL,
which Wagtail's redirects app purges without its trailing slash."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.processes, pytest.mark.varnish]

API = "/api/newsfeed/v1"


def test_an_unpublished_article_is_gone_from_the_lookup_by_path_and_its_topic(
    varnish, helper, newsroom
):
    article = helper("article", index=newsroom["index"])
    find = f"{API}/articles/find/?path={article['path']}"
    topic = f"{API}/topics/{article['topic']}/"
    varnish.cached(find)
    varnish.cached(topic)
    assert article["topic"].encode() in varnish.cached(f"{API}/topics/?limit=100").body

    helper("unpublish", page=article["id"])

    assert varnish.fresh(find).status == 404
    assert varnish.fresh(topic).status == 404
    assert article["topic"].encode() not in varnish.fresh(f"{API}/topics/?limit=100").body


def test_a_renamed_article_s_old_url_redirects_at_once(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    old = article["path"]
    varnish.cached(old)

    renamed = helper("rename", page=article["id"], slug=f"renamed-{article['id']}")

    response = varnish.fresh(old)
    assert response.status == 301
    assert response.headers["Location"].endswith(renamed["path"])


def test_a_purge_of_a_path_reaches_its_other_spelling(varnish, servers):
    """With and without the trailing slash: one page, which readers may have cached either way."""
    varnish.cached(f"{API}/articles/?limit=3")

    assert varnish.request("PURGE", f"{API}/articles").status == 200

    assert varnish.get(f"{API}/articles/?limit=3").headers["X-Cache"] == "MISS"


def test_an_unpublished_article_is_gone_from_both_cached_sitemaps(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    for sitemap in ("/sitemap.xml", "/news-sitemap.xml"):
        assert article["path"].encode() in varnish.cached(sitemap).body, sitemap

    helper("unpublish", page=article["id"])

    for sitemap in ("/sitemap.xml", "/news-sitemap.xml"):
        assert article["path"].encode() not in varnish.fresh(sitemap).body, sitemap


def test_writes_go_to_the_app_and_leave_the_cached_reads_to_be_purged(varnish, helper, newsroom):
    feed = helper("feed", index=newsroom["index"])
    entries = f"{API}/feeds/{feed['id']}/entries/"
    varnish.cached(entries)
    auth = {"Authorization": f"Token {newsroom['token']}", "Content-Type": "application/json"}

    body = '{"body": [{"type": "paragraph", "value": "<p>Hi</p>"}]}'
    posted = varnish.request("POST", entries, headers=auth, body=body)
    entry = posted.json()["id"]
    patched = varnish.request(
        "PATCH", f"{entries}{entry}/", headers=auth, body='{"headline": "Edited"}'
    )
    deleted = varnish.request("DELETE", f"{entries}{entry}/", headers=auth)

    assert [posted.status, patched.status, deleted.status] == [201, 200, 204]
    assert {r.headers["X-Cache"] for r in (posted, patched, deleted)} == {"PASS"}
    assert entry not in [item["id"] for item in varnish.fresh(entries).json()["results"]]
