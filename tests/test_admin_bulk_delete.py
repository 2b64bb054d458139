"""The Newsroom's bulk delete confirmation: it deletes the entries as it showed them (an entry
changed since is named and kept), and its "No, don't delete" link goes only where the list's
redirect may go."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

BULK = "wagtail_newsfeed_liveentry_modeladmin_bulk"


def index_url() -> str:
    return reverse("wagtail_newsfeed_liveentry_modeladmin_index")


def ask(client, entries, **extra):
    """The list's "Delete" with ``entries`` checked: the confirmation page."""
    data = {"action": "delete", "id": [str(e.pk) for e in entries], **extra}
    return client.post(reverse(BULK), data)


def confirmation_fields(html: str) -> dict[str, list[str]]:
    """The confirmation form's fields as the browser posts them (its hidden inputs)."""
    form = html.split(f'action="{reverse(BULK)}"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(unescape(value))
    return fields


def cancel_link(html: str) -> str:
    return unescape(
        re.search(r'<a href="([^"]*)"[^>]*>No, don(?:\'|&#x27;)t delete', html).group(1)
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def deleted(entries) -> set[str]:
    pks = [e.pk for e in entries]
    gone = LiveEntry.objects.filter(pk__in=pks, deleted_at__isnull=False)
    return set(gone.values_list("headline", flat=True))


def test_an_entry_changed_since_the_confirmation_is_named_and_not_deleted(admin_client, feed):
    kept = factories.make_entry(feed, headline="Old figures")
    doomed = factories.make_entry(feed, headline="Wrong")
    page = ask(admin_client, [kept, doomed])
    assert page.status_code == 200
    fields = confirmation_fields(page.text)
    entry_rules.update_entry(kept, kept.created_by, headline="Corrected figures")

    response = admin_client.post(reverse(BULK), fields)

    assert response.status_code == 302 and response["Location"] == index_url()
    assert deleted([kept, doomed]) == {"Wrong"}
    shown = messages_of(response)
    assert any("1 entry deleted." in m for m in shown), shown
    assert any(
        "changed since you were asked to confirm" in m and "Corrected figures" in m for m in shown
    ), shown


def test_the_confirmation_sends_the_version_of_each_entry_it_shows(admin_client, feed):
    entries = [factories.make_entry(feed, headline=f"Wrong {n}") for n in range(2)]

    fields = confirmation_fields(ask(admin_client, entries).text)

    assert sorted(fields["seen"]) == sorted(f"{e.pk}:{e.version}" for e in entries)
    response = admin_client.post(reverse(BULK), fields)
    assert response.status_code == 302
    assert deleted(entries) == {"Wrong 0", "Wrong 1"}


@pytest.mark.parametrize("seen", [None, ["x"], ["{pk}:abc"], ["{pk}:-1"], ["{pk}:{wrong}"]])
def test_a_confirmed_delete_without_the_version_shown_deletes_nothing(admin_client, feed, seen):
    """E.g. a confirmation page opened before it carried versions: what it showed is unknown."""
    entry = factories.make_entry(feed, headline="Stays")
    data = {"action": "delete", "confirm": "yes", "id": [str(entry.pk)]}
    if seen is not None:
        data["seen"] = [s.format(pk=entry.pk, wrong=entry.version + 1) for s in seen]

    with nothing_saved():
        response = admin_client.post(reverse(BULK), data)

    assert response.status_code == 302
    shown = messages_of(response)
    assert any("were not deleted" in m and "Stays" in m for m in shown), shown
    assert not any("deleted." in m for m in shown)


@pytest.mark.parametrize(
    "next_url", ["javascript:alert(1)", "//evil.example/", "https://evil.example/", "JaVaScRiPt:x"]
)
def test_the_confirmations_cancel_link_never_leaves_the_admin(admin_client, feed, next_url):
    entry = factories.make_entry(feed, headline="Stays")

    page = ask(admin_client, [entry], next=next_url)

    assert page.status_code == 200
    assert cancel_link(page.text) == index_url()
    assert confirmation_fields(page.text)["next"] == [index_url()]
    assert "evil.example" not in page.text and "alert(1)" not in page.text.lower()


def test_the_confirmations_cancel_link_keeps_an_admin_address(admin_client, feed):
    entry = factories.make_entry(feed, headline="Stays")

    page = ask(admin_client, [entry], next="/admin/newsfeed/?q=x&p=2")

    assert cancel_link(page.text) == "/admin/newsfeed/?q=x&p=2"
    assert confirmation_fields(page.text)["next"] == ["/admin/newsfeed/?q=x&p=2"]
