"""A new endpoint secret without a refused delivery: the old secret keeps signing beside the new
one for ``WEBHOOK_SECRET_OVERLAP_HOURS`` (Standard Webhooks' several signatures), so a receiver
verifies with either while it is switched over; an editor who fears it leaked drops it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed.models import WebhookEndpoint, WebhookEvent
from wagtail_newsfeed.models.webhooks import generate_secret

pytestmark = pytest.mark.django_db


def edit_url(endpoint) -> str:
    return reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk])


def form(endpoint, **extra) -> dict:
    return {
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": "on",
        **extra,
    }


def delivered(receiver, committed):
    """Publish an article and return the request the receiver got."""
    with committed():
        factories.make_article(factories.make_index())
    return receiver.wait_for(1)[-1]


def verifies(secret: str, request) -> bool:
    try:
        Webhook(secret).verify(request.body, request.headers)
    except WebhookVerificationError:
        return False
    return True


def test_the_edit_page_offers_a_new_secret_and_dropping_the_old(admin_client, make_endpoint):
    endpoint = make_endpoint("https://8.8.8.8/hooks", [WebhookEvent.ARTICLE_PUBLISHED])
    html = admin_client.get(edit_url(endpoint)).content.decode()
    assert 'name="new_secret"' in html and 'name="drop_old_secret"' in html
    add = admin_client.get(reverse("wagtail_newsfeed_webhooks:add")).content.decode()
    assert 'name="new_secret"' not in add and 'name="drop_old_secret"' not in add


def described_by(html: str, name: str) -> list[str]:
    """The texts of the elements the checkbox ``name`` is described by (each id must exist)."""
    soup = BeautifulSoup(html, "html.parser")
    box = soup.find("input", attrs={"name": name})
    ids = box["aria-describedby"].split()
    described = [soup.find(id=describer) for describer in ids]
    assert None not in described, (name, ids)
    return [element.get_text(" ", strip=True) for element in described]


def label_of(html: str, name: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    box = soup.find("input", attrs={"name": name})
    return soup.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)


def test_the_secret_checkboxes_have_their_labels_and_help(admin_client, make_endpoint):
    endpoint = make_endpoint("https://8.8.8.8/hooks", [WebhookEvent.ARTICLE_PUBLISHED])
    html = admin_client.get(edit_url(endpoint)).content.decode()
    assert label_of(html, "new_secret") == "Make a new secret"
    assert label_of(html, "drop_old_secret") == "Stop using the old secret at once"
    assert any("shown once" in text for text in described_by(html, "new_secret"))
    assert any("may have leaked" in text for text in described_by(html, "drop_old_secret"))


def test_after_a_new_secret_deliveries_verify_with_the_old_and_the_new_one(
    admin_client, receiver, make_endpoint, committed
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    old = endpoint.secret

    response = admin_client.post(edit_url(endpoint), form(endpoint, new_secret="on"))

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    edit = admin_client.get(edit_url(endpoint)).content.decode()
    assert old not in edit and endpoint.secret not in edit  # shown once, on its own screen
    expected_until = timezone.now() + timedelta(hours=24)
    assert abs(endpoint.previous_secret_until - expected_until) < timedelta(minutes=1)
    request = delivered(receiver, committed)
    assert len(request.headers["webhook-signature"].split()) == 2
    assert verifies(endpoint.secret, request) and verifies(old, request)
    assert not verifies(generate_secret(), request)


def test_dropping_the_old_secret_signs_with_the_new_one_only(
    admin_client, receiver, make_endpoint, committed
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    old = endpoint.secret

    admin_client.post(edit_url(endpoint), form(endpoint, new_secret="on", drop_old_secret="on"))

    endpoint.refresh_from_db()
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)
    request = delivered(receiver, committed)
    assert verifies(endpoint.secret, request) and not verifies(old, request)


def test_the_old_secret_stops_signing_when_its_time_is_up(receiver, make_endpoint, committed):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED])
    old = endpoint.secret
    endpoint.rotate_secret(keep_old_for=timedelta(hours=1))
    endpoint.save()
    assert endpoint.signing_secrets() == [endpoint.secret, old]
    assert endpoint.signing_secrets(timezone.now() + timedelta(hours=2)) == [endpoint.secret]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_until=timezone.now() - timedelta(seconds=1)
    )

    request = delivered(receiver, committed)

    assert request.headers["webhook-signature"].count("v1,") == 1
    endpoint.refresh_from_db()
    assert verifies(endpoint.secret, request) and not verifies(old, request)
    # The log's pruning, which ran with the publish, forgot the secret that signs nothing more.
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)


def test_pruning_keeps_an_old_secret_until_its_overlap_ends(make_endpoint):
    from wagtail_newsfeed.webhooks.deliveries import prune_log

    endpoint = make_endpoint("https://8.8.8.8/hooks")
    old = endpoint.secret
    endpoint.rotate_secret(keep_old_for=timedelta(hours=1))
    endpoint.save()

    prune_log()
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == old

    prune_log(timezone.now() + timedelta(hours=1, seconds=1))
    endpoint.refresh_from_db()
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)


def test_a_second_new_secret_keeps_only_the_one_it_replaces(make_endpoint):
    endpoint = make_endpoint("https://8.8.8.8/hooks")
    first = endpoint.secret
    endpoint.rotate_secret(keep_old_for=timedelta(hours=24))
    second = endpoint.secret
    endpoint.rotate_secret(keep_old_for=timedelta(hours=24))
    assert endpoint.signing_secrets() == [endpoint.secret, second]
    assert first not in endpoint.signing_secrets()


def test_dropping_the_old_secret_without_a_new_one_is_a_form_error(admin_client, make_endpoint):
    endpoint = make_endpoint("https://8.8.8.8/hooks", [WebhookEvent.ARTICLE_PUBLISHED])
    with nothing_saved():
        response = admin_client.post(edit_url(endpoint), form(endpoint, drop_old_secret="on"))
    assert response.status_code == 200
    assert "Make a new secret" in str(response.context["form"].errors["drop_old_secret"])
    # Shown beside the checkbox, which names it as its description.
    html = response.content.decode()
    assert any(
        "the old one is only dropped for a new one" in text
        for text in described_by(html, "drop_old_secret")
    )
    assert label_of(html, "drop_old_secret") == "Stop using the old secret at once"


def test_with_no_overlap_the_old_secret_stops_at_once(
    admin_client, make_endpoint, webhook_settings
):
    webhook_settings(WEBHOOK_SECRET_OVERLAP_HOURS=0)
    endpoint = make_endpoint("https://8.8.8.8/hooks", [WebhookEvent.ARTICLE_PUBLISHED])
    assert 'name="drop_old_secret"' not in admin_client.get(edit_url(endpoint)).content.decode()

    admin_client.post(edit_url(endpoint), form(endpoint, new_secret="on"))

    endpoint.refresh_from_db()
    assert endpoint.previous_secret == "" and len(endpoint.signing_secrets()) == 1


@pytest.mark.parametrize("value", [-1, 24 * 365 + 1, 10**30, "24", 1.5, True])
def test_a_bad_overlap_setting_is_a_system_check_error(webhook_settings, value):
    webhook_settings(WEBHOOK_SECRET_OVERLAP_HOURS=value)
    with pytest.raises(SystemCheckError, match="WEBHOOK_SECRET_OVERLAP_HOURS"):
        call_command("check")
