"""End to end in headless Chromium: an editor clicks Publish in Wagtail's page editor, and a
receiver on loopback gets one signed ``article.published`` delivery that the ``standardwebhooks``
library (a real receiver's code, not ours) verifies."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook

from tests import factories
from tests.browser.admin import log_in
from tests.webhooks.conftest import LOOPBACK, serving
from wagtail_newsfeed.models import NewsArticlePage, WebhookDelivery, WebhookEndpoint

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

ARTICLE_EVENTS = ["article.published", "article.updated", "article.unpublished", "article.deleted"]


class Received:
    """What the receiver got: ``(body, headers)`` per POST, headers in lower case."""

    def __init__(self) -> None:
        self.requests: list[tuple[bytes, dict[str, str]]] = []
        self.arrived = threading.Event()


@pytest.fixture
def receiver(settings) -> Iterator[tuple[str, Received]]:
    """A plain ``http.server`` receiver on a free loopback port, allowed as a webhook target."""
    settings.WAGTAIL_NEWSFEED = {
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": LOOPBACK,
        "WEBHOOK_COALESCE_SECONDS": 0,
        "WEBHOOK_TIMEOUT": 2,
    }
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.requests.append((body, {k.lower(): v for k, v in self.headers.items()}))
            received.arrived.set()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}/hooks/newsfeed", received


def test_publish_click_in_the_page_editor_sends_one_verified_article_published_webhook(
    chromium, live_server, receiver
):
    url, received = receiver
    index = factories.make_index(title="News")
    article = factories.make_article(index, "Budget passes", publish=False)
    factories.make_superuser("editor")
    endpoint = WebhookEndpoint.objects.create(name="Frontend", url=url, events=ARTICLE_EVENTS)

    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    publish = page.locator("footer button[name=action-publish]")
    if not publish.is_visible():  # Publish sits in the menu beside "Save draft"
        page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    publish.click()
    page.get_by_text("has been published").first.wait_for()

    assert received.arrived.wait(5)
    page.wait_for_timeout(500)  # a second delivery would have landed by now
    (request,) = received.requests
    body, headers = request
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "article.published"
    assert payload["data"]["object"] == "article" and payload["data"]["id"] == article.pk
    assert NewsArticlePage.objects.get(pk=article.pk).live
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.message_id == headers["webhook-id"]
    context.close()


def test_the_secret_checkboxes_are_labelled_and_show_their_error(chromium, live_server, receiver):
    url, received = receiver
    factories.make_superuser("editor")
    endpoint = WebhookEndpoint.objects.create(name="Frontend", url=url, events=ARTICLE_EVENTS)
    secret = endpoint.secret

    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = log_in(context, live_server)
    page.goto(f"{live_server.url}/admin/newsfeed/webhooks/edit/{endpoint.pk}/")
    drop = page.get_by_role("checkbox", name="Stop using the old secret at once")
    expect(page.get_by_role("checkbox", name="Make a new secret")).to_be_visible()
    drop.check()
    page.locator("footer button[type=submit]").first.click()

    expect(drop).to_have_accessible_description(
        re.compile("the old one is only dropped for a new one")
    )
    expect(page.get_by_text("the old one is only dropped for a new one")).to_be_visible()
    endpoint.refresh_from_db()
    assert endpoint.secret == secret and endpoint.previous_secret == ""
    context.close()
