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
