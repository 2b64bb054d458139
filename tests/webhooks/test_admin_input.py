"""What the endpoint form makes of input a person types: a URL without a scheme."""

from __future__ import annotations

from django.urls import reverse

from wagtail_newsfeed.models import WebhookEndpoint, WebhookEvent


def test_a_url_typed_without_a_scheme_is_taken_as_https(admin_client, receiver):
    # Django 5.2 assumed http:// (a secret-signed POST sent in the clear); Django 6 https://.
    address = receiver.url.removeprefix("http://")
    response = admin_client.post(
        reverse("wagtail_newsfeed_webhooks:add"),
        {"name": "Typed", "url": address, "events": [WebhookEvent.ARTICLE_PUBLISHED]},
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == f"https://{address}"
