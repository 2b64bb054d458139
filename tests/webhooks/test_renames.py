"""A new slug moves live pages to new URLs: frontends are told the old paths too, as after a move,
for the renamed page and for every page below it."""

from __future__ import annotations

from urllib.parse import urlencode

from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEvent

PAGE_EVENTS = [
    WebhookEvent.ARTICLE_PUBLISHED,
    WebhookEvent.ARTICLE_UPDATED,
    WebhookEvent.ARTICLE_UNPUBLISHED,
    WebhookEvent.FEED_CHANGED,
]


def rename(page, slug: str) -> None:
    page.slug = slug
    page.save_revision().publish()


def article_api_urls(article) -> list[str]:
    """The article's API answer and its lookup by path."""
    lookup = urlencode({"path": article.url})
    return [
        f"http://localhost/api/newsfeed/v1/articles/{article.pk}/",
        f"http://localhost/api/newsfeed/v1/articles/find/?{lookup}",
    ]


def data_by_id() -> dict[int, dict]:
    return {d.payload["data"]["id"]: d.payload["data"] for d in WebhookDelivery.objects.all()}


def test_renaming_a_live_article_reports_its_old_and_new_paths(receiver, make_endpoint, committed):
    index = factories.make_index()
    article = factories.make_article(index, slug="heatwave")
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        rename(article, "heatwave-renamed")
    (delivery,) = WebhookDelivery.objects.all()  # one, though Wagtail reports the slug change too
    data = delivery.payload["data"]
    assert delivery.event_type == "article.updated"
    assert data["previous_paths"] == [f"{index.url}heatwave/", index.url]
    # The page and its listing first, the feeds and sitemaps the purge drops too, the old path last.
    assert data["paths"][:2] == [f"{index.url}heatwave-renamed/", index.url]
    assert data["paths"][-1] == f"{index.url}heatwave/"


def test_renaming_a_live_feed_reports_its_old_path(receiver, make_endpoint, committed):
    index = factories.make_index()
    feed = factories.make_feed(index, slug="final-day")
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        rename(feed, "final-day-x")
    (delivery,) = WebhookDelivery.objects.all()
    assert (delivery.event_type, delivery.payload["data"]["action"]) == ("feed.changed", "updated")
    assert delivery.payload["data"]["previous_paths"] == [f"{index.url}final-day/", index.url]
    assert f"{index.url}final-day-x/" in delivery.payload["data"]["paths"]


def test_first_publication_under_a_new_slug_has_no_previous_paths(
    receiver, make_endpoint, committed
):
    article = factories.make_article(factories.make_index(), publish=False, slug="draft")
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        rename(article, "draft-renamed")
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event_type == "article.published"
    assert "previous_paths" not in delivery.payload["data"]


def test_republishing_without_a_new_slug_has_no_previous_paths(receiver, make_endpoint, committed):
    article = factories.make_article(factories.make_index())
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        article.save_revision().publish()
    (delivery,) = WebhookDelivery.objects.all()
    assert "previous_paths" not in delivery.payload["data"]


def test_renaming_a_section_reports_each_visible_news_page_below_it(
    receiver, make_endpoint, committed
):
    section = factories.make_index(slug="news")
    sub = factories.make_index(section, title="World", slug="world")
    article = factories.make_article(section, slug="story")
    deeper = factories.make_article(sub, slug="deeper")
    feed = factories.make_feed(section, slug="live")
    factories.make_article(section, publish=False)  # a draft: never reported
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        rename(section, "news-renamed")
    assert sorted(
        (d.event_type, d.payload["data"]["id"]) for d in WebhookDelivery.objects.all()
    ) == [
        ("article.updated", article.pk),
        ("article.updated", deeper.pk),
        ("feed.changed", feed.pk),
    ]
    sent = data_by_id()
    assert sent[article.pk]["previous_paths"] == ["/news/story/", "/news/"]
    assert sent[article.pk]["paths"][:2] == ["/news-renamed/story/", "/news-renamed/"]
    assert sent[article.pk]["paths"][-2:] == ["/news/story/", "/news/"]
    assert sent[deeper.pk]["previous_paths"] == ["/news/world/deeper/", "/news/world/"]
    assert sent[deeper.pk]["paths"][:2] == ["/news-renamed/world/deeper/", "/news-renamed/world/"]
    assert sent[deeper.pk]["paths"][-2:] == ["/news/world/deeper/", "/news/world/"]
    assert sent[feed.pk]["action"] == "updated"
    assert sent[feed.pk]["previous_paths"] == ["/news/live/", "/news/"]
    assert len(receiver.wait_for(3)) == 3


def test_renaming_a_private_section_sends_nothing(receiver, make_endpoint, committed):
    section = factories.make_index(slug="members")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    factories.make_article(section)
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        rename(section, "members-renamed")
    assert not WebhookDelivery.objects.exists()


def test_renaming_a_topic_lists_its_old_api_url_too(receiver, make_endpoint, committed):
    topic = factories.make_topic("Climate", slug="climate")
    article = factories.make_article(factories.make_index(), topics=[topic])
    make_endpoint(receiver.url, [WebhookEvent.TAXONOMY_CHANGED])
    with committed():
        topic.slug = "climate-renamed"
        topic.save()
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["data"]["api_urls"] == [
        "http://localhost/api/newsfeed/v1/topics/",
        "http://localhost/api/newsfeed/v1/topics/climate-renamed/",
        "http://localhost/api/newsfeed/v1/topics/climate/",
        "http://localhost/api/newsfeed/v1/articles/",
        "http://localhost/api/newsfeed/v1/articles/find/",
        *article_api_urls(article),  # it shows the topic's name
    ]


def test_saving_a_topic_under_the_same_slug_lists_one_detail_url(
    receiver, make_endpoint, committed
):
    topic = factories.make_topic("Climate", slug="climate")
    article = factories.make_article(factories.make_index(), topics=[topic])
    make_endpoint(receiver.url, [WebhookEvent.TAXONOMY_CHANGED])
    with committed():
        topic.description = "Heat and floods"
        topic.save()
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["data"]["api_urls"] == [
        "http://localhost/api/newsfeed/v1/topics/",
        "http://localhost/api/newsfeed/v1/topics/climate/",
        "http://localhost/api/newsfeed/v1/articles/",
        "http://localhost/api/newsfeed/v1/articles/find/",
        *article_api_urls(article),  # it shows the topic's name
    ]


def test_renaming_a_site_s_root_page_moves_no_url_and_sends_nothing(
    receiver, make_endpoint, committed
):
    """A site serves its root page at ``/`` whatever its slug: nothing below it moved."""
    index = factories.make_index(slug="news")
    factories.make_article(index)
    home = factories.root_page().specific
    make_endpoint(receiver.url, PAGE_EVENTS)
    with committed():
        rename(home, f"{home.slug}-renamed")
    assert not WebhookDelivery.objects.exists()
