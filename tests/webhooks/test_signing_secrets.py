"""A secret that is not strict base64, or is empty, signs nothing: the attempt fails with the
reason logged (never an HMAC keyed with an empty or guessed key)."""

from __future__ import annotations

import pytest

from tests import factories
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.webhooks.signing import secret_key, sign


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("whsec_", "empty"),
        ("", "empty"),
        ("whsec_!!!!", "not base64"),
        ("whsec_ZGVh ZA==", "not base64"),  # a space inside
        ("whsec_ZGVhZA== trailing", "not base64"),
        ("whsec_ZGVhZA", "not base64"),  # padding missing
    ],
)
def test_a_malformed_secret_is_refused(secret, reason):
    with pytest.raises(ValueError, match=reason):
        secret_key(secret)
    with pytest.raises(ValueError, match=reason):
        sign(secret, "msg_1", 1764599400, b"{}")


def test_a_well_formed_secret_gives_its_key():
    assert secret_key("whsec_ZGVhZA==") == b"dead"
    assert secret_key("ZGVhZA==") == b"dead"  # without the prefix, taken as base64


def test_a_delivery_with_a_malformed_secret_fails_without_sending(
    receiver, make_endpoint, committed, caplog
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="whsec_!!!!")
    index = factories.make_index()
    with committed():
        factories.make_article(index)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error.startswith("ValueError: The webhook secret is not base64 (")
    assert delivery.attempts == 1 and delivery.status == WebhookDelivery.Status.PENDING
    assert "attempt failed unexpectedly" in caplog.text
    assert receiver.wait_for(1, timeout=0.3) == []
