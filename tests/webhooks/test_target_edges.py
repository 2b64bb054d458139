"""Edges of the target check: port 0 is refused rather than taken as the default port, IPv6
site-local and NAT64 addresses count as non-public, and looking the name up counts against the
attempt's timeout."""

from __future__ import annotations

import socket
import time

import pytest
from django.urls import reverse

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.webhooks.targets import TargetRefused, check_url

PORT_0 = "Port 0 cannot be called: give a port from 1 to 65535."


@pytest.fixture
def no_private_targets(webhook_settings):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])


@pytest.mark.parametrize(
    "url", ["http://1.1.1.1:0/", "https://1.1.1.1:0/hook", "http://1.1.1.1:000/"]
)
def test_port_0_is_refused_not_taken_as_the_default_port(url, no_private_targets):
    with pytest.raises(TargetRefused) as refused:
        check_url(url)
    assert str(refused.value) == PORT_0


def test_a_url_without_a_port_uses_the_scheme_s_default(no_private_targets):
    assert check_url("http://1.1.1.1/").port == 80
    assert check_url("https://1.1.1.1/").port == 443
    assert check_url("http://1.1.1.1:00080/").port == 80


def test_the_endpoint_form_refuses_port_0_and_saves_nothing(admin_client, no_private_targets):
    data = {
        "name": "Next.js",
        "url": "http://1.1.1.1:0/",
        "events": [WebhookEvent.ARTICLE_PUBLISHED],
    }
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_webhooks:add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [PORT_0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://[fec0::1]/hook",  # IPv6 site-local (deprecated, still routed in some networks)
        "http://[fec0:0:0:ffff::1]/hook",  # Windows' well-known site-local DNS server
        "http://[feff::1]/hook",  # the top of fec0::/10
        "http://[64:ff9b::808:808]/hook",  # NAT64 carrying 8.8.8.8: refused all the same
        "http://[64:ff9b:1::808:808]/hook",  # local-use NAT64 prefix
    ],
)
def test_site_local_and_nat64_addresses_are_refused(url, no_private_targets):
    with pytest.raises(TargetRefused, match="which is not a public address"):
        check_url(url)


def test_a_slow_name_lookup_counts_against_the_attempt_s_timeout(
    monkeypatch, make_endpoint, webhook_settings, committed
):
    webhook_settings(WEBHOOK_TIMEOUT=0.5)
    look_up = socket.getaddrinfo

    def dead_nameserver(host, *args, **kwargs):  # the resolver waits 3 s, then answers
        if host == "slow-dns.test":
            time.sleep(3)
            host = "127.0.0.1"
        return look_up(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dead_nameserver)
    make_endpoint("http://slow-dns.test:9/hook", [WebhookEvent.ARTICLE_PUBLISHED])
    started = time.monotonic()
    with committed():
        factories.make_article(factories.make_index())
    assert time.monotonic() - started < 2  # not the resolver's 3 s
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)  # retried later
    assert delivery.last_error == (
        "Looking up the host name slow-dns.test (DNS) took longer than 0.5 s."
    )
    assert delivery.duration_ms >= 450
