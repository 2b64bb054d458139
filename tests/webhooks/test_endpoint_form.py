"""The endpoint form checks the URL when it matters (new, changed, or switched back on), so an
endpoint whose host stopped resolving can still be switched off, and says in one message why a
URL that leads to a non-public address is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.checks import nothing_saved
from wagtail_newsfeed.models import WebhookEndpoint, WebhookEvent

GONE = "https://gone.invalid/hook"  # the .invalid TLD never resolves


def edit(admin_client, endpoint, **changes):
    data = {
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        **({"is_active": "on"} if endpoint.is_active else {}),
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return admin_client.post(reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk]), data)


def test_an_endpoint_whose_host_stopped_resolving_can_be_switched_off(admin_client, make_endpoint):
    endpoint = make_endpoint(GONE, [WebhookEvent.ARTICLE_PUBLISHED])
    response = edit(admin_client, endpoint, is_active=None)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is False


def test_renaming_such_an_endpoint_is_allowed(admin_client, make_endpoint):
    endpoint = make_endpoint(GONE, [WebhookEvent.ARTICLE_PUBLISHED])
    assert edit(admin_client, endpoint, name="Old frontend").status_code == 302
    assert WebhookEndpoint.objects.get().name == "Old frontend"


def test_switching_such_an_endpoint_back_on_checks_its_url(admin_client, make_endpoint):
    endpoint = make_endpoint(GONE, [WebhookEvent.ARTICLE_PUBLISHED], is_active=False)
    with nothing_saved():
        response = edit(admin_client, endpoint, is_active="on")
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "The host name gone.invalid must resolve to a public address."
    ]
    assert WebhookEndpoint.objects.get().is_active is False


def test_changing_the_url_to_a_private_address_is_refused(
    admin_client, make_endpoint, webhook_settings
):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])
    endpoint = make_endpoint("https://8.8.8.8/", [WebhookEvent.ARTICLE_PUBLISHED])
    with nothing_saved():
        response = edit(admin_client, endpoint, url="http://10.0.0.1/")
    assert response.status_code == 200
    assert "not a public address" in response.context["form"].errors["url"][0]
    assert WebhookEndpoint.objects.get().url == "https://8.8.8.8/"


@pytest.mark.parametrize(
    "url", ["http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/"]
)
def test_a_url_leading_to_loopback_gets_one_message_naming_the_problem(
    admin_client, webhook_settings, url
):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])
    data = {"name": "Next.js", "url": url, "events": [WebhookEvent.ARTICLE_PUBLISHED]}
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_webhooks:add"), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["url"]
    assert message.endswith("resolves to 127.0.0.1, which is not a public address.")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://exa mple.com/"])
def test_a_malformed_url_gets_one_message(admin_client, url):
    data = {"name": "Next.js", "url": url, "events": [WebhookEvent.ARTICLE_PUBLISHED]}
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_webhooks:add"), data)
    assert response.status_code == 200
    assert len(response.context["form"].errors["url"]) == 1
    assert not WebhookEndpoint.objects.exists()


def test_a_name_leading_to_a_private_address_is_refused_without_saying_which(
    admin_client, webhook_settings
):
    """The form refuses a name resolving to loopback, but does not tell the admin the address:
    it must not serve as a lookup of internal host names."""
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])
    data = {
        "name": "Inside",
        "url": "http://localhost/",
        "events": [WebhookEvent.ARTICLE_PUBLISHED],
    }
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_webhooks:add"), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["url"]
    assert message == "The host name localhost must resolve to a public address."
    assert "127.0.0.1" not in response.content.decode() and "::1" not in message
