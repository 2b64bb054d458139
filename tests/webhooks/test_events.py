"""Which changes send what, to whom, and nothing about content readers cannot see (coalescing
of entry changes: test_coalescing.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry, WebhookDelivery, WebhookEvent
from wagtail_newsfeed.webhooks.events import entry_changes

ENTRY_EVENTS = [WebhookEvent.ENTRY_CREATED, WebhookEvent.ENTRY_UPDATED, WebhookEvent.ENTRY_DELETED]


def test_an_endpoint_gets_only_the_entry_kinds_it_subscribed_to(receiver, make_endpoint, committed):
    make_endpoint(receiver.url, [WebhookEvent.ENTRY_DELETED])
    feed = factories.make_feed(factories.make_index())
    with committed():
        entry = factories.make_entry(feed)
    assert not WebhookDelivery.objects.exists()
    with committed():
        entry_rules.delete_entry(entry, factories._system_user())
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["entries"] == {
        "created": [],
        "updated": [],
        "deleted": [entry.pk],
    }
    assert delivery.payload["data"]["events"] == ["entry.deleted"]


def test_draft_entries_send_nothing(receiver, make_endpoint, committed):
    feed = factories.make_feed(factories.make_index())
    make_endpoint(receiver.url)
    with committed():
        draft = factories.make_entry(feed, status=LiveEntry.Status.DRAFT)
        entry_rules.update_entry(draft, factories._system_user(), headline="Still a draft")
        entry_rules.delete_entry(draft, factories._system_user())
    assert not WebhookDelivery.objects.exists()


def test_unpublishing_an_entry_reports_it_deleted(receiver, make_endpoint, committed):
    make_endpoint(receiver.url, ENTRY_EVENTS)
    feed = factories.make_feed(factories.make_index())
    entry = factories.make_entry(feed)
    with committed():
        entry_rules.unpublish_entry(entry, factories._system_user())
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["data"]["entries"]["deleted"] == [entry.pk]


def test_entries_of_a_private_feed_send_nothing(receiver, make_endpoint, committed):
    feed = factories.make_feed(factories.make_index())
    PageViewRestriction.objects.create(
        page=feed, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    make_endpoint(receiver.url)
    with committed():
        factories.make_entry(feed)
    assert not WebhookDelivery.objects.exists()


def test_private_and_draft_articles_send_nothing_at_all(receiver, make_endpoint, committed):
    make_endpoint(receiver.url)
    index = factories.make_index()
    private_section = factories.make_index(index, "Members")
    PageViewRestriction.objects.create(
        page=private_section, restriction_type=PageViewRestriction.LOGIN
    )
    with committed():
        draft = factories.make_article(index, "Secret draft", publish=False)
        draft.save_revision()
        private = factories.make_article(private_section, "Members only")
        private.save_revision().publish()  # an update
        private.unpublish()
        scheduled = factories.make_article(index, publish=False)
        scheduled.go_live_at = timezone.now() + timedelta(days=1)
        scheduled.save_revision().publish()
    assert not WebhookDelivery.objects.exists()
    assert receiver.wait_for(1, timeout=0.2) == []


def test_article_life_cycle_events(receiver, make_endpoint, committed):
    make_endpoint(receiver.url)
    index = factories.make_index()
    with committed():
        article = factories.make_article(index)
        article.save_revision().publish()
        article.unpublish()
        article.save_revision().publish()
    with committed():
        article.delete()
    assert list(WebhookDelivery.objects.order_by("pk").values_list("event_type", flat=True)) == [
        "article.published",
        "article.updated",
        "article.unpublished",
        "article.published",
        "article.deleted",
    ]
    assert len(receiver.wait_for(5)) == 5


def test_feed_changes_carry_their_action_and_api_urls(receiver, make_endpoint, committed):
    make_endpoint(receiver.url, [WebhookEvent.FEED_CHANGED])
    with committed():
        feed = factories.make_feed(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    data = delivery.payload["data"]
    assert (delivery.event_type, data["action"], data["id"]) == (
        "feed.changed",
        "published",
        feed.pk,
    )
    assert f"http://localhost/api/newsfeed/v1/feeds/{feed.pk}/entries/" in data["api_urls"]


def test_taxonomy_changes_are_sent_only_for_public_terms(receiver, make_endpoint, committed):
    make_endpoint(receiver.url, [WebhookEvent.TAXONOMY_CHANGED])
    index = factories.make_index()
    used, unused = factories.make_topic("Elections"), factories.make_topic("Embargoed merger")
    factories.make_article(index, topics=[used])
    WebhookDelivery.objects.all().delete()
    with committed():
        used.description = "Votes and counts"
        used.save()
        unused.description = "Nobody may know yet"
        unused.save()
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["data"]["object"] == "topic"
    assert delivery.payload["data"]["id"] == used.pk
    assert "Embargoed" not in str(delivery.payload)


def test_entry_changes_reads_what_readers_saw(db):
    created, unpinned = LiveEntry(pk=1, status="published"), LiveEntry(pk=2, status="published")
    assert entry_changes([created, unpinned], "publish") == {
        "created": [1],
        "updated": [2],
        "deleted": [],
    }
    gone = LiveEntry(pk=3, status="published", deleted_at=timezone.now())
    assert entry_changes([gone], "delete")["deleted"] == [3]
    assert entry_changes([LiveEntry(pk=4, status="draft")], "edit") == {
        "created": [],
        "updated": [],
        "deleted": [],
    }
