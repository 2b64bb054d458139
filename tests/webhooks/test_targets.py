"""Targets on non-public addresses are refused when the endpoint is saved and again when a
delivery is sent (with the name resolved afresh and the checked address the one connected to)."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tests.webhooks.conftest import serving
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.webhooks.targets import TargetRefused, check_url

REFUSED = [
    "http://10.0.0.5/hook",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:8000/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://[fc00::1]/hook",
    "http://2130706433/hook",  # 127.0.0.1 written as a decimal number
    "http://0x7f000001/hook",  # ... and in hex
    "http://0177.0.0.1/hook",  # ... and in octal
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://100.64.0.1/hook",  # shared address space (carrier-grade NAT)
    "http://240.0.0.1/hook",  # reserved
    "http://localhost/hook",  # a name that resolves to loopback
    "http://[2002:7f00:1::]/hook",  # 6to4 carrying 127.0.0.1
    "http://[2002:a00:1::1]/hook",  # 6to4 carrying 10.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",  # Teredo, client 127.0.0.1
    "http://[64:ff9b::7f00:1]/hook",  # NAT64 well-known prefix carrying 127.0.0.1
]


@pytest.fixture
def no_private_targets(webhook_settings):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])


@pytest.mark.parametrize("url", REFUSED)
def test_a_non_public_target_is_refused(url, no_private_targets):
    with pytest.raises(TargetRefused, match="(not|must resolve to) a public address"):
        check_url(url)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "http:///nohost", "http://user:pw@8.8.8.8/", "http://[::1/", ""]
)
def test_a_malformed_or_unsupported_url_is_refused(url, no_private_targets):
    with pytest.raises(TargetRefused):
        check_url(url)


def test_a_public_address_is_accepted(no_private_targets):
    target = check_url("https://8.8.8.8:8443/revalidate?x=1")
    assert (target.host, target.port, target.path, target.addresses) == (
        "8.8.8.8",
        8443,
        "/revalidate?x=1",
        ("8.8.8.8",),
    )


def test_a_6to4_address_carrying_a_public_ipv4_is_accepted(no_private_targets):
    assert check_url("http://[2002:808:808::1]/").addresses == ("2002:808:808::1",)


def test_loopback_is_accepted_when_a_setting_allows_it():
    assert check_url("http://localhost:8000/").addresses[0] in ("127.0.0.1", "::1")


@pytest.fixture
def fake_dns(monkeypatch):
    """Names of our choosing resolve to addresses of our choosing (real DNS for the rest): the
    machine has no name that resolves to a private address, and rebinding needs a DNS server
    that changes its answer."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_name_that_resolves_to_a_private_address_is_refused(fake_dns, no_private_targets):
    fake_dns["intranet.example.com"] = ["10.1.2.3"]
    # Refused, but without naming the address: the form is no lookup of internal names.
    with pytest.raises(TargetRefused, match="must resolve to a public address") as refused:
        check_url("https://intranet.example.com/hook")
    assert "10.1.2.3" not in str(refused.value)


def test_saving_an_endpoint_with_a_private_target_is_a_validation_error(db, no_private_targets):
    endpoint = WebhookEndpoint(
        name="x", url="http://169.254.169.254/", events=[WebhookEvent.ARTICLE_PUBLISHED]
    )
    with pytest.raises(ValidationError) as error:
        endpoint.full_clean()
    assert "url" in error.value.message_dict


def test_a_name_rebound_to_a_private_address_after_saving_is_refused_at_send_time(
    fake_dns, receiver, make_endpoint, committed, webhook_settings
):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])
    fake_dns["rebind.example.com"] = ["8.8.8.8", "10.0.0.1"]
    endpoint = make_endpoint("http://rebind.example.com/", [WebhookEvent.ARTICLE_PUBLISHED])
    check_url(endpoint.url)  # public when saved (the first answer)
    index = factories.make_index()
    with committed():
        factories.make_article(index)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED  # refused: never retried
    assert "rebind.example.com must resolve to a public address" in delivery.last_error
    assert "10.0.0.1" not in delivery.last_error and delivery.response_code is None


def test_the_request_goes_to_the_address_that_was_checked(
    fake_dns, receiver, make_endpoint, committed
):
    # A name no real DNS knows: the request can only arrive by connecting to the checked address.
    fake_dns["pinned.example.com"] = ["127.0.0.1"]
    port = receiver.url.split(":")[2].split("/")[0]
    make_endpoint(f"http://pinned.example.com:{port}/x", [WebhookEvent.ARTICLE_PUBLISHED])
    index = factories.make_index()
    with committed():
        factories.make_article(index)
    (request,) = receiver.wait_for(1)
    assert request.headers["host"] == f"pinned.example.com:{port}"


def test_a_redirect_is_not_followed(make_endpoint, committed):
    from http.server import BaseHTTPRequestHandler

    hits = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    with serving(Redirect) as port:
        make_endpoint(f"http://127.0.0.1:{port}/", [WebhookEvent.ARTICLE_PUBLISHED])
        index = factories.make_index()
        with committed():
            factories.make_article(index)
    delivery = WebhookDelivery.objects.get()
    assert hits == ["/"]
    assert (delivery.status, delivery.response_code) == ("pending", 307)


def test_a_malformed_allowed_network_allows_nothing(webhook_settings):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=["not-a-network", None, "127.0.0.0/33"])
    with pytest.raises(TargetRefused):
        check_url("http://127.0.0.1/")
