"""Links readers may follow: rich-text links to hidden pages and to documents in private
collections keep their text but lose their URL, and a document block choosing such a document
shows nothing, on reader pages, the live page, the newsfeed API and Wagtail's pages API."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.rich_text import expand_db_html
from wagtail.rich_text.pages import PageLinkHandler

from tests import factories
from wagtail_newsfeed.blocks import DocumentBlock

pytestmark = pytest.mark.django_db


def page_link(page, text: str = "the story") -> str:
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def document_link(document, text: str = "the memo") -> str:
    return f'<a linktype="document" id="{document.pk}">{text}</a>'


def make_document(title: str, collection=None) -> Document:
    collection = collection or Collection.get_first_root_node()
    upload = ContentFile(b"contents", name=f"{title.lower()}.txt")
    return Document.objects.create(title=title, collection=collection, file=upload)


def private_collection(name: str = "Legal") -> Collection:
    """A collection under one with a password: the restriction covers its descendants."""
    parent = Collection.get_first_root_node().add_child(name=f"{name} parent")
    CollectionViewRestriction.objects.create(
        collection=parent, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    return parent.add_child(name=name)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def surfaces(article, feed) -> list[str]:
    return [
        article.url,
        f"/api/newsfeed/v1/articles/{article.pk}/",
        f"/api/v2/pages/{article.pk}/",
        feed.url,
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
    ]


@pytest.fixture
def hidden_pages(news_index):
    return factories.make_hidden_articles(news_index)


def body_linking(html: str) -> list[dict]:
    """A paragraph and a fact box (rich text one level down), both holding ``html``."""
    return [
        {"type": "paragraph", "value": f"<p>See {html}.</p>"},
        {"type": "fact_box", "value": {"title": "Context", "body": f"<p>Also {html}.</p>"}},
    ]


def test_links_to_hidden_pages_lose_their_url_everywhere(client, news_index, feed, hidden_pages):
    links = " ".join(page_link(page, f"story {n}") for n, page in enumerate(hidden_pages))
    article = factories.make_article(news_index, "Public", body=body_linking(links))
    factories.make_entry(feed, body=body_linking(links))
    for url in surfaces(article, feed):
        content = text(client.get(url))
        for n, page in enumerate(hidden_pages):
            assert f"/{page.slug}/" not in content, (url, page.title)
            assert f"story {n}" in content, (url, page.title)


def test_links_to_visible_pages_keep_their_url(client, news_index, feed):
    target = factories.make_article(news_index, "Visible target")
    article = factories.make_article(news_index, "Public", body=body_linking(page_link(target)))
    factories.make_entry(feed, body=body_linking(page_link(target)))
    for url in surfaces(article, feed):
        assert f"/{target.slug}/" in text(client.get(url)), url


def test_links_to_private_documents_lose_their_url_everywhere(client, news_index, feed):
    secret = make_document("Secret", private_collection())
    public = make_document("Published")
    links = f"{document_link(secret, 'hidden memo')} {document_link(public, 'open memo')}"
    article = factories.make_article(news_index, "Public", body=body_linking(links))
    factories.make_entry(feed, body=body_linking(links))
    for url in surfaces(article, feed):
        content = text(client.get(url))
        assert "secret.txt" not in content and "hidden memo" in content, url
        assert public.url in content, url


def document_body(document) -> list[dict]:
    return [{"type": "document", "value": {"document": document.pk, "title": ""}}]


def test_document_block_shows_nothing_of_a_private_document(client, news_index, feed):
    secret = make_document("Secret", private_collection())
    article = factories.make_article(news_index, "Public", body=document_body(secret))
    factories.make_entry(feed, body=document_body(secret))
    for url in surfaces(article, feed):
        content = text(client.get(url))
        assert "Secret" not in content and "secret.txt" not in content, url
    data = client.get(f"/api/newsfeed/v1/articles/{article.pk}/").json()
    block = next(item for item in data["body"] if item["type"] == "document")
    assert block["value"] == {"document": None, "title": ""}


def test_document_block_shows_a_public_document(client, news_index):
    public = make_document("Published")
    article = factories.make_article(news_index, "Public", body=document_body(public))
    assert public.url in text(client.get(article.url))
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert data["body"][0]["value"]["document"]["title"] == "Published"


def test_private_collections_are_read_once_per_request(db):
    collection = private_collection()
    documents = [make_document(f"Doc {n}") for n in range(3)]
    documents.append(make_document("Secret", collection))
    block = DocumentBlock()
    context = {"request": RequestFactory().get("/")}
    with CaptureQueriesContext(connection) as queries:
        html = [block.render({"document": doc, "title": ""}, context) for doc in documents]
    assert "Secret" not in html[-1] and "Doc 0" in html[0]
    restrictions = [q for q in queries if "collectionviewrestriction" in q["sql"].lower()]
    assert len(restrictions) == 1


def test_hidden_link_targets_cost_no_query_beyond_wagtails(news_index, hidden_pages):
    target = factories.make_article(news_index, "Visible target")
    html = " ".join(page_link(page) for page in [target, *hidden_pages])
    attrs = [{"id": str(page.pk)} for page in [target, *hidden_pages]]
    PageLinkHandler.expand_db_attributes_many(attrs)  # warm the site's root paths
    with CaptureQueriesContext(connection) as wagtails:
        PageLinkHandler.expand_db_attributes_many(attrs)
    with CaptureQueriesContext(connection) as ours:
        expand_db_html(html)
    assert len(ours) <= len(wagtails)


def test_a_collection_made_private_hides_its_documents_on_the_next_request(
    client, news_index, feed
):
    """Reader pieces and API answers are kept in the cache: a collection's new restriction must
    reach them at once, as a page's does."""
    collection = Collection.get_first_root_node().add_child(name="Memos")
    memo = make_document("Memo", collection)
    article = factories.make_article(
        news_index, "Public", body=[*document_body(memo), *factories.paragraph(document_link(memo))]
    )
    factories.make_entry(feed, body=document_body(memo))
    for url in surfaces(article, feed):
        assert "memo.txt" in text(client.get(url)), url

    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )

    for url in surfaces(article, feed):
        assert "memo.txt" not in text(client.get(url)), url
