"""``articles/find/?path=``: the article a reader of that URL path gets, found by Wagtail's own
routing on the requested (or named) site; anything else is the API's 404 problem."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from wagtail.models import Page, Site

from tests import factories

FIND = "/api/newsfeed/v1/articles/find/"
PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def other_site(db):
    """A second site on its own host, with a news index of its own."""
    home = Page.get_first_root_node().add_child(instance=Page(title="Other home", slug="other"))
    site = Site.objects.create(hostname="other.example", port=80, root_page=home)
    return site, factories.make_index(home, title="Other news", slug="world")


def found_id(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return response.json()["id"]


def assert_problem_404(response) -> None:
    assert response.status_code == 404, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM)


def test_find_reads_the_path_with_or_without_slashes_around_and_between_components(api, news_index):
    article = factories.make_article(news_index, slug="story")
    for path in (
        f"/{news_index.slug}/story/",
        f"/{news_index.slug}/story",
        f"//{news_index.slug}//story//",
    ):
        assert found_id(api.get(FIND, {"path": path})) == article.pk, path


def test_find_answers_the_path_of_an_article_on_a_second_site(api, other_site):
    site, index = other_site
    article = factories.make_article(index, slug="abroad")
    here = factories.make_article(factories.make_index(slug="world"), slug="abroad")
    path = "/world/abroad/"
    assert path == article.get_url(current_site=site)  # the control: its path on its own site

    assert found_id(api.get(FIND, {"path": path, "site": "other.example"})) == article.pk
    assert found_id(api.get(FIND, {"path": path, "site": str(site.pk)})) == article.pk
    assert found_id(api.get(FIND, {"path": path}, HTTP_HOST="other.example")) == article.pk
    assert found_id(api.get(FIND, {"path": path})) == here.pk  # the same path, this site


@pytest.mark.parametrize(
    "name",
    [
        "OTHER.EXAMPLE",
        "Other.Example",
        "other.example.",  # the fully qualified form names the same host
        "OTHER.example.",
        "OTHER.EXAMPLE:80",
        "other.example.:80",
    ],
)
def test_find_names_a_site_by_its_hostname_in_any_case_and_with_a_final_dot(api, other_site, name):
    """Hostnames are case-insensitive (RFC 4343), and ``host.`` is ``host`` written in full."""
    site, index = other_site
    article = factories.make_article(index, slug="abroad")
    assert found_id(api.get(FIND, {"path": "/world/abroad/", "site": name})) == article.pk


def test_find_names_a_site_stored_with_capitals_in_lower_case(api, other_site):
    site, index = other_site
    Site.objects.filter(pk=site.pk).update(hostname="Other.Example")
    article = factories.make_article(index, slug="abroad")
    assert (
        found_id(api.get(FIND, {"path": "/world/abroad/", "site": "other.example"})) == article.pk
    )


@pytest.mark.parametrize("name", ["other.example..", ".other.example", ".", "other.example:81"])
def test_find_still_refuses_a_site_name_that_names_no_site(api, other_site, name):
    response = api.get(FIND, {"path": "/world/abroad/", "site": name})
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == ["site"]


def test_find_does_not_reach_another_site_by_its_tree_path(api, other_site):
    site, index = other_site
    factories.make_article(index, slug="abroad")
    # The article's tree path from the default site's point of view is no URL of that site.
    assert_problem_404(api.get(FIND, {"path": "/world/abroad/"}))
    assert_problem_404(api.get(FIND, {"path": "/other/world/abroad/"}))


def test_find_follows_a_published_slug_change(api, news_index):
    article = factories.make_article(news_index, slug="first-slug")
    old, new = f"/{news_index.slug}/first-slug/", f"/{news_index.slug}/second-slug/"
    assert found_id(api.get(FIND, {"path": old})) == article.pk

    article.slug = "second-slug"
    article.save_revision()
    assert found_id(api.get(FIND, {"path": old})) == article.pk  # a draft changes no URL
    assert_problem_404(api.get(FIND, {"path": new}))

    article.get_latest_revision().publish()
    assert found_id(api.get(FIND, {"path": new})) == article.pk
    assert_problem_404(api.get(FIND, {"path": old}))


def test_find_answers_404_for_a_live_page_that_is_no_article(api, news_index, feed):
    assert_problem_404(api.get(FIND, {"path": f"/{news_index.slug}/"}))
    assert_problem_404(api.get(FIND, {"path": f"/{news_index.slug}/{feed.slug}/"}))
    assert_problem_404(api.get(FIND, {"path": "/"}))


def test_find_answers_404_below_an_article_or_under_an_unpublished_index(api, news_index):
    factories.make_article(news_index, slug="story")
    assert_problem_404(api.get(FIND, {"path": f"/{news_index.slug}/story/more/"}))
    hidden_index = factories.make_index(title="Hidden")
    inside = factories.make_article(hidden_index, slug="inside")
    hidden_index.unpublish()
    # Wagtail serves a live page under an unpublished one; find agrees with what readers get.
    reader = api.get(f"/{hidden_index.slug}/inside/")
    found = api.get(FIND, {"path": f"/{hidden_index.slug}/inside/"})
    assert (found.status_code, reader.status_code) == (200, 200)
    assert found.json()["id"] == inside.pk


def test_find_takes_the_path_as_the_api_and_browsers_spell_it(api, news_index):
    article = factories.make_article(news_index, slug="café-de-flore")
    given = api.get(f"/api/newsfeed/v1/articles/{article.pk}/").json()["path"]
    assert "%C3%A9" in given  # a URI, as the article's own path and location.pathname carry it

    assert found_id(api.get(FIND, {"path": given})) == article.pk
    assert found_id(api.get(FIND, {"path": given.lower()})) == article.pk
    assert found_id(api.get(FIND, {"path": f"/{news_index.slug}/café-de-flore/"})) == article.pk


@pytest.mark.parametrize("encoded", ["%00", "%0a", "%7F"])
def test_find_refuses_control_characters_however_they_are_spelt(api, news_index, encoded):
    response = api.get(FIND, {"path": f"/{news_index.slug}/story{encoded}/"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    assert "path" in response.json()["errors"]


def test_find_does_not_read_an_encoded_slash_as_a_separator(api, news_index):
    factories.make_article(news_index, slug="story")

    assert_problem_404(api.get(FIND, {"path": f"/{news_index.slug}%2Fstory/"}))
