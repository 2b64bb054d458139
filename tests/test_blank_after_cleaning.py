"""A required title or name made only of characters XML cannot carry, or of zero-width and other
format characters a reader cannot see, passes the form's required check, then counts as nothing
in cleaning: it is refused as blank ("This field cannot be blank.", Django's own message), never
saved empty, and publishing it is that form error, not a 500. Tags lose the same characters as
they are set, a tag left blank is dropped, and tag rows stored before then show without them."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient
from taggit.models import Tag
from wagtail.test.utils.form_data import inline_formset

from tests import factories
from tests.checks import nothing_saved
from tests.page_forms import add_url, article_data, edit_url
from wagtail_newsfeed.models import ArticleTag, Author, NewsArticlePage, Source, Topic
from wagtail_newsfeed.models.cleaning import clean_text
from wagtail_newsfeed.xml import xml_safe

pytestmark = pytest.mark.django_db

BLANK = "This field cannot be blank."
#: What a paste or a crafted post can send: C0, DEL and C1 controls (which str.strip() keeps),
#: alone or around a space.
INVISIBLE = ["\x01\x02", "\x01 \x07", "\x7f\x9f"]
#: Zero-width spaces, joiners, the word joiner, a byte order mark, a soft hyphen (Unicode's
#: format characters, which str.strip() keeps too): nothing a reader sees (``names.visible``).
ZERO_WIDTH = ["\u200b", "\u200b\u200d", "\u200b\u2060", "\ufeff\u200c", "\u00ad \u200b"]
#: Real text that needs its joiners: an emoji family (ZWJ) and Persian with a ZWNJ.
JOINED = [
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
]


def newsroom_url(model, action: str, *args) -> str:
    return reverse(f"wagtail_newsfeed_{model._meta.model_name}_modeladmin_{action}", args=args)


@pytest.mark.parametrize("title", [*INVISIBLE, *ZERO_WIDTH])
@pytest.mark.parametrize("action", ["action-publish", None])
def test_an_article_title_of_invisible_characters_is_refused(
    admin_client, news_index, title, action
):
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


@pytest.mark.parametrize("title", ["\x01\x02", "\u200b\u2060"])
def test_a_new_article_titled_with_invisible_characters_is_not_created(
    admin_client, news_index, title
):
    with nothing_saved():
        response = admin_client.post(
            add_url(NewsArticlePage, news_index), article_data(title=title)
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
@pytest.mark.parametrize("name", [*INVISIBLE, *ZERO_WIDTH])
def test_a_newsroom_name_of_invisible_characters_is_not_created(
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


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
@pytest.mark.parametrize("name", JOINED)
def test_a_name_keeps_the_joiners_its_script_or_emoji_needs(
    admin_client, model, make, fields, name
):
    response = admin_client.post(
        newsroom_url(model, "create"), {**fields, "name": name, "slug": "j"}
    )
    assert response.status_code == 302
    assert model.objects.get(slug="j").name == name


@pytest.mark.parametrize("text", ["\x01 \x02", "\u200b\u200d"])
def test_a_field_that_may_be_blank_is_stored_empty_without_an_error(text):
    topic = Topic(name="Trade", slug="trade", description=text)
    topic.full_clean()
    assert topic.description == ""


@pytest.mark.parametrize("name", ["\x01\x02", "\u200b\u200d"])
def test_full_clean_names_the_field_that_cleaning_emptied(name):
    with pytest.raises(ValidationError) as refused:
        Source(name=name, slug="wire").full_clean()
    assert refused.value.message_dict == {"name": [BLANK]}


def test_clean_text_keeps_spaces_as_typed_and_joiners_inside_text():
    assert [clean_text(text) for text in ["  ", "\u00a0\u3000", *JOINED, "a\u200bb"]] == [
        "  ",
        "\u00a0\u3000",
        *JOINED,
        "a\u200bb",
    ]
    assert [clean_text(text) for text in ZERO_WIDTH] == [""] * len(ZERO_WIDTH)


# Tags ------------------------------------------------------------------------------------------

#: What the probe typed into the article's Tags: a name with C0, C1 and non-characters, a tag of
#: a non-character alone, one of a zero-width space alone, and a clean one.
DIRTY_TAGS = '"t\ufffe\uffff\x0b\x1f\x7f\x85\x01", "\ufffe", "\u200b", ok'


def test_the_page_editor_saves_tags_without_control_characters(admin_client, news_index):
    article = factories.make_article(news_index, "Merger talks")
    data = article_data(title="Merger talks", slug=article.slug, tags=DIRTY_TAGS)
    data["action-publish"] = "action-publish"

    response = admin_client.post(edit_url(article), data)

    assert response.status_code == 302
    live = NewsArticlePage.objects.get(pk=article.pk)
    assert live.get_tag_names() == ["ok", "t"]
    assert sorted(tag.name for tag in live.tags.all()) == ["ok", "t"]
    # No tag row holds the raw name either (Wagtail's tag autocomplete lists them all).
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["ok", "t"]


def test_tags_set_in_code_are_cleaned_as_the_importer_sets_them(news_index):
    article = factories.make_article(news_index, "Merger talks")
    article.tags.set(["Trade\x01 talks\x85", "\u200b\u200d", "\x7f", "Trade talks", *JOINED])
    article.save_revision().publish()

    assert NewsArticlePage.objects.get(pk=article.pk).get_tag_names() == sorted(
        ["Trade talks", *JOINED]
    )
    assert not Tag.objects.filter(name="").exists()


#: Tag names as rows written before tags were cleaned hold them (``DIRTY_TAGS``, unparsed).
RAW_TAGS = ["t\ufffe\uffff\x0b\x1f\x7f\x85\x01", "\ufffe", "\u200b", "ok"]
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def test_stored_tag_names_reach_the_page_json_ld_and_apis_clean(client, news_index):
    article = factories.make_article(news_index, "Merger talks")
    for number, name in enumerate(RAW_TAGS):
        tag = Tag.objects.create(name=name, slug=f"raw-{number}")
        ArticleTag.objects.create(content_object=article, tag=tag)
    assert sorted(article.tags.values_list("name", flat=True)) == sorted(RAW_TAGS)

    response = client.get(article.url)
    detail = APIClient().get(reverse("wagtail_newsfeed_api:article-detail", args=[article.pk]))
    listed = APIClient().get(reverse("wagtail_newsfeed_api:article-list"))
    pages = APIClient().get(f"/api/v2/pages/{article.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert xml_safe(page) == page and "\u200b" not in page
    assert "<ul><li>ok</li><li>t</li></ul>" in page
    (jsonld,) = JSONLD.findall(page)
    assert json.loads(jsonld)["keywords"] == ["ok", "t"]
    assert (detail.status_code, listed.status_code, pages.status_code) == (200, 200, 200)
    assert detail.json()["tags"] == ["ok", "t"]
    assert [result["tags"] for result in listed.json()["results"]] == [["ok", "t"]]
    assert pages.json()["tags"] == ["ok", "t"]
