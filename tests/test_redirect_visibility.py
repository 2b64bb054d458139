"""Redirects keep hidden pages hidden: Wagtail adds a redirect from a page's old path when it
moves or changes slug, published or not, and ``VisibleRedirectMiddleware`` answers it only while
readers may see the page it leads to; Wagtail's own middleware gets a check warning."""

from __future__ import annotations

import pytest
from django.core import checks
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed.checks.installation import WAGTAIL_REDIRECTS, check_redirect_middleware

pytestmark = pytest.mark.django_db

OLD = "/news/old-place/"


def redirect_to(page, old_path: str = OLD, **kwargs) -> Redirect:
    return Redirect.objects.create(
        old_path=Redirect.normalise_path(old_path), redirect_page=page, **kwargs
    )


def test_a_redirect_to_a_visible_page_is_answered(news_index, client):
    article = factories.make_article(news_index, slug="new-place")
    redirect_to(article)
    response = client.get(OLD)
    assert (response.status_code, response["Location"]) == (301, article.url)
    assert client.get(OLD + "?utm_source=x").status_code == 301  # by the bare path too


@pytest.mark.parametrize("state", ["draft", "unpublished", "restricted", "in_private_section"])
def test_a_redirect_to_a_hidden_page_is_a_404_that_names_nothing(news_index, client, state):
    article = factories.make_article(news_index, slug="secret-new-place", publish=state != "draft")
    if state == "unpublished":
        article.unpublish()
    elif state == "restricted":
        PageViewRestriction.objects.create(page=article, restriction_type="login")
    elif state == "in_private_section":
        PageViewRestriction.objects.create(page=news_index, restriction_type="login")
    redirect_to(article, is_permanent=False)
    response = client.get(OLD)
    assert response.status_code == 404
    assert b"secret-new-place" not in response.content
    assert not response.has_header("Location")


def test_moving_a_draft_leaves_a_redirect_that_reveals_nothing(news_index, client):
    """Wagtail's move view makes the redirect itself (its ``create_redirects`` step)."""
    from tests.factories import make_index

    draft = factories.make_article(news_index, slug="embargoed", publish=False)
    other = make_index(factories.root_page(), title="Desk", slug="desk")
    draft.move(other, pos="last-child")
    Redirect.objects.create(old_path="/news/embargoed", redirect_page=draft)
    assert client.get("/news/embargoed/").status_code == 404
    draft.refresh_from_db()
    draft.save_revision().publish()
    assert client.get("/news/embargoed/")["Location"] == draft.url  # public now: it redirects


def test_redirects_to_other_urls_work_as_in_wagtail(client, db):
    Redirect.objects.create(old_path="/gone", redirect_link="https://example.org/elsewhere")
    response = client.get("/gone/")
    assert (response.status_code, response["Location"]) == (301, "https://example.org/elsewhere")


def test_wagtails_redirect_middleware_is_warned_about(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, WAGTAIL_REDIRECTS]
    (warning,) = check_redirect_middleware()
    assert warning.id == "wagtail_newsfeed.W005" and warning.level == checks.WARNING
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != WAGTAIL_REDIRECTS]
    assert check_redirect_middleware() == []
