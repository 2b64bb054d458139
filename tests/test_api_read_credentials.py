"""Public reads never look at credentials (docs/api.md, *Authentication*): the OpenAPI document,
its docs page and Wagtail's pages API (through ``VisiblePagesAPIViewSet``) answer a wrong
password, a right one or an unknown token exactly as they answer no credentials. Checking a Basic
password there would make each of them a password oracle no throttle limits, and would refuse
every reader of a site behind a proxy's basic auth (the proxy forwards ``Authorization``)."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from tests import factories

SCHEMA = "/api/newsfeed/v1/schema/"
DOCS = "/api/newsfeed/v1/docs/"
PAGES = "/api/v2/pages/"
ARTICLES = "/api/newsfeed/v1/articles/"


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


CREDENTIALS = {
    "wrong password": basic("admin", "wrong"),
    "right password": basic("admin", "pw"),  # tests.factories.make_superuser's
    "unknown user": basic("nobody", "pw"),
    "malformed basic": "Basic %%%",
    "unknown DRF token": "Token " + "0" * 40,
    "unknown Wagtail token": "Bearer wagtail_" + "0" * 40,
}


@pytest.fixture
def article(news_index, superuser):
    return factories.make_article(news_index, "Comet seen")


def html_path(article) -> str:
    site = factories.root_page().get_site()
    return article.url_path.removeprefix(site.root_page.url_path.rstrip("/"))


#: Every public read these views serve (and the newsfeed API's, for comparison), its status.
READS = {
    "schema": (lambda article: SCHEMA, 200),
    "docs": (lambda article: DOCS, 200),
    "pages": (lambda article: PAGES, 200),
    "page": (lambda article: f"{PAGES}{article.pk}/", 200),
    # Wagtail's find redirects to the page's detail.
    "find page": (lambda article: f"{PAGES}find/?html_path={html_path(article)}", 302),
    "article": (lambda article: f"{ARTICLES}{article.pk}/", 200),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_a_public_read_answers_any_credentials_as_it_answers_none(article, read):
    make_url, status = read
    url = make_url(article)
    anonymous = APIClient().get(url)
    assert anonymous.status_code == status, anonymous.content[:300]
    for name, credential in CREDENTIALS.items():
        response = APIClient().get(url, HTTP_AUTHORIZATION=credential)
        assert response.status_code == status, (name, response.content[:300])
        assert response.content == anonymous.content, name


@pytest.mark.parametrize("credential", CREDENTIALS.values(), ids=CREDENTIALS.keys())
@pytest.mark.parametrize("url", [SCHEMA, DOCS, PAGES])
def test_a_method_a_public_read_lacks_is_a_405_whatever_the_credentials(db, url, credential):
    """Not a 401 for a wrong password and a 405 for a right one: an oracle too."""
    response = APIClient().post(url, {}, format="json", HTTP_AUTHORIZATION=credential)
    assert response.status_code == 405, (response.status_code, response.content[:300])
