"""A web address stored around the form (loaddata, a data migration, a restored database) is shown
as a link, or served by the API, only if it is an http(s) address (``links.web_url``): a source's
website or an embed's URL of ``javascript:`` (however it is spelt), ``data:`` or ``vbscript:`` is
the source's name without a link, a caption without a link, and ``null`` in the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import factories
from wagtail_newsfeed.links import web_url
from wagtail_newsfeed.models import Source

pytestmark = pytest.mark.django_db

API = "/api/newsfeed/v1"

HOSTILE = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " \x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript\r:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "mailto:desk@example.com",
    "ftp://files.example.com/",
    "https:javascript:alert(1)",
    "//evil.example/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_web_url_refuses_every_other_scheme(url):
    assert web_url(url) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("https://www.reuters.com/", "https://www.reuters.com/"),
        ("HTTP://example.com/a?b=c#d", "HTTP://example.com/a?b=c#d"),
        (" https://example.com/\n", "https://example.com/"),
        ("https://例え.jp/ニュース", "https://例え.jp/ニュース"),
    ],
)
def test_web_url_keeps_http_and_https_addresses(stored, shown):
    assert web_url(stored) == shown


@pytest.fixture
def article(news_index):
    source = factories.make_source("Wire", slug="wire", url="https://wire.example/")
    body = [
        {"type": "embed", "value": {"embed": "https://video.example/1", "caption": "Clip"}},
        {"type": "source_credit", "value": {"source": source.pk, "note": ""}},
    ]
    return factories.make_article(news_index, "Story", source=source, body=body)


def _store_embed_url(article, url: str) -> None:
    # As a data migration or a restored database would: no form, no validation.
    body = list(article.body.raw_data)
    body[0]["value"]["embed"] = url
    type(article).objects.filter(pk=article.pk).update(body=body)


@pytest.mark.parametrize("url", HOSTILE)
def test_article_page_shows_a_stored_hostile_source_url_as_plain_text(client, article, url):
    Source.objects.filter(slug="wire").update(url=url)
    _store_embed_url(article, url)

    html = client.get(article.url).content.decode()

    assert "javascript" not in html.lower()
    assert "data:text" not in html and "vbscript" not in html and "mailto:" not in html
    assert "evil.example" not in html and "ftp://" not in html
    assert "<bdi>Wire</bdi>" in html  # the byline: name without a link
    assert "(Wire)" in html  # the source credit block: name without a link


def test_article_page_links_a_stored_https_source_url(client, article):
    html = client.get(article.url).content.decode()

    assert html.count('href="https://wire.example/"') == 2  # byline and source credit
    assert 'href="https://video.example/1"' in html  # the embed's link (no provider in tests)


@pytest.mark.parametrize("url", HOSTILE)
def test_api_serves_a_stored_hostile_url_as_null(article, url):
    Source.objects.filter(slug="wire").update(url=url)
    _store_embed_url(article, url)
    api = APIClient()

    assert api.get(f"{API}/sources/wire/").json()["url"] is None
    assert [s["url"] for s in api.get(f"{API}/sources/").json()["results"]] == [None]
    listed = api.get(f"{API}/articles/").json()["results"]
    assert [a["source"]["url"] for a in listed] == [None]
    detail = api.get(f"{API}/articles/{article.pk}/").json()
    assert detail["source"]["url"] is None
    assert detail["body"][0]["value"]["url"] is None
    assert detail["body"][1]["value"]["source"]["url"] is None


def test_wagtail_pages_api_serves_a_stored_hostile_source_url_as_null(article):
    Source.objects.filter(slug="wire").update(url="javascript:alert(1)")

    response = APIClient().get(f"/api/v2/pages/{article.pk}/")

    assert response.status_code == 200
    assert "javascript" not in response.content.decode()
