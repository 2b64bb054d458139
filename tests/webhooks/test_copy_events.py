"""A recursive copy of a public section announces the public copies only: a private story in
it, or below a private page of any type in it, is never reported (``copying`` gives each copy
its restrictions before Wagtail publishes it)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent

PAGE_EVENTS = [
    WebhookEvent.ARTICLE_PUBLISHED,
    WebhookEvent.ARTICLE_UPDATED,
    WebhookEvent.ARTICLE_UNPUBLISHED,
    WebhookEvent.FEED_CHANGED,
]


def sent() -> list[tuple[str, int]]:
    return sorted((d.event_type, d.payload["data"]["id"]) for d in WebhookDelivery.objects.all())


def copy_section(how: str, client, section: Page, user) -> Page:
    to = section.get_parent()
    if how == "code":
        return section.copy(
            recursive=True,
            to=to,
            update_attrs={"slug": "desk-copy", "title": "Desk copy"},
            keep_live=True,
            user=user,
        )
    client.force_login(user)
    form = {
        "new_title": "Desk copy",
        "new_slug": "desk-copy",
        "new_parent_page": to.pk,
        "copy_subpages": "on",
        "publish_copies": "on",
    }
    response = client.post(reverse("wagtailadmin_pages:copy", args=[section.pk]), form)
    assert response.status_code == 302
    return Page.objects.get(path__startswith=to.path, depth=to.depth + 1, slug="desk-copy")


def copied(copy: Page, slug: str) -> Page:
    return copy.get_descendants().get(slug=slug)


@pytest.mark.parametrize("how", ["code", "admin"])
def test_copying_a_public_section_announces_its_public_story_only(
    client, superuser, receiver, make_endpoint, committed, how
):
    section = factories.make_index(title="Desk", slug="desk")
    factories.make_article(section, "Open", slug="open")
    private = factories.make_article(section, "Closed", slug="closed")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        copy = copy_section(how, client, section, superuser)
    assert copied(copy, "closed").live
    assert sent() == [("article.published", copied(copy, "open").pk)]


@pytest.mark.parametrize("how", ["code", "admin"])
def test_copying_a_section_with_a_private_plain_page_announces_nothing_below_it(
    client, superuser, receiver, make_endpoint, committed, how
):
    section = factories.make_index(title="Desk", slug="desk")
    plain = Page(title="Members", slug="members")
    section.add_child(instance=plain)
    plain.save_revision().publish()
    PageViewRestriction.objects.create(
        page=plain, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    inner = factories.make_index(plain, title="Inner", slug="inner")
    factories.make_article(inner, "Closed", slug="closed")
    factories.make_feed(inner, "Closed feed")
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        copy = copy_section(how, client, section, superuser)
    assert copied(copy, "closed").live
    assert sent() == [] and receiver.wait_for(1, timeout=0.2) == []
