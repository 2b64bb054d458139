"""What a list of bodies costs does not grow with its length nor with what the bodies refer to.

Each body below refers to pages (a rich-text link and a related article), documents (a rich-text
link and a document block), an image, an embed and a source. ``body_references`` reads each kind
once for a whole list; these tests pin that the cold cost of every list surface is the same for
2 entries with 1 reference of each kind as for 12 entries with 6, and that the hidden stay hidden.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from tests import factories
from tests.checks import entries_url, entry_url
from wagtail_newsfeed import body_references
from wagtail_newsfeed.models import LiveEntry
from wagtail_newsfeed.rendering import render_body

POOL = 6


@pytest.fixture
def pool(news_index):
    """Six of each thing a body can refer to."""
    images = [factories.make_image(f"Photo {n}") for n in range(POOL)]
    return {
        "pages": [factories.make_article(news_index, f"Story {n}") for n in range(POOL)],
        "documents": [_document(f"Report {n}") for n in range(POOL)],
        "images": images,
        "sources": [factories.make_source(f"Agency {n}") for n in range(POOL)],
        "embeds": [_embed(f"https://video.example/watch/{n}") for n in range(POOL)],
    }


def _document(title):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    return Document.objects.create(title=title, file=ContentFile(b"%PDF", name="report.pdf"))


def _embed(url):
    # Stored, so no finder goes to the network.
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        type="video",
        html=f'<iframe src="{url}/embed"></iframe>',
        title="A video",
    )
    return url


def body(pool, refs, offset=0):
    blocks = []
    for n in range(refs):
        pick = {kind: items[(offset + n) % POOL] for kind, items in pool.items()}
        link = (
            f'<p>See <a linktype="page" id="{pick["pages"].pk}">the story</a> and '
            f'<a linktype="document" id="{pick["documents"].pk}">the report</a>.</p>'
        )
        blocks += [
            {"type": "paragraph", "value": link},
            {"type": "image", "value": {"image": pick["images"].pk, "alt_text": "A photo"}},
            {"type": "document", "value": {"document": pick["documents"].pk, "title": ""}},
            {"type": "embed", "value": {"embed": pick["embeds"], "caption": ""}},
            {"type": "source_credit", "value": {"source": pick["sources"].pk, "note": ""}},
            {"type": "related_article", "value": {"page": pick["pages"].pk, "label": ""}},
        ]
    return blocks


def make_feed(news_index, pool, entries, refs):
    feed = factories.make_feed(news_index)
    for n in range(entries):
        factories.make_entry(feed, body=body(pool, refs, n))
    return feed


@pytest.fixture
def feeds(news_index, pool):
    return make_feed(news_index, pool, 2, 1), make_feed(news_index, pool, 12, POOL)


def cold_queries(client, url, **params):
    """The queries of a request with nothing cached, after a first one made the renditions
    (a first view's cost, not a list's)."""
    assert client.get(url, params).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    # Renditions are read per image by the picture tags (their cost is pinned with them).
    sql = [q["sql"] for q in queries.captured_queries if "wagtailimages_rendition" not in q["sql"]]
    return len(sql), "\n".join(sql)


def assert_same_cost(small, big):
    assert small[0] == big[0], f"{small[0]} (small), {big[0]} (big)\n{small[1]}\n\nBIG\n{big[1]}"


# A list costs the same whatever its length and its references -------------------------------


@pytest.mark.django_db
def test_the_api_entries_list_costs_the_same(feeds):
    api = APIClient()
    small, big = (cold_queries(api, entries_url(feed)) for feed in feeds)
    assert_same_cost(small, big)


@pytest.mark.django_db
def test_the_live_page_costs_the_same_cold(client, feeds):
    small, big = (cold_queries(client, feed.url) for feed in feeds)
    assert_same_cost(small, big)


@pytest.mark.django_db
def test_the_fragments_endpoint_costs_the_same(client, feeds):
    def url(feed):
        return reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])

    def ids(feed):
        return ",".join(
            str(pk) for pk in LiveEntry.objects.filter(feed=feed).values_list("pk", flat=True)
        )

    small, big = (cold_queries(client, url(feed), ids=ids(feed)) for feed in feeds)
    assert_same_cost(small, big)


@pytest.mark.django_db
def test_the_console_partial_costs_the_same(admin_client, feeds):
    def url(feed):
        return reverse("wagtail_newsfeed_console:console", args=[feed.pk])

    small, big = (cold_queries(admin_client, url(feed), partial="entries") for feed in feeds)
    assert_same_cost(small, big)


@pytest.mark.django_db
def test_a_delta_costs_the_same_for_one_or_six_changes(news_index, pool):
    api = APIClient()
    costs = []
    for changes in (1, POOL):
        feed = factories.make_feed(news_index)
        cursor = api.get(entries_url(feed)).json()["cursor"]
        for n in range(changes):
            factories.make_entry(feed, body=body(pool, POOL, n))
        cost = cold_queries(api, entries_url(feed), since=cursor)
        costs.append(cost)
    assert_same_cost(*costs)


# Hidden references stay hidden; the batched output is the unbatched one ---------------------


@pytest.fixture
def hidden_feed(news_index, pool):
    draft = factories.make_article(news_index, "Draft story", publish=False)
    secret = factories.make_secret_document()
    hidden = (
        f'<p><a linktype="page" id="{draft.pk}">the draft</a> and '
        f'<a linktype="document" id="{secret.pk}">the memo</a></p>'
    )
    feed = factories.make_feed(news_index)
    for n in range(3):
        factories.make_entry(feed, body=[{"type": "paragraph", "value": hidden}, *body(pool, 2, n)])
    from wagtail.models import CollectionViewRestriction

    CollectionViewRestriction.objects.create(
        collection=secret.collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return feed, draft, secret


@pytest.mark.django_db
def test_a_draft_page_and_a_private_document_lose_their_links_in_a_list(client, hidden_feed):
    feed, draft, secret = hidden_feed
    results = APIClient().get(entries_url(feed)).json()["results"]
    for result in results:
        html = result["body"][0]["value"]
        assert html == "<p><a>the draft</a> and <a>the memo</a></p>"
    cache.clear()
    page = client.get(feed.url).content.decode()
    assert "<a>the draft</a> and <a>the memo</a>" in page
    assert draft.url_path not in page and secret.url not in page


@pytest.mark.django_db
def test_an_entry_in_a_list_is_shown_as_it_is_alone(hidden_feed):
    feed, _draft, _secret = hidden_feed
    api = APIClient()
    listed = api.get(entries_url(feed)).json()["results"]
    for item in listed:
        alone = api.get(entry_url(feed, item["id"])).json()
        assert alone["body"] == item["body"]

    entries = list(LiveEntry.objects.filter(feed=feed))
    unbatched = {e.pk: "".join(str(child.render()) for child in e.body) for e in entries}
    entries = list(LiveEntry.objects.filter(feed=feed))
    with body_references.scope([e.body for e in entries]):
        batched = {e.pk: str(render_body(e.body)) for e in entries}
    assert batched == unbatched


@pytest.mark.django_db
def test_the_memo_ends_with_its_scope(hidden_feed):
    feed, _draft, _secret = hidden_feed
    entries = list(LiveEntry.objects.filter(feed=feed))
    with body_references.scope([e.body for e in entries]):
        assert body_references._current.get() is not None
    assert body_references._current.get() is None
