"""A writer refused an image or document they may not choose does not see it either: the form
shown again with the error does not render its title, thumbnail or file URL. What an editor
already put in a page or entry stays, and a writer editing something else there is not blocked
by it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import api_client_for, nothing_saved
from tests.page_forms import article_data, edit_url
from tests.test_live_console import edit_url as entry_edit_url
from tests.test_live_console import entry_data
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

SECRET = factories.SECRET_DOCUMENT
EMBARGOED = "EMBARGOED photo"


collection = factories.make_collection


@pytest.fixture
def embargoed_image():
    image = factories.make_image(EMBARGOED)
    image.collection = collection("Embargo")
    image.save()
    return image


@pytest.fixture
def writer(client, news_index, public):
    group = Group.objects.create(name="Writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission_type in ("add", "change"):
        GroupPagePermission.objects.create(
            group=group, page=news_index, permission_type=permission_type
        )
    for codename in ("choose_document", "choose_image"):
        GroupCollectionPermission.objects.create(
            group=group, collection=public, permission=Permission.objects.get(codename=codename)
        )
    client.force_login(factories.make_user("writer", groups=[group]))
    return client


@pytest.fixture
def article(news_index):
    return factories.make_article(news_index, "Merger talks")


def hidden(response, *secrets: str) -> None:
    assert response.status_code == 200
    assert (
        "could not be" in response.text or "errorlist" in response.text or "error" in response.text
    )
    for secret in secrets:
        assert secret not in response.text


def test_a_refused_document_block_is_not_shown_again(writer, article, secret_document):
    data = article_data(
        title=article.title,
        slug=article.slug,
        body=streamfield([("document", {"document": secret_document.pk, "title": ""})]),
    )
    with nothing_saved():
        response = writer.post(edit_url(article), data)
    hidden(response, SECRET, secret_document.file.url)


def test_a_refused_lead_image_is_refused_and_not_shown_again(writer, article, embargoed_image):
    data = article_data(title=article.title, slug=article.slug, lead_image=embargoed_image.pk)
    with nothing_saved():
        response = writer.post(edit_url(article), data)
    hidden(response, EMBARGOED)


def test_a_refused_image_block_is_not_shown_again(writer, article, embargoed_image):
    image = {"image": embargoed_image.pk, "alt_text": "A photo", "caption": "", "credit": ""}
    data = article_data(
        title=article.title, slug=article.slug, body=streamfield([("image", image)])
    )
    with nothing_saved():
        response = writer.post(edit_url(article), data)
    stem = Path(embargoed_image.file.name).stem  # in the file's and its renditions' URLs
    hidden(response, EMBARGOED, stem)
    assert "A photo" in response.text  # the rest of the block is kept


def test_an_editors_document_stays_when_a_writer_edits_the_title(writer, article, secret_document):
    article.body = [{"type": "document", "value": {"document": secret_document.pk, "title": ""}}]
    article.save_revision().publish()
    data = article_data(
        title="Merger talks resume",
        slug=article.slug,
        body=streamfield([("document", {"document": secret_document.pk, "title": ""})]),
    )
    response = writer.post(edit_url(article), data)
    assert response.status_code == 302, response.text[-3000:]
    latest = NewsArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert latest.title == "Merger talks resume"
    assert latest.body[0].value["document"] == secret_document


def test_a_refused_document_link_in_the_console_is_not_shown_again(
    client, feed, contributor, secret_document
):
    client.force_login(contributor)
    data = entry_data(action_name="draft")
    link = f'<p>See <a linktype="document" id="{secret_document.pk}">the memo</a></p>'
    data.update(nested_form_data({"body": streamfield([("paragraph", rich_text(link))])}))
    with nothing_saved():
        response = client.post(reverse("wagtail_newsfeed_console:console", args=[feed.pk]), data)
    hidden(response, SECRET, "memo.pdf")
    assert "See the memo" in response.text  # the writer's text is kept, without the link


def test_an_editors_document_link_stays_when_a_contributor_edits_the_entry(
    client, feed, contributor, secret_document
):
    link = f'<p>See <a linktype="document" id="{secret_document.pk}">the memo</a></p>'
    entry = factories.make_entry(feed, contributor, text="x", status=LiveEntry.Status.DRAFT)
    entry.body = [{"type": "paragraph", "value": link}]
    entry.save()
    client.force_login(contributor)
    data = entry_data(action_name="draft", expected_version=entry.version)
    data.update(
        nested_form_data({"body": streamfield([("paragraph", rich_text(link + "<p>More</p>"))])})
    )
    response = client.post(entry_edit_url(entry), data)
    assert response.status_code == 302, response.text[-2000:]
    assert "More" in str(LiveEntry.objects.get(pk=entry.pk).body[0].value)


def test_a_contributor_posting_to_an_entry_they_may_not_open_is_shown_none_of_its_links(
    client, feed, contributor, superuser, secret_document
):
    """An editor's published entry links a memo the contributor may not choose. A crafted post
    to its edit page is refused; the form shown again must not render the memo from the ids the
    contributor sent, as if they were the entry's to keep."""
    link = f'<p>See <a linktype="document" id="{secret_document.pk}">the memo</a></p>'
    entry = factories.make_entry(feed, superuser, body=[{"type": "paragraph", "value": link}])
    client.force_login(contributor)
    data = entry_data(action_name="draft", expected_version=entry.version)
    data.update(nested_form_data({"body": streamfield([("paragraph", rich_text(link))])}))

    with nothing_saved():
        response = client.post(entry_edit_url(entry), data)

    assert response.status_code == 200  # the memo is refused: a form error, the text kept
    assert SECRET not in response.text and "memo.pdf" not in response.text


def test_through_the_api_a_contributor_keeps_an_editors_link_but_cannot_add_one(
    feed, contributor, secret_document
):
    link = f'<p>See <a linktype="document" id="{secret_document.pk}">the memo</a></p>'
    entry = factories.make_entry(feed, contributor, text="x", status=LiveEntry.Status.DRAFT)
    entry.body = [{"type": "paragraph", "value": link}]
    entry.save()
    api = api_client_for(contributor)
    entries = f"/api/newsfeed/v1/feeds/{feed.pk}/entries/"
    body = [{"type": "paragraph", "value": link + "<p>More</p>"}]

    edited = api.patch(f"{entries}{entry.pk}/", {"body": body}, format="json")
    assert edited.status_code == 200, edited.content
    assert "More" in str(LiveEntry.objects.get(pk=entry.pk).body[0].value)

    with nothing_saved():
        created = api.post(entries, {"body": body, "status": "draft"}, format="json")
    assert created.status_code == 400
    assert f"no document with id {secret_document.pk}" in created.content.decode()
