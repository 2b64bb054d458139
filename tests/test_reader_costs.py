"""What serving a reader page costs, and that the shortcuts behind it never show a restricted page.

Wagtail checks a page's view restrictions before serving it (two queries), and the visibility
rule asked again (one more). Reader pages now read both from one cached list of restricted
sections, kept under the render generation (``visibility.sections``); these tests pin the query
counts and prove every way a section can close still closes it at once.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests import factories


def restrict(page, kind=PageViewRestriction.LOGIN, **kwargs) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, **kwargs)


def refused(response) -> bool:
    """Wagtail's answers to an anonymous reader of a restricted page: the login redirect or the
    password form (a 200 that shows none of the page)."""
    if response.status_code == 302:
        return "login" in response["Location"]
    return response.status_code == 200 and b"password" in response.content.lower()


# Queries -------------------------------------------------------------------------------------


@pytest.fixture
def pages(news_index):
    article = factories.make_article(news_index, title="Storm closes the bridge")
    feed = factories.make_feed(news_index, "Storm live")
    for number in range(30):
        factories.make_entry(feed, text=f"Update {number}")
    return {"index": news_index, "article": article, "feed": feed}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "most"),
    # Wagtail's routing (site, home page, index, and one for the story, read with its own
    # type), the render generation (a query where Django's cache is per process) and, for a
    # live page, its version. No query for view restrictions or the visibility rule.
    [("index", 5), ("article", 6), ("feed", 7)],
)
def test_a_public_page_served_again_costs_a_fixed_few_queries(client, pages, kind, most):
    url = pages[kind].url
    assert client.get(url).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    assert len(queries) <= most, sql
    assert "wagtailcore_pageviewrestriction" not in sql


# Restrictions still close sections at once ---------------------------------------------------


@pytest.mark.django_db
def test_a_section_restricted_after_it_was_served_is_closed_at_once(client, pages):
    for page in pages.values():
        assert client.get(page.url).status_code == 200  # the cached sections say "public"

    restriction = restrict(pages["index"])

    for page in pages.values():
        assert refused(client.get(page.url)), page

    restriction.delete()
    for page in pages.values():
        response = client.get(page.url)
        assert response.status_code == 200, page
        assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_password_on_one_story_closes_only_that_story(client, pages):
    client.get(pages["article"].url)
    restrict(pages["article"], PageViewRestriction.PASSWORD, password="s3cret")

    assert refused(client.get(pages["article"].url))
    assert client.get(pages["feed"].url).status_code == 200
    assert client.get(pages["index"].url).status_code == 200


@pytest.mark.django_db
def test_an_alias_of_a_restricted_story_is_restricted_as_wagtail_says(client, pages):
    """Wagtail checks an alias's source: an alias placed in a public section stays closed."""
    other_index = factories.make_index(title="Elsewhere")
    alias = pages["article"].create_alias(parent=other_index, update_slug="storm-copy")
    assert client.get(alias.url).status_code == 200
    restrict(pages["article"])  # on the source only: the alias has no restriction of its own

    assert not PageViewRestriction.objects.filter(page=alias).exists()
    assert refused(client.get(alias.url))


@pytest.mark.django_db
def test_a_story_added_below_an_alias_of_a_restricted_index_is_closed(client, pages):
    alias_index = pages["index"].create_alias(
        parent=factories.root_page(), update_slug="news-mirror", recursive=False
    )
    story = factories.make_article(alias_index.specific, title="Below the mirror")
    assert client.get(story.url).status_code == 200
    restrict(pages["index"])  # on the source only

    assert not PageViewRestriction.objects.filter(page=alias_index).exists()
    assert refused(client.get(story.url))


@pytest.mark.django_db
def test_a_story_moved_into_a_restricted_section_is_closed_at_once(client, pages):
    closed = factories.make_index(title="Members")
    restrict(closed)
    article = pages["article"]
    assert client.get(article.url).status_code == 200

    article.move(closed, pos="last-child")
    article.refresh_from_db()

    assert refused(client.get(article.url))
