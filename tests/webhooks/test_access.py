"""Restricting, un-restricting and moving pages tell frontends what readers can see now, and
nothing about pages they could not see."""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent

PAGE_EVENTS = [
    WebhookEvent.ARTICLE_PUBLISHED,
    WebhookEvent.ARTICLE_UPDATED,
    WebhookEvent.ARTICLE_UNPUBLISHED,
    WebhookEvent.FEED_CHANGED,
]


def restrict(page) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def sent() -> list[tuple[str, int, str | None]]:
    return sorted(
        (d.event_type, d.payload["data"]["id"], d.payload["data"].get("action"))
        for d in WebhookDelivery.objects.all()
    )


def test_restricting_a_live_article_reports_it_unpublished(receiver, make_endpoint, committed):
    index = factories.make_index()
    article = factories.make_article(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        restrict(article)
    assert sent() == [("article.unpublished", article.pk, None)]
    (request,) = receiver.wait_for(1)
    assert article.url in WebhookDelivery.objects.get().payload["data"]["paths"]
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_restricting_a_section_reports_its_visible_articles_and_feeds(
    receiver, make_endpoint, committed
):
    index = factories.make_index()
    article = factories.make_article(index)
    feed = factories.make_feed(index)
    factories.make_article(index, publish=False)  # a draft: never reported
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        restrict(index)
    assert sent() == [
        ("article.unpublished", article.pk, None),
        ("feed.changed", feed.pk, "unpublished"),
    ]


def test_restricting_what_is_already_private_sends_nothing(receiver, make_endpoint, committed):
    index = factories.make_index()
    article = factories.make_article(index)
    restrict(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        restrict(article)
    assert sent() == []


def test_lifting_a_restriction_reports_the_articles_published(receiver, make_endpoint, committed):
    index = factories.make_index()
    article = factories.make_article(index)
    restriction = restrict(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        restriction.delete()
    assert sent() == [("article.published", article.pk, None)]


def test_deleting_a_restricted_page_reports_nothing(receiver, make_endpoint, committed):
    index = factories.make_index()
    factories.make_article(index)
    restrict(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        Page.objects.get(pk=index.pk).delete()
    assert sent() == []


def test_a_rolled_back_restriction_sends_nothing(receiver, make_endpoint, committed):
    import pytest
    from django.db import transaction

    index = factories.make_index()
    factories.make_article(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        restrict(index)
        raise RuntimeError("roll back")
    assert sent() == [] and receiver.wait_for(1, timeout=0.2) == []


def test_moving_an_article_reports_it_updated_with_its_old_and_new_paths(
    receiver, make_endpoint, committed
):
    old_index = factories.make_index()
    new_index = factories.make_index()
    article = factories.make_article(old_index)
    old_url = article.url
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        article.move(new_index, pos="last-child")
    new_url = Page.objects.get(pk=article.pk).url
    assert sent() == [("article.updated", article.pk, None)]
    data = WebhookDelivery.objects.get().payload["data"]
    assert data["previous_paths"] == [old_url, old_index.url]
    assert {new_url, new_index.url, old_url, old_index.url} <= set(data["paths"])
    assert old_url != new_url


def test_moving_an_article_into_a_private_section_reports_it_unpublished_where_it_was(
    receiver, make_endpoint, committed
):
    index = factories.make_index()
    members = factories.make_index(title="Members")
    restrict(members)
    article = factories.make_article(index)
    old_url = article.url
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        article.move(members, pos="last-child")
    assert sent() == [("article.unpublished", article.pk, None)]
    data = WebhookDelivery.objects.get().payload["data"]
    assert data["paths"][:2] == [old_url, index.url]  # the private place is not given away
    assert members.url not in str(WebhookDelivery.objects.get().payload)


def test_moving_an_article_out_of_a_private_section_reports_it_published(
    receiver, make_endpoint, committed
):
    index = factories.make_index()
    members = factories.make_index(title="Members")
    restrict(members)
    article = factories.make_article(members)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        article.move(index, pos="last-child")
    assert sent() == [("article.published", article.pk, None)]


def test_moving_a_private_article_within_a_private_section_sends_nothing(
    receiver, make_endpoint, committed
):
    members = factories.make_index(title="Members")
    restrict(members)
    article = factories.make_article(members)
    sub = factories.make_index(members, title="Sub")
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        article.move(sub, pos="last-child")
    assert sent() == []


# Copies ----------------------------------------------------------------------------------------
# Wagtail publishes each copy as it makes it and gives the copies the copied page's own view
# restriction only after all of them: for that moment a copy of a private story looks public.


def copy_in_admin(client, page, parent, slug: str, *, subpages: bool = False):
    from django.urls import reverse

    form = {
        "new_title": f"Copy of {page.title}",
        "new_slug": slug,
        "new_parent_page": parent.pk,
        "publish_copies": "on",
    }
    if subpages:
        form["copy_subpages"] = "on"
    response = client.post(reverse("wagtailadmin_pages:copy", args=[page.pk]), form)
    assert response.status_code == 302, response.content[:500]
    return Page.objects.get(path__startswith=parent.path, depth=parent.depth + 1, slug=slug)


def test_copying_a_private_section_with_its_stories_published_sends_nothing(
    admin_client, receiver, make_endpoint, committed
):
    index = factories.make_index()
    factories.make_article(index)
    factories.make_feed(index)
    PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        copy = copy_in_admin(admin_client, index, index.get_parent(), "members", subpages=True)
    assert copy.get_descendants().live().count() == 2  # the stories were copied and published
    assert sent() == [] and receiver.wait_for(1, timeout=0.2) == []


def test_copying_a_private_article_published_sends_nothing(
    admin_client, receiver, make_endpoint, committed
):
    index = factories.make_index()
    article = factories.make_article(index)
    restrict(article)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        copy = copy_in_admin(admin_client, article, index, "login-copy")
    assert copy.live and copy.get_view_restrictions().exists()
    assert sent() == []


def test_copying_a_public_article_published_reports_the_copy_published(
    admin_client, receiver, make_endpoint, committed
):
    index = factories.make_index()
    article = factories.make_article(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        copy = copy_in_admin(admin_client, article, index, "public-copy")
    assert [(event, id) for event, id, _ in sent()] == [("article.published", copy.pk)]


def test_copying_a_private_section_in_code_sends_nothing(receiver, make_endpoint, committed):
    from wagtail.actions.copy_page import CopyPageAction

    index = factories.make_index()
    factories.make_article(index)
    restrict(index)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        CopyPageAction(
            index,
            to=index.get_parent(),
            recursive=True,
            keep_live=True,
            update_attrs={"slug": "members-2", "title": "Members"},
        ).execute(skip_permission_checks=True)
    assert sent() == []


def test_publishing_a_feed_with_aliases_tells_of_the_feed_alone(receiver, make_endpoint, committed):
    """Wagtail republishes each alias with its source; an alias is a second address of the
    feed, with no API or feeds of its own to revalidate."""
    index = factories.make_index()
    feed = factories.make_feed(index)
    alias = feed.create_alias(parent=factories.make_index(title="Elsewhere"), update_slug="mirror")
    alias.create_alias(parent=index, update_slug="mirror-of-mirror")
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        feed.save_revision().publish()
        restrict(index)
    assert sent() == [
        ("feed.changed", feed.pk, "unpublished"),
        ("feed.changed", feed.pk, "updated"),
    ]
