"""Purges reach a real Varnish: after a change, every URL Varnish had cached shows the new state
on the very next request, including query-string variants the app does not name in its purges.

Each URL is first requested until Varnish answers it from its cache (``X-Cache: HIT``), so a
passing test cannot be a cache that never cached. The settings make the API's max-age 60 s, so
nothing expires on its own during a test: only a purge can refresh it. Reader pages and RSS/Atom
are in ``test_purging_pages.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.processes.harness import Helper, Response, Server
from tests.varnish.proxy import Varnish

pytestmark = [pytest.mark.processes, pytest.mark.varnish]

API = "/api/newsfeed/v1"


def ids(response: Response) -> list[int]:
    assert response.status == 200, str(response)
    return [row["id"] for row in response.json()["results"]]


def token_header(newsroom: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Token {newsroom['token']}", "Content-Type": "application/json"}


@pytest.fixture
def feed(varnish: Varnish, servers: list[Server], helper: Helper, newsroom: dict[str, Any]):
    """A live feed with one entry, and its cursor before any change."""
    made = helper("feed", index=newsroom["index"])
    entry = helper("entry", feed=made["id"])
    entries = f"{API}/feeds/{made['id']}/entries/"
    cursor = servers[0].get(entries).json()["cursor"]
    return {**made, "entry": entry, "entries": entries, "delta": f"{entries}?since={cursor}"}


def send(varnish: Varnish, method: str, path: str, newsroom: dict, body: dict) -> Response:
    """A write through Varnish, as an editor's client sends it (Varnish passes it to the app)."""
    response = varnish.request(method, path, headers=token_header(newsroom), body=json.dumps(body))
    assert response.headers.get("X-Cache") == "PASS", f"a write was not passed: {response}"
    return response


def test_a_new_entry_is_in_every_cached_api_url_of_its_feed_at_once(varnish, feed, newsroom):
    limited = f"{feed['entries']}?limit=5"  # a variant the app's purge does not name
    for path in (feed["entries"], limited, feed["delta"], f"{API}/feeds/{feed['id']}/"):
        varnish.cached(path)
    assert varnish.cached(feed["delta"]).json()["results"] == []

    posted = send(
        varnish,
        "POST",
        feed["entries"],
        newsroom,
        {"headline": "Breaking: the bridge", "body": [{"type": "paragraph", "value": "<p>x</p>"}]},
    )
    assert posted.status == 201, str(posted)
    new = posted.json()["id"]

    assert [row["id"] for row in varnish.fresh(feed["delta"]).json()["results"]] == [new]
    assert new in ids(varnish.fresh(feed["entries"]))
    assert new in ids(varnish.fresh(limited))


def test_an_edited_then_unpublished_entry_is_shown_so_by_every_cached_url(varnish, feed, newsroom):
    entry = feed["entry"]["id"]
    detail = f"{feed['entries']}{entry}/"
    anchor = f'id="entry-{entry}"'.encode()
    for path in (feed["entries"], feed["delta"], feed["path"]):
        varnish.cached(path)

    edited = send(varnish, "PATCH", detail, newsroom, {"headline": "Corrected headline"})
    assert edited.status == 200, str(edited)
    (change,) = varnish.fresh(feed["delta"]).json()["results"]
    assert (change["id"], change["headline"]) == (entry, "Corrected headline")
    listed = varnish.fresh(feed["entries"]).json()["results"]
    assert [row["headline"] for row in listed if row["id"] == entry] == ["Corrected headline"]
    page = varnish.fresh(feed["path"]).body  # the live page's HTML too
    assert anchor in page and b"Corrected headline" in page

    for path in (feed["entries"], feed["delta"], feed["path"]):
        varnish.cached(path)
    unpublished = send(varnish, "PATCH", detail, newsroom, {"status": "draft"})
    assert unpublished.status == 200, str(unpublished)
    assert entry not in ids(varnish.fresh(feed["entries"]))
    assert varnish.fresh(feed["delta"]).json()["results"] == [{"id": entry, "deleted": True}]
    page = varnish.fresh(feed["path"]).body
    assert anchor not in page and b"Corrected headline" not in page


def test_an_edited_entry_is_fresh_at_its_own_api_url(varnish, feed, newsroom):
    detail = f"{feed['entries']}{feed['entry']['id']}/"
    varnish.cached(detail)

    edited = send(varnish, "PATCH", detail, newsroom, {"headline": "Corrected headline"})
    assert edited.status == 200, str(edited)
    assert varnish.fresh(detail).json()["headline"] == "Corrected headline"


def test_an_unpublished_article_is_gone_from_every_cached_api_url(varnish, helper, newsroom):
    article = helper("article", index=newsroom["index"])
    detail = f"{API}/articles/{article['id']}/"
    lists = [f"{API}/articles/?limit=100", f"{API}/articles/?limit=99"]
    varnish.cached(detail)
    for path in lists:
        assert article["id"] in ids(varnish.cached(path))

    helper("unpublish", page=article["id"])

    assert varnish.fresh(detail).status == 404
    for path in lists:
        assert article["id"] not in ids(varnish.fresh(path))


def test_a_published_article_is_in_every_cached_api_list_at_once(varnish, helper, newsroom):
    lists = [f"{API}/articles/?limit=100", f"{API}/articles/?limit=98"]
    for path in lists:
        varnish.cached(path)

    article = helper("article", index=newsroom["index"])

    for path in lists:
        assert article["id"] in ids(varnish.fresh(path))
