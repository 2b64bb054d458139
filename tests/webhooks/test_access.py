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
