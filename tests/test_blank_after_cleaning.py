"""A required title or name made only of characters XML cannot carry passes the form's required
check, then loses them all in cleaning: it is refused as blank ("This field cannot be blank.",
Django's own message), never saved empty, and publishing it is that form error, not a 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from tests import factories
from tests.checks import nothing_saved
from tests.page_forms import add_url, article_data, edit_url
from wagtail_newsfeed.models import Author, NewsArticlePage, Source, Topic

pytestmark = pytest.mark.django_db

BLANK = "This field cannot be blank."
#: What a paste or a crafted post can send: C0, DEL and C1 controls (which str.strip() keeps),
#: alone or around a space.
INVISIBLE = ["\x01\x02", "\x01 \x07", "\x7f\x9f"]


def newsroom_url(model, action: str, *args) -> str:
    return reverse(f"wagtail_newsfeed_{model._meta.model_name}_modeladmin_{action}", args=args)


@pytest.mark.parametrize("title", INVISIBLE)
@pytest.mark.parametrize("action", ["action-publish", None])
def test_an_article_title_of_control_characters_is_refused(admin_client, news_index, title, action):
    article = factories.make_article(news_index, "Merger talks")
    data = article_data(title=title, slug=article.slug)
    if action:
        data[action] = action
    with nothing_saved():
        response = admin_client.post(edit_url(article), data)
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [BLANK]
    assert NewsArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().title == (
        "Merger talks"
    )


def test_a_new_article_titled_with_control_characters_is_not_created(admin_client, news_index):
    with nothing_saved():
        response = admin_client.post(
            add_url(NewsArticlePage, news_index), article_data(title="\x01\x02")
        )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [BLANK]


def test_a_correction_of_control_characters_is_refused(admin_client, news_index):
    article = factories.make_article(news_index, "Merger talks")
    data = article_data(
        title=article.title,
        slug=article.slug,
        corrections=inline_formset(
            [{"kind": "correction", "noted_at": "2021-04-19 10:00", "text": "\x01\x02"}]
        ),
    )
    data["action-publish"] = "action-publish"
    with nothing_saved():
        response = admin_client.post(edit_url(article), data)
    assert response.status_code == 200
    assert BLANK in response.text


TAXONOMY = [
    (Topic, factories.make_topic, {"description": ""}),
    (Author, factories.make_author, {"role": "", "bio": ""}),
    (Source, factories.make_source, {"url": ""}),
]


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
@pytest.mark.parametrize("name", INVISIBLE)
def test_a_newsroom_name_of_control_characters_is_not_created(
    admin_client, model, make, fields, name
):
    with nothing_saved():
        response = admin_client.post(
            newsroom_url(model, "create"), {**fields, "name": name, "slug": "ctrl"}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [BLANK]


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_a_newsroom_rename_to_control_characters_is_refused(admin_client, model, make, fields):
    obj = make("Reuters")
    with nothing_saved():
        response = admin_client.post(
            newsroom_url(model, "edit", obj.pk), {**fields, "name": "\x01\x07", "slug": obj.slug}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [BLANK]
    obj.refresh_from_db()
    assert obj.name == "Reuters"


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_a_name_keeps_its_text_without_the_control_characters(admin_client, model, make, fields):
    response = admin_client.post(
        newsroom_url(model, "create"), {**fields, "name": "Ctl\x01name\x02", "slug": "ctrl"}
    )
    assert response.status_code == 302
    assert model.objects.get(slug="ctrl").name == "Ctlname"


def test_a_field_that_may_be_blank_is_stored_empty_without_an_error():
    topic = Topic(name="Trade", slug="trade", description="\x01 \x02")
    topic.full_clean()
    assert topic.description == ""


def test_full_clean_names_the_field_that_cleaning_emptied():
    with pytest.raises(ValidationError) as refused:
        Source(name="\x01\x02", slug="wire").full_clean()
    assert refused.value.message_dict == {"name": [BLANK]}
