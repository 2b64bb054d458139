"""Wagtail's page editor checks bodies and rich text with the editing user's choose permissions,
like the write API and the live console: a writer cannot save (and so cannot read back the title
of) an image or document they could not pick in Wagtail's own chooser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.documents.models import Document
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    get_page_models,
)
from wagtail.test.utils.form_data import rich_text, streamfield

from tests import factories
from tests.checks import nothing_saved
from tests.page_forms import add_url, article_data, edit_url
from wagtail_newsfeed.forms import NewsPageForm, WriterFormMixin, attach_page_forms, with_writer
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage, NewsIndexPage
from wagtail_newsfeed.models.cleaning import CleanFieldsMixin

pytestmark = pytest.mark.django_db

SECRET_TITLE = factories.SECRET_DOCUMENT


@pytest.fixture
def public_document(public):
    return Document.objects.create(
        title="Public notice", file=ContentFile(b"%PDF", name="notice.pdf"), collection=public
    )


def page_writer(page, public, *, publish: bool = False):
    """May add and edit pages under ``page`` (and publish them if asked) and choose documents
    from the "Public" collection only; may choose no image."""
    group = Group.objects.create(name=f"Writers of {page.pk}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission_type in ["add", "change"] + (["publish"] if publish else []):
        GroupPagePermission.objects.create(group=group, page=page, permission_type=permission_type)
    GroupCollectionPermission.objects.create(
        group=group,
        collection=public,
        permission=Permission.objects.get(codename="choose_document"),
    )
    return factories.make_user("writer", groups=[group])


@pytest.fixture
def writer(client, news_index, public):
    client.force_login(page_writer(news_index, public))
    return client


@pytest.fixture
def article(news_index):
    return factories.make_article(news_index, "Merger talks")


def document_link(document) -> str:
    return f'<p>See <a linktype="document" id="{document.pk}">the memo</a>.</p>'


def refused(response, message: str) -> None:
    assert response.status_code == 200
    assert message in response.text
    assert "could not be" in response.text  # Wagtail's "The page could not be saved/created"


def test_a_document_block_the_writer_may_not_choose_is_refused(writer, article, secret_document):
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield([("document", {"document": secret_document.pk, "title": ""})]),
    )
    with nothing_saved():
        response = writer.post(edit_url(article), data)
    refused(response, f"There is no document with id {secret_document.pk} that you may choose.")


def test_a_document_block_the_writer_may_choose_is_saved(writer, article, public_document):
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield([("document", {"document": public_document.pk, "title": ""})]),
    )
    assert writer.post(edit_url(article), data).status_code == 302
    body = NewsArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().body
    assert body[0].value["document"] == public_document


def test_an_image_block_the_writer_may_not_choose_is_refused(writer, article):
    image = factories.make_image("Embargoed photo")
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield(
            [("image", {"image": image.pk, "alt_text": "A photo", "caption": "", "credit": ""})]
        ),
    )
    with nothing_saved():
        response = writer.post(edit_url(article), data)
    refused(response, f"There is no image with id {image.pk} that you may choose.")


def test_a_document_link_in_a_body_paragraph_is_refused(writer, article, secret_document):
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield([("paragraph", rich_text(document_link(secret_document)))]),
    )
    with nothing_saved():
        response = writer.post(edit_url(article), data)
    refused(response, f"There is no document with id {secret_document.pk} that you may choose.")


def test_a_new_article_with_a_document_the_writer_may_not_choose_is_not_created(
    writer, news_index, secret_document
):
    data = article_data(
        body=streamfield([("document", {"document": secret_document.pk, "title": ""})])
    )
    with nothing_saved():
        response = writer.post(add_url(NewsArticlePage, news_index), data)
    refused(response, f"There is no document with id {secret_document.pk} that you may choose.")


def test_publishing_a_document_the_writer_may_not_choose_is_refused(
    client, news_index, public, article, secret_document
):
    client.force_login(page_writer(news_index, public, publish=True))
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield([("document", {"document": secret_document.pk, "title": ""})]),
    )
    data["action-publish"] = "action-publish"
    with nothing_saved():
        response = client.post(edit_url(article), data)
    refused(response, f"There is no document with id {secret_document.pk} that you may choose.")


def test_a_superuser_may_link_any_document(admin_client, article, secret_document):
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield([("document", {"document": secret_document.pk, "title": ""})]),
    )
    assert admin_client.post(edit_url(article), data).status_code == 302


def test_every_page_type_built_on_the_app_models_gets_the_writer_form():
    """Sites' own page classes on the mixins too: the wiring covers every page model."""
    built_on_the_app = [m for m in get_page_models() if issubclass(m, CleanFieldsMixin)]
    assert {NewsIndexPage, NewsArticlePage, LiveFeedPage} <= set(built_on_the_app)
    for model in built_on_the_app:
        form_class = model.get_edit_handler().get_form_class()
        assert issubclass(form_class, WriterFormMixin), model


class SiteForm(WagtailAdminPageForm):
    """A form class of a site's own, for its page types."""


def test_a_sites_own_page_form_keeps_its_class_and_gets_the_check(monkeypatch):
    handler = NewsArticlePage.edit_handler
    monkeypatch.setattr(
        NewsArticlePage,
        "edit_handler",
        type(handler)(**handler.clone_kwargs() | {"base_form_class": SiteForm}),
    )
    monkeypatch.setattr(LiveFeedPage, "base_form_class", SiteForm)
    try:
        attach_page_forms()
        for model in (NewsArticlePage, LiveFeedPage):
            form_class = model.get_edit_handler().get_form_class()
            assert issubclass(form_class, SiteForm) and issubclass(form_class, WriterFormMixin)
    finally:
        monkeypatch.undo()
        NewsArticlePage.get_edit_handler.cache_clear()
    assert with_writer(WagtailAdminPageForm) is NewsPageForm
    assert with_writer(NewsPageForm) is NewsPageForm
