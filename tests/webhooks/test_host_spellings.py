"""However a webhook URL's host is spelled, the endpoint form answers with a form error and a
delivery fails with a line in its log: a NUL, a line break or a space in the host is refused before
the name is looked up (the resolver would cut the host at the NUL, or the URL parser drop the break,
and call a host other than the one written), and no ``ValueError`` or ``UnicodeError`` escapes.

The form's message for a name is the same whether the name is unknown or leads to a private
address, so the form is no way to learn which names internal DNS has."""

from __future__ import annotations

import logging
import socket

import pytest
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.webhooks.targets import TargetRefused, check_url

CONTROL = [
    "http://127.0.0.1\x00/",
    "http://localhost\x00/",
    "http://10.0.0.1\x00.example/",
    "http://local\nhost/",  # the URL parser drops the break: it would call localhost
    "http://local\thost/",
    "http://local\rhost/",
    "http://localhost\x7f/",
    "http://127.0.0.1 x/",  # the resolver reads "127.0.0.1" and ignores the rest
    "http://exa\u200bmple.com/",  # a zero-width space, dropped when the name is encoded
    "http://example\u3000com/",  # an ideographic space
]
ODD = [
    "http://%00/",
    "http://exa%00mple.com/",
    "http://example\u3002invalid/",  # an ideographic full stop, read as a dot
    "http://" + "a" * 64 + ".com/",  # a label longer than 63
    "http://" + "a." * 200 + "com/",  # a name longer than 253
    "http://a..b.com/",  # an empty label
    "http:///",
    "http://:80/",
    "http://[::1\x00]/",
    "http://exa mple.com/",
    "http://exa<mple>.com/",
]


def post_endpoint(client, url: str):
    data = {"name": "Frontend", "url": url, "events": [WebhookEvent.ARTICLE_PUBLISHED]}
    return client.post(reverse("wagtail_newsfeed_webhooks:add"), data)


@pytest.fixture
def default_networks(webhook_settings):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])


@pytest.mark.parametrize("url", CONTROL)
def test_a_control_character_or_space_in_the_host_is_refused_before_it_is_looked_up(url):
    """Loopback is allowed here (the fixture): the refusal is for the character itself."""
    with pytest.raises(TargetRefused, match="space or a control character"):
        check_url(url)


@pytest.mark.parametrize("url", CONTROL + ODD)
def test_no_spelling_of_a_host_raises_anything_but_a_refusal(url, default_networks):
    with pytest.raises(TargetRefused):
        check_url(url)


@pytest.mark.parametrize("url", CONTROL + ODD)
def test_the_endpoint_form_answers_any_spelling_with_a_form_error(
    admin_client, default_networks, url
):
    with nothing_saved():
        response = post_endpoint(admin_client, url)
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1\x00/", "http://local\nhost/"])
def test_changing_an_endpoint_to_such_a_url_is_refused(
    admin_client, make_endpoint, default_networks, url
):
    endpoint = make_endpoint("https://8.8.8.8/", [WebhookEvent.ARTICLE_PUBLISHED])
    data = {"name": "Renamed", "url": url, "events": [WebhookEvent.ARTICLE_PUBLISHED]}
    with nothing_saved():
        response = admin_client.post(
            reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk]), data
        )
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.url) == ("Frontend", "https://8.8.8.8/")


def test_a_name_gets_the_same_message_whether_it_is_unknown_or_private(
    admin_client, default_networks
):
    messages = []
    for url in ("http://localhost/", "https://gone.invalid/hook"):
        with nothing_saved():
            response = post_endpoint(admin_client, url)
        assert response.status_code == 200
        (message,) = response.context["form"].errors["url"]
        messages.append(message.replace("localhost", "HOST").replace("gone.invalid", "HOST"))
    assert messages[0] == messages[1] == "The host name HOST must resolve to a public address."


@pytest.mark.parametrize("host", ["intranet", "intranet.", "gone-for-good"])
def test_a_name_django_turns_down_is_not_looked_up_to_explain_it(
    admin_client, default_networks, monkeypatch, host
):
    """``http://intranet/`` is no valid URL to Django (no dot): explaining why by looking the name
    up would tell an internal name (here ``intranet``, on ``10.0.0.1``) from an unknown one."""
    real = socket.getaddrinfo

    def getaddrinfo(name, port, *args, **kwargs):
        if name.rstrip(".") == "intranet":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port))]
        return real(name, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with nothing_saved():
        response = post_endpoint(admin_client, f"http://{host}/")
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == ["Enter a valid URL."]


STORED = ["http://127.0.0.1\x00/", "http://localhost\x00/", "http://local\nhost/"]


@pytest.mark.parametrize("url", STORED)
def test_a_stored_url_with_such_a_host_fails_its_delivery_once_with_a_clear_log(
    make_endpoint, committed, caplog, url
):
    """An endpoint saved before the host was checked for such characters: its delivery fails
    for good, with the reason in the log, and is not retried (no exception, no retry loop)."""
    if "\x00" in url and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores no NUL in text: such a URL cannot have been saved there")
    make_endpoint(url, [WebhookEvent.ARTICLE_PUBLISHED])
    caplog.set_level(logging.ERROR, logger="wagtail_newsfeed")
    with committed():
        factories.make_article(factories.make_index())
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 1 and delivery.response_code is None
    assert "space or a control character" in delivery.last_error
    assert "failed unexpectedly" not in caplog.text
