"""A chooser field posted with something that is not an id (``abc``, ``1.5``, a NUL) is a form
error naming the field, shown again with the chooser empty and everything else the editor typed
kept: Wagtail's chooser widgets look the value up to show it (``Image.objects.get(pk="abc")``
raises), so the form must not hand them what it refused. Every form built on
``WriterFormMixin`` is tried: authors and topics in the Newsroom menu, articles and live feeds in
the page editor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from tests import factories
from tests.checks import nothing_saved
from tests.page_forms import add_url, article_data, edit_url, feed_data
from wagtail_newsfeed.models import Author, LiveFeedPage, NewsArticlePage, Topic

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1.5", "1\x00", "-1", "0", " 1", "1e3", "١", str(10**30)]


@pytest.fixture(params=NOT_IDS)
def not_an_id(request) -> str:
    return request.param


def refused(response, field: str) -> None:
    assert response.status_code == 200, response.content[:300]
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    assert form[field].value() in (None, ""), form[field].value()


def author_fields(**extra: str) -> dict[str, str]:
    return {"name": "Jane Doe", "slug": "jane-doe", "role": "Reporter", "bio": "Covers trade."}


def test_an_author_photo_that_is_no_id_is_a_form_error_on_create(admin_client, not_an_id):
    data = {**author_fields(), "photo": not_an_id}
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_author_modeladmin_create"), data)
    refused(response, "photo")
    form = response.context["form"]
    assert (form["name"].value(), form["role"].value(), form["bio"].value()) == (
        "Jane Doe",
        "Reporter",
        "Covers trade.",
    )
    assert not Author.objects.exists()


def test_an_author_photo_that_is_no_id_is_a_form_error_on_edit(admin_client, not_an_id):
    if not_an_id.strip().isdigit():  # " 1" and "١" are id 1 to Django: the photo kept
        pytest.skip("the author's own photo, read by Django as its id")
    photo = factories.make_image("Portrait")
    author = factories.make_author("Jane Doe", photo=photo)
    data = {**author_fields(), "name": "Jane Q. Doe", "photo": not_an_id}
    url = reverse("wagtail_newsfeed_author_modeladmin_edit", args=[author.pk])
    with nothing_saved():
        response = admin_client.post(url, data)
    refused(response, "photo")
    assert response.context["form"]["name"].value() == "Jane Q. Doe"
    author.refresh_from_db()
    assert (author.name, author.photo_id) == ("Jane Doe", photo.pk)


def test_an_author_user_that_is_no_id_is_a_form_error(admin_client, not_an_id):
    if not_an_id.strip().isdigit():  # " 1" and "١" are id 1 to Django's select: a choice
        pytest.skip("a choice of the select, not a refused value")
    data = {**author_fields(), "user": not_an_id}
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_author_modeladmin_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get("user")
    assert response.context["form"]["name"].value() == "Jane Doe"


def test_a_parent_topic_that_is_no_id_is_a_form_error(admin_client, not_an_id):
    data = {"name": "Trade", "slug": "trade", "description": "Tariffs.", "parent": not_an_id}
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_topic_modeladmin_create"), data)
    refused(response, "parent")
    assert response.context["form"]["description"].value() == "Tariffs."
    assert not Topic.objects.exists()


@pytest.mark.parametrize("field", ["lead_image", "source"])
def test_an_article_chooser_that_is_no_id_is_a_form_error_on_edit(
    admin_client, news_index, not_an_id, field
):
    article = factories.make_article(news_index, "Budget passes", slug="budget")
    data = article_data(title="Budget passes the Senate", slug="budget", **{field: not_an_id})
    with nothing_saved():
        response = admin_client.post(edit_url(article), data)
    refused(response, field)
    assert response.context["form"]["title"].value() == "Budget passes the Senate"
    article.refresh_from_db()
    assert article.title == "Budget passes" and article.lead_image_id is None


def test_an_article_lead_image_that_is_no_id_is_a_form_error_on_create(
    admin_client, news_index, not_an_id
):
    before = NewsArticlePage.objects.count()
    with nothing_saved():
        response = admin_client.post(
            add_url(NewsArticlePage, news_index), article_data(lead_image=not_an_id)
        )
    refused(response, "lead_image")
    assert response.context["form"]["standfirst"].value().startswith("The two countries")
    assert NewsArticlePage.objects.count() == before


@pytest.mark.parametrize(
    ("formset", "field"), [("article_authors", "author"), ("related_links", "related")]
)
def test_an_article_inline_chooser_that_is_no_id_is_a_form_error(
    admin_client, news_index, not_an_id, formset, field
):
    article = factories.make_article(news_index, "Budget passes", slug="budget")
    data = article_data(
        title="Budget passes the Senate",
        slug="budget",
        **{formset: inline_formset([{field: not_an_id}])},
    )
    with nothing_saved():
        response = admin_client.post(edit_url(article), data)
    assert response.status_code == 200, response.content[:300]
    form = response.context["form"]
    child = form.formsets[formset].forms[0]
    assert child.errors.get(field), child.errors
    assert child[field].value() in (None, "")
    assert form["title"].value() == "Budget passes the Senate"


def test_a_feed_share_image_that_is_no_id_is_a_form_error(admin_client, news_index, not_an_id):
    feed = factories.make_feed(news_index, "Election night live", slug="election-live")
    data = feed_data(title="Election night, live", share_image=not_an_id)
    with nothing_saved():
        response = admin_client.post(edit_url(feed), data)
    refused(response, "share_image")
    assert response.context["form"]["title"].value() == "Election night, live"
    feed.refresh_from_db()
    assert feed.title == "Election night live"
    assert LiveFeedPage.objects.get().share_image_id is None
