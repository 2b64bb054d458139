"""A preview token shows one snapshot of one page, as the schema types it, and nothing else:
not with its fields re-signed for another page, kind or revision, not as credentials for any
other endpoint, and not for a page the previewer may no longer edit."""

from __future__ import annotations

import pytest
from django.core import signing
from rest_framework.test import APIClient

from tests import factories
from tests.checks import assert_problem, nothing_saved
from tests.test_api_schema import validate_response
from tests.test_headless_preview import (
    PREVIEW_API,
    edited_article,
    fetch,
    frontend,  # noqa: F401 (a fixture)
    token_for,
)
from wagtail_newsfeed import preview

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/newsfeed/v1/preview/"


def resigned(token: str, **changes) -> str:
    """``token`` with fields changed and signed again with the site's key: what a token could say
    if its binding to one snapshot were not checked."""
    payload = signing.loads(token, salt=preview.TOKEN_SALT)
    return signing.dumps({**payload, **changes}, salt=preview.TOKEN_SALT)


@pytest.fixture
def schema(db):
    return APIClient().get("/api/newsfeed/v1/schema/", {"format": "json"}).json()


def test_article_and_feed_previews_match_the_schema_whole(
    admin_client,
    news_index,
    frontend,
    superuser,
    schema,  # noqa: F811
):
    """Every field, at every depth, as ``PreviewedPage`` says: the typed client reads a preview
    with the same code as a published page."""
    article = factories.make_article(news_index, publish=False, title="Draft")
    feed = factories.make_feed(news_index, publish=False, title="Draft feed")
    factories.make_entry(feed, superuser, is_pinned=True)
    for page in (article, feed):
        response = fetch(token_for(admin_client, page))
        assert response.status_code == 200, response.content
        validate_response(schema, SCHEMA_PATH, "get", response)
        assert response.json()["id"] == page.pk


@pytest.mark.parametrize(
    "change",
    [
        {"r": None},  # the revision it was made on
        {"r": 10**9},
        {"ct": "wagtail_newsfeed.livefeedpage"},
        {"ct": "wagtailcore.page"},
        {"ct": "auth.user"},
    ],
    ids=["no revision", "another revision", "another kind", "a plain page", "not a page"],
)
def test_a_token_re_signed_for_another_revision_or_kind_is_refused(
    admin_client,
    news_index,
    frontend,
    change,  # noqa: F811
):
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    with nothing_saved():
        response = fetch(resigned(token, **change))
    assert_problem(response, 403, "not a valid preview token")


def test_a_token_re_signed_for_another_page_shows_nothing_of_it(
    admin_client,
    news_index,
    frontend,  # noqa: F811
):
    mine = factories.make_article(news_index, publish=False, title="Mine")
    secret = factories.make_article(news_index, publish=False, title="Someone else's draft")
    token = token_for(admin_client, mine)
    response = fetch(resigned(token, p=secret.pk))
    assert_problem(response, 403, "not a valid preview token")
    assert "Someone else" not in response.content.decode()


def test_a_preview_token_is_no_credential_anywhere_else(
    admin_client,
    news_index,
    frontend,
    superuser,  # noqa: F811
):
    draft = factories.make_article(news_index, publish=False, title="Embargoed")
    feed = factories.make_feed(news_index)
    token = token_for(admin_client, draft, edited_article(draft, title="Embargoed"))
    reader = APIClient()
    assert reader.get(f"/api/newsfeed/v1/articles/{draft.pk}/", {"token": token}).status_code == 404
    listed = reader.get("/api/newsfeed/v1/articles/", {"token": token})
    assert listed.status_code == 200 and "Embargoed" not in listed.content.decode()
    pages = reader.get("/api/v2/pages/", {"token": token})
    assert pages.status_code == 400 and "Embargoed" not in pages.content.decode()  # unknown query
    assert reader.get(draft.url or "/news/embargoed/", {"token": token}).status_code == 404
    for header in (f"Bearer {token}", f"Token {token}"):
        writer = APIClient(HTTP_AUTHORIZATION=header)
        with nothing_saved():
            response = writer.post(
                f"/api/newsfeed/v1/feeds/{feed.pk}/entries/",
                {"body": [{"type": "paragraph", "value": "<p>x</p>"}]},
                format="json",
            )
        assert response.status_code == 401, (header, response.content)
        assert writer.get(f"{PREVIEW_API}?token={token}").status_code == 200
