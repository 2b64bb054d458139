"""An import announces nothing: its archive is not news, so no webhook delivery is recorded for
anything it writes (``webhooks.events.suppressed``), and a private or password-protected post is
restricted before it is published, so even without suppression it never looks public."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests import factories
from tests.wordpress.exports import Entry, Export
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.webhooks import events
from wagtail_newsfeed.wordpress.importer import Importer, Options
from wagtail_newsfeed.wordpress.report import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(settings) -> WebhookEndpoint:
    """An active endpoint for every event (loopback: nothing leaves the machine; deliveries are
    sent after commit, which a test's transaction never reaches)."""
    settings.WAGTAIL_NEWSFEED = {
        **getattr(settings, "WAGTAIL_NEWSFEED", {}),
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": ["127.0.0.0/8"],
    }
    return WebhookEndpoint.objects.create(
        name="Push", url="http://127.0.0.1:9/hooks", events=list(WebhookEvent.values)
    )


def archive() -> Export:
    export = Export()
    export.post(1, "CEO to resign", "x", status="private")
    export.post(2, "Protected scoop", "x", password="secret")
    export.post(3, "Public story", "x")
    entries = [Entry(100, "First entry", "2024-03-01 10:00:00")]
    export.post(4, "Live", "x", meta={"liveblog": "enable"}, entries=entries)
    return export


def sent() -> list[tuple[str, list[str]]]:
    return [
        (delivery.event_type, delivery.payload["data"].get("paths", []))
        for delivery in WebhookDelivery.objects.order_by("pk")
    ]


def test_an_import_records_no_webhook_delivery(run_import, endpoint):
    output = run_import(archive())
    assert "articles: 3 created" in output and "live entries: 1 created" in output
    assert sent() == []


def test_private_and_protected_posts_are_never_announced_even_without_suppression(
    news_index, endpoint, tmp_path: Path
):
    """The importer itself (not the command, which suppresses all deliveries): only the public
    post and the live feed are reported published."""
    path = archive().write(tmp_path / "export.xml")
    Importer([path], news_index, Options(), Report()).run()
    events_sent = [event for event, _paths in sent()]
    assert WebhookEvent.ARTICLE_UNPUBLISHED not in events_sent
    assert events_sent.count(WebhookEvent.ARTICLE_PUBLISHED) == 1
    published = next(p for e, p in sent() if e == WebhookEvent.ARTICLE_PUBLISHED)
    assert published[0].endswith("/post-3/")  # the public post


def test_suppression_covers_only_its_own_thread_and_ends_with_the_block(news_index, endpoint):
    inside_other_thread: list[bool] = []
    with events.suppressed():
        assert events.are_suppressed()
        factories.make_article(news_index, "Quiet")
        worker = threading.Thread(
            target=lambda: inside_other_thread.append(events.are_suppressed())
        )
        worker.start()
        worker.join()
    assert inside_other_thread == [False]
    assert not events.are_suppressed()
    assert sent() == []
    factories.make_article(news_index, "Loud", slug="loud")
    assert [event for event, _paths in sent()] == [WebhookEvent.ARTICLE_PUBLISHED]


def test_suppression_is_undone_when_the_block_fails(news_index, endpoint):
    with pytest.raises(RuntimeError), events.suppressed():
        raise RuntimeError("import failed")
    assert not events.are_suppressed()
    factories.make_article(news_index, "After", slug="after")
    assert len(sent()) == 1
