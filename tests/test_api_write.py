"""Writing live entries over HTTP: tokens, Wagtail page permissions, block validation, throttling,
and the delta sync that reports each write."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from tests import factories
from tests.checks import api_client_for, assert_problem, entries_url, entry_url, nothing_saved
from wagtail_newsfeed.models import LiveEntry


@pytest.fixture
def writer(editor):
    return api_client_for(editor)


BODY = [{"type": "paragraph", "value": "<p>Turnout is <b>high</b>.</p>"}]


def refused(send, status: int, word: str) -> dict:
    """Sends a write that must fail: ``status`` as a problem naming ``word``, nothing saved."""
    with nothing_saved():
        response = send()
    return assert_problem(response, status, word)


def test_create_edit_delete_and_delta_sync_sees_each(writer, feed):
    cursor = APIClient().get(entries_url(feed)).json()["cursor"]

    created = writer.post(
        entries_url(feed), {"headline": "Turnout", "body": BODY, "is_key_event": True}, "json"
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["headline"] == "Turnout"
    assert data["is_key_event"] is True
    assert data["status"] == "published"
    assert data["body"][0]["value"] == "<p>Turnout is <b>high</b>.</p>"
    assert created["Location"].endswith(entry_url(feed, data["id"]))
    assert created["Cache-Control"] == "no-store"

    edited = writer.patch(entry_url(feed, data["id"]), {"headline": "Turnout record"}, "json")
    assert edited.status_code == 200
    assert edited.json()["headline"] == "Turnout record"
    assert edited.json()["body"] == data["body"]  # untouched fields stay

    delta = APIClient().get(entries_url(feed), {"since": cursor}).json()
    assert [(r["id"], r["headline"]) for r in delta["results"]] == [(data["id"], "Turnout record")]

    deleted = writer.delete(entry_url(feed, data["id"]))
    assert deleted.status_code == 204
    assert LiveEntry.objects.get(pk=data["id"]).deleted_at is not None
    delta = APIClient().get(entries_url(feed), {"since": delta["cursor"]}).json()
    assert delta["results"] == [{"id": data["id"], "deleted": True}]
    refused(lambda: writer.delete(entry_url(feed, data["id"])), 404, "not found")


def test_authors_by_slug(writer, feed):
    factories.make_author("Dee", slug="dee")
    data = writer.post(entries_url(feed), {"body": BODY, "authors": ["dee"]}, "json").json()
    assert [a["slug"] for a in data["authors"]] == ["dee"]
    edited = writer.patch(entry_url(feed, data["id"]), {"authors": []}, "json").json()
    assert edited["authors"] == []
    problem = refused(
        lambda: writer.post(entries_url(feed), {"body": BODY, "authors": ["nobody"]}, "json"),
        400,
        "authors",
    )
    assert "authors" in problem["errors"]


def test_drafts_are_not_shown_to_readers(writer, feed):
    response = writer.post(entries_url(feed), {"body": BODY, "status": "draft"}, "json")
    assert response.status_code == 201
    assert APIClient().get(entries_url(feed)).json()["results"] == []


def test_invalid_blocks_are_400_with_block_errors(writer, feed):
    bad = [
        {"type": "paragraph", "value": "<p>fine</p>"},
        {"type": "heading", "value": {"text": "", "level": "h2"}},
    ]
    problem = refused(lambda: writer.post(entries_url(feed), {"body": bad}, "json"), 400, "body")
    assert "body" in problem["errors"]
    assert any("body[1]" in message for message in problem["errors"]["body"])
    assert "1" in problem["block_errors"]["blockErrors"]
    assert LiveEntry.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        [],
        "not a list",
        [{"type": "no_such_block", "value": "x"}],
        [{"value": "missing type"}],
        [{"type": "image", "value": {"image": 999999}}],
    ],
)
def test_other_bad_bodies_are_400_naming_body(writer, feed, body):
    problem = refused(lambda: writer.post(entries_url(feed), {"body": body}, "json"), 400, "body")
    assert "body" in problem["errors"]


def test_other_bad_fields_are_400(writer, feed):
    problem = refused(
        lambda: writer.post(entries_url(feed), {"body": BODY, "status": "shouting"}, "json"),
        400,
        "status",
    )
    assert "status" in problem["errors"]


def test_rich_text_from_clients_is_sanitised(writer, feed):
    body = [
        {
            "type": "paragraph",
            "value": "<p>Hi<script>alert(1)</script> "
            '<a href="https://x.example" onclick="evil()">x</a></p>',
        }
    ]
    data = writer.post(entries_url(feed), {"body": body}, "json").json()
    html = data["body"][0]["value"]
    assert "<script" not in html and "onclick" not in html
    assert 'href="https://x.example"' in html


def test_internal_links_written_in_stored_form_are_kept_and_resolved(writer, feed, news_index):
    article = factories.make_article(news_index, "Linked")
    body = [{"type": "paragraph", "value": f'<p><a linktype="page" id="{article.pk}">it</a></p>'}]
    data = writer.post(entries_url(feed), {"body": body}, "json").json()
    assert data["body"][0]["value"] == f'<p><a href="{article.url}">it</a></p>'
    stored = LiveEntry.objects.get(pk=data["id"]).body.raw_data[0]["value"]
    assert f'id="{article.pk}"' in stored and 'linktype="page"' in stored


def test_no_credentials_is_401(feed):
    with nothing_saved():
        response = APIClient().post(entries_url(feed), {"body": BODY}, "json")
    assert_problem(response, 401, "credentials")
    assert response["WWW-Authenticate"]


def test_bad_token_is_401(feed):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refused(lambda: client.post(entries_url(feed), {"body": BODY}, "json"), 401, "token")


def test_user_without_permission_on_this_feed_is_403(feed, news_index, superuser):
    other_feed = factories.make_feed(news_index)
    outsider = factories.make_user(groups=[factories.feed_group(other_feed, publish=True)])
    entry = factories.make_entry(feed, superuser)
    client = api_client_for(outsider)

    refused(lambda: client.post(entries_url(feed), {"body": BODY}, "json"), 403, "permission")
    refused(
        lambda: client.patch(entry_url(feed, entry.pk), {"headline": "x"}, "json"),
        403,
        "permission",
    )
    refused(lambda: client.delete(entry_url(feed, entry.pk)), 403, "permission")
    assert client.post(entries_url(other_feed), {"body": BODY}, "json").status_code == 201


def test_editor_who_may_not_publish_gets_403_publishing_but_may_save_drafts(feed):
    drafter = factories.make_user(groups=[factories.feed_group(feed, publish=False)])
    client = api_client_for(drafter)
    refused(lambda: client.post(entries_url(feed), {"body": BODY}, "json"), 403, "publish")
    assert (
        client.post(entries_url(feed), {"body": BODY, "status": "draft"}, "json").status_code == 201
    )


def test_stale_version_is_409(writer, feed, editor):
    entry = factories.make_entry(feed, editor)
    stale = entry.version
    factories.entry_rules.update_entry(entry, editor, headline="Newer")
    refused(
        lambda: writer.patch(
            entry_url(feed, entry.pk), {"headline": "Older"}, "json", HTTP_IF_MATCH=str(stale)
        ),
        409,
        "changed",
    )
    assert LiveEntry.objects.get(pk=entry.pk).headline == "Newer"


def test_writes_are_throttled_per_user(writer, feed, editor, settings):
    settings.WAGTAIL_NEWSFEED = {"API_WRITE_THROTTLE_RATE": "2/min"}
    for _ in range(2):
        assert writer.post(entries_url(feed), {"body": BODY}, "json").status_code == 201
    with nothing_saved():
        response = writer.post(entries_url(feed), {"body": BODY}, "json")
    assert_problem(response, 429, "throttled")
    assert response["Retry-After"]
    # Reads are never throttled, and another user has their own budget.
    assert writer.get(entries_url(feed)).status_code == 200
    other = factories.make_user(groups=[factories.feed_group(feed, publish=True)])
    assert api_client_for(other).post(entries_url(feed), {"body": BODY}, "json").status_code == 201


def test_session_auth_needs_csrf(feed, editor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    refused(lambda: client.post(entries_url(feed), {"body": BODY}, format="json"), 403, "CSRF")


def test_session_auth_with_csrf_token_works(feed, editor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get("/admin/")  # sets the CSRF cookie, as any admin page does
    token = client.cookies["csrftoken"].value
    response = client.post(entries_url(feed), {"body": BODY}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_wagtail_api_token_if_available(feed, editor):
    APIToken = pytest.importorskip("wagtail.models").__dict__.get("APIToken")
    if APIToken is None:
        pytest.skip("Wagtail without APIToken")
    _token, plaintext = APIToken.create_token(user=editor, name="newsroom bot")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.post(entries_url(feed), {"body": BODY}, "json").status_code == 201
    _token.revoke()
    refused(lambda: client.post(entries_url(feed), {"body": BODY}, "json"), 401, "token")


def test_a_wagtail_api_token_records_its_last_use_at_most_once_a_minute(feed, editor, settings):
    APIToken = pytest.importorskip("wagtail.models").__dict__.get("APIToken")
    if APIToken is None:
        pytest.skip("Wagtail without APIToken")
    token, plaintext = APIToken.create_token(user=editor, name="newsroom bot")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.post(entries_url(feed), {"body": BODY}, "json").status_code == 201
    first_use = APIToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    assert client.post(entries_url(feed), {"body": BODY}, "json").status_code == 201
    assert APIToken.objects.get(pk=token.pk).last_used_at == first_use  # within the minute
    settings.WAGTAILAPI_TOKEN_LAST_USED_INTERVAL = 0
    assert client.post(entries_url(feed), {"body": BODY}, "json").status_code == 201
    assert APIToken.objects.get(pk=token.pk).last_used_at > first_use


def test_writing_to_a_hidden_feed_is_404_for_outsiders(news_index, superuser):
    draft_feed = factories.make_feed(news_index, publish=False)
    outsider = factories.make_user()
    outsider_client = api_client_for(outsider)
    refused(
        lambda: outsider_client.post(entries_url(draft_feed), {"body": BODY}, "json"),
        404,
        "not found",
    )
    # ... while its editors may prepare entries before it goes live
    assert (
        api_client_for(superuser).post(entries_url(draft_feed), {"body": BODY}, "json").status_code
        == 201
    )


#: Credentials no token or session could have, with characters PostgreSQL refuses in a query.
BAD_AUTHORIZATION = [
    "Token a\x00b",
    "Token " + "\x00" * 40,
    "Bearer a\x00b",
    "Bearer wagtail_\x00" + "0" * 40,
]
BAD_SESSION_COOKIES = ["abcdefgh\x00ijkl", "\x00" * 32, "ABCDEFGH\x01ijklmnop"]


def send_write(client, feed, entry, method):
    if method == "post":
        return client.post(entries_url(feed), {"body": BODY}, "json")
    if method == "patch":
        return client.patch(entry_url(feed, entry.pk), {"headline": "Changed"}, "json")
    return client.delete(entry_url(feed, entry.pk))


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
@pytest.mark.parametrize("authorization", BAD_AUTHORIZATION, ids=repr)
def test_a_nul_in_a_token_is_a_401_problem_and_saves_nothing(feed, editor, method, authorization):
    entry = factories.make_entry(feed, editor)
    client = APIClient(raise_request_exception=True)
    client.credentials(HTTP_AUTHORIZATION=authorization)
    body = refused(lambda: send_write(client, feed, entry, method), 401, "")
    assert body["status"] == 401
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
@pytest.mark.parametrize("cookie", BAD_SESSION_COOKIES, ids=repr)
def test_a_session_cookie_no_session_could_have_is_no_session(feed, editor, method, cookie):
    """With Django's own database sessions (the API cannot know the site's engine): a key with
    a character Django never puts in one is not looked up, and the write is a 401."""
    entry = factories.make_entry(feed, editor)
    client = APIClient(raise_request_exception=True)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    response = refused(lambda: send_write(client, feed, entry, method), 401, "")
    assert response["status"] == 401
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None
