"""The Newsroom menu's webhook screens: endpoints with a secret shown once, the delivery log, and
Django model permissions deciding who sees them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from standardwebhooks.webhooks import Webhook

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

INDEX = "wagtail_newsfeed_webhooks:index"
ADD = "wagtail_newsfeed_webhooks:add"
LOG = "wagtail_newsfeed_webhook_deliveries:index"


def _form(url: str, **extra) -> dict:
    return {
        "name": "Next.js",
        "url": url,
        "events": [WebhookEvent.ARTICLE_PUBLISHED, WebhookEvent.ENTRY_CREATED],
        "is_active": "on",
        **extra,
    }


def test_creating_an_endpoint_shows_its_secret_once(admin_client, receiver):
    response = admin_client.post(reverse(ADD), _form(receiver.url))
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    secret_page = admin_client.get(response["Location"])
    shown = re.search(r"whsec_[A-Za-z0-9+/=]+", secret_page.content.decode()).group(0)
    assert shown == endpoint.secret
    Webhook(shown)  # the reference library accepts it as a key
    assert endpoint.events == ["article.published", "entry.created"]
    again = admin_client.get(response["Location"])
    assert again.status_code == 302 and endpoint.secret not in again.content.decode()
    edit = admin_client.get(reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk]))
    assert endpoint.secret not in edit.content.decode()


def test_asking_for_a_new_secret_replaces_it_and_shows_it_once(
    admin_client, receiver, make_endpoint
):
    endpoint = make_endpoint(receiver.url)
    old = endpoint.secret
    response = admin_client.post(
        reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk]),
        _form(receiver.url, new_secret="on"),
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    assert endpoint.secret in admin_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("http://169.254.169.254/latest/", [WebhookEvent.ARTICLE_PUBLISHED], "url"),
        ("javascript:alert(1)", [WebhookEvent.ARTICLE_PUBLISHED], "url"),
        ("http://x\x00y.com/", [WebhookEvent.ARTICLE_PUBLISHED], "url"),
        ("http://" + "a" * 600 + ".com/", [WebhookEvent.ARTICLE_PUBLISHED], "url"),
        ("https://8.8.8.8/", ["not.an.event"], "events"),
        ("https://8.8.8.8/", [], "events"),
    ],
)
def test_bad_input_is_a_form_error_naming_the_field(
    admin_client, webhook_settings, url, events, field
):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])
    with nothing_saved():
        response = admin_client.post(reverse(ADD), {**_form(url), "events": events})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="Next.js"' in response.content.decode()  # the rest of the input is kept
    assert not WebhookEndpoint.objects.exists()


def test_the_list_and_the_delivery_log_show_outcomes(
    admin_client, receiver, make_endpoint, committed, django_assert_max_num_queries
):
    endpoint = make_endpoint(receiver.url, [WebhookEvent.ARTICLE_PUBLISHED], name="Vercel")
    receiver.statuses = [200, 500]  # the third then waits for the second's retry
    index = factories.make_index()
    with committed():
        for _ in range(3):
            factories.make_article(index)
    listing = admin_client.get(reverse(INDEX))
    assert "Vercel" in listing.content.decode() and endpoint.secret not in listing.content.decode()
    with django_assert_max_num_queries(20):
        log = admin_client.get(reverse(LOG))
    html = log.content.decode()
    assert html.count("article.published") >= 3
    assert "HTTP 500" in html and "receiver broke" in html
    delivery = WebhookDelivery.objects.filter(status="succeeded").first()
    inspect = admin_client.get(
        reverse("wagtail_newsfeed_webhook_deliveries:inspect", args=[delivery.pk])
    )
    assert inspect.status_code == 200 and delivery.message_id in inspect.content.decode()


def test_nobody_adds_or_edits_a_delivery(admin_client, receiver, make_endpoint):
    for send in (admin_client.get, admin_client.post):
        with nothing_saved():
            response = send("/admin/newsfeed/webhook-deliveries/new/")
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not WebhookDelivery.objects.exists()


def _staff_user(*codenames: str):
    group = Group.objects.create(name=f"g-{'-'.join(codenames) or 'none'}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(Permission.objects.get(codename=codename))
    return factories.make_user(groups=[group])


def test_an_editor_without_webhook_permissions_sees_nothing(client, db, make_endpoint):
    endpoint = make_endpoint("https://8.8.8.8/")
    client.force_login(_staff_user())
    for url in (
        reverse(INDEX),
        reverse(ADD),
        reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk]),
        reverse("wagtail_newsfeed_webhooks:secret", args=[endpoint.pk]),
        reverse(LOG),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), url
        assert endpoint.secret not in response.content.decode()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Webhook" not in menu


def test_view_permission_shows_the_log_but_not_the_endpoints_forms(client, db, make_endpoint):
    endpoint = make_endpoint("https://8.8.8.8/")
    client.force_login(_staff_user("view_webhookdelivery", "view_webhookendpoint"))
    assert client.get(reverse(LOG)).status_code == 200
    assert client.get(reverse(INDEX)).status_code == 200
    home = reverse("wagtailadmin_home")
    for url in (reverse(ADD), reverse("wagtail_newsfeed_webhooks:edit", args=[endpoint.pk])):
        shown = client.get(url)
        assert shown.status_code == 302 and shown.url == home
        with nothing_saved():
            posted = client.post(url, _form("https://8.8.4.4/", name="Changed"))
        assert posted.status_code == 302 and posted.url == home


def test_the_webhook_screens_are_in_the_newsroom_menu(admin_client):
    home = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(INDEX) in home and reverse(LOG) in home


@pytest.mark.parametrize("bad_id", ["abc", "99999999999999999999999", "1%00", "-1"])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/newsfeed/webhooks/edit/{}/",
        "/admin/newsfeed/webhooks/delete/{}/",
        "/admin/newsfeed/webhooks/{}/secret/",
        "/admin/newsfeed/webhook-deliveries/inspect/{}/",
        "/admin/newsfeed/webhook-deliveries/delete/{}/",
    ],
)
def test_a_hostile_id_is_a_404_not_a_500(admin_client, path, bad_id):
    assert admin_client.get(path.format(bad_id)).status_code == 404
    with nothing_saved():
        assert admin_client.post(path.format(bad_id)).status_code == 404


def test_a_hostile_listing_query_shows_the_listing(admin_client, make_endpoint):
    make_endpoint("https://8.8.8.8/")
    for query in ("?status=nope", "?event_type=%00", "?ordering=secret", "?q=%00", "?p=999999"):
        assert admin_client.get(reverse(LOG) + query).status_code == 200, query
        assert admin_client.get(reverse(INDEX) + query).status_code == 200, query
