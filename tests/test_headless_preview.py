"""Draft preview in a headless frontend: the admin's "headless" preview mode, its signed tokens,
and ``GET /api/newsfeed/v1/preview/`` (wagtail_newsfeed.preview, api/preview.py)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Revision, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import assert_problem, nothing_saved
from tests.page_forms import article_data
from wagtail_newsfeed import preview
from wagtail_newsfeed.checks import settings as setting_checks
from wagtail_newsfeed.models import HeadlessPreview, NewsArticlePage

PREVIEW_API = "/api/newsfeed/v1/preview/"
FRONTEND = "https://front.example/api/preview"


@pytest.fixture
def frontend(settings):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "HEADLESS_PREVIEW_URL": FRONTEND}
    return FRONTEND


def preview_url(page) -> str:
    return reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])


def headless_preview(client, page, data: dict | None = None) -> tuple[str, dict[str, list[str]]]:
    """Drive the admin's preview like the preview panel does (post the form, then load the
    preview in "headless" mode); the frontend URL it frames, and that URL's query."""
    if data is None:
        data = edited_article(page) if isinstance(page, NewsArticlePage) else feed_data(page)
    posted = client.post(preview_url(page), data)
    assert posted.json()["is_valid"], posted.content
    response = client.get(preview_url(page), {"mode": "headless", "in_preview_panel": "true"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    found = re.search(r'<iframe src="([^"]+)"', response.content.decode())
    assert found, response.content.decode()
    url = html.unescape(found.group(1))
    return url, parse_qs(urlsplit(url).query)


def token_for(client, page, data: dict | None = None) -> str:
    return headless_preview(client, page, data)[1]["token"][0]


def fetch(token: str, **params):
    return APIClient().get(PREVIEW_API, {"token": token, **params})


def fetch_refused(token: str, status: int, word: str, **params) -> dict:
    """A preview read that must fail: ``status`` as a problem naming ``word``; nothing written."""
    with nothing_saved():
        response = fetch(token, **params)
    return assert_problem(response, status, word)


def edited_article(page, **overrides) -> dict:
    return article_data(**{"slug": page.slug, "title": page.title, **overrides})


def feed_data(feed, **overrides) -> dict:
    """What the live feed editor posts."""
    data = {
        "title": feed.title,
        "slug": feed.slug,
        "summary": rich_text("<p>Key points so far.</p>"),
        "coverage_status": "live",
        "coverage_start": "",
        "coverage_end": "",
        "entry_order": "newest_first",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


# The preview mode in the admin ----------------------------------------------------------------


def test_no_headless_mode_without_a_frontend_url(news_index):
    article = factories.make_article(news_index)
    assert [mode for mode, _ in article.preview_modes] == [""]


def test_saved_articles_and_feeds_offer_the_headless_mode(news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    feed = factories.make_feed(news_index)
    assert [mode for mode, _ in article.preview_modes] == ["", "headless"]
    assert [mode for mode, _ in feed.preview_modes] == ["", "headless"]
    assert article.default_preview_mode == ""  # the site's own preview stays the default


def test_unsaved_page_has_no_headless_mode(news_index, frontend):
    assert [mode for mode, _ in NewsArticlePage(title="New").preview_modes] == [""]


def test_admin_preview_frames_the_frontend_with_token_and_content_type(
    admin_client, news_index, frontend
):
    article = factories.make_article(news_index, publish=False)
    url, query = headless_preview(admin_client, article)
    assert url.startswith(FRONTEND + "?")
    assert query["content_type"] == ["wagtail_newsfeed.newsarticlepage"]
    assert len(query["token"]) == 1


def test_frontend_url_keeps_its_own_query(news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"HEADLESS_PREVIEW_URL": "https://f.example/p?secret=1&token=x"}
    url = preview.frontend_url(preview.preview_base_url(news_index), "T", "ct")
    assert parse_qs(urlsplit(url).query) == {
        "secret": ["1"],
        "token": ["T"],
        "content_type": ["ct"],
    }


def test_per_site_frontends_by_hostname_then_id_then_default(admin_client, news_index, settings):
    default_site = Site.objects.get(is_default_site=True)
    other_root = factories.make_index(title="Sport", slug="sport-root")
    other = Site.objects.create(hostname="sport.example", port=80, root_page=other_root)
    sport_article = factories.make_article(other_root, publish=False)
    news_article = factories.make_article(news_index, publish=False)

    settings.WAGTAIL_NEWSFEED = {
        "HEADLESS_PREVIEW_URL": {
            "sport.example": "https://sport.example/preview",
            default_site.pk: "https://news.example/preview",
            "default": "https://fallback.example/preview",
        }
    }
    assert headless_preview(admin_client, sport_article)[0].startswith(
        "https://sport.example/preview?"
    )
    assert headless_preview(admin_client, news_article)[0].startswith(
        "https://news.example/preview?"
    )

    settings.WAGTAIL_NEWSFEED = {"HEADLESS_PREVIEW_URL": {"default": "https://fb.example/p"}}
    assert headless_preview(admin_client, sport_article)[0].startswith("https://fb.example/p?")

    settings.WAGTAIL_NEWSFEED = {"HEADLESS_PREVIEW_URL": {str(other.pk): "https://s.example/p"}}
    assert [mode for mode, _ in sport_article.preview_modes] == ["", "headless"]
    assert [mode for mode, _ in news_article.preview_modes] == [""]  # no entry, no default


# Tokens and the API ---------------------------------------------------------------------------


def test_preview_of_a_never_published_article_has_the_article_detail_shape(
    admin_client, news_index, frontend
):
    published = factories.make_article(news_index)
    draft = factories.make_article(news_index, publish=False, title="Embargoed story")
    assert APIClient().get(f"/api/newsfeed/v1/articles/{draft.pk}/").status_code == 404

    response = fetch(
        token_for(admin_client, draft), content_type="wagtail_newsfeed.newsarticlepage"
    )
    assert response.status_code == 200, response.content
    shown = response.json()
    reference = APIClient().get(f"/api/newsfeed/v1/articles/{published.pk}/").json()
    assert set(shown) == set(reference)
    assert shown["id"] == draft.pk and shown["title"] == "Embargoed story"
    assert shown["first_published_at"] is None
    assert shown["body"][0]["type"] == "paragraph"


def test_preview_shows_unsaved_edits_without_saving_anything(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False, title="Saved title")
    revisions = Revision.objects.count()
    topic = factories.make_topic("Climate")
    data = edited_article(article, title="Unsaved title")
    data["topics"] = [str(topic.pk)]
    response = fetch(token_for(admin_client, article, data))
    shown = response.json()
    assert shown["title"] == "Unsaved title"
    assert [t["name"] for t in shown["topics"]] == ["Climate"]
    assert shown["tags"] == ["climate", "diplomacy"]
    assert [block["type"] for block in shown["body"]] == ["paragraph", "quote", "heading"]
    article.refresh_from_db()
    assert article.title == "Saved title" and Revision.objects.count() == revisions


def test_a_token_keeps_showing_the_state_it_was_made_for(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    first = token_for(admin_client, article, edited_article(article, title="First draft"))
    second = token_for(admin_client, article, edited_article(article, title="Second draft"))
    assert fetch(first).json()["title"] == "First draft"
    assert fetch(second).json()["title"] == "Second draft"


def test_feed_preview_has_the_feed_detail_shape(admin_client, news_index, frontend, superuser):
    feed = factories.make_feed(news_index, publish=False, title="Draft feed")
    pinned = factories.make_entry(feed, superuser, is_pinned=True)
    published_feed = factories.make_feed(news_index)
    token = token_for(admin_client, feed)
    response = fetch(token, content_type="wagtail_newsfeed.livefeedpage")
    assert response.status_code == 200, response.content
    shown = response.json()
    reference = APIClient().get(f"/api/newsfeed/v1/feeds/{published_feed.pk}/").json()
    assert set(shown) == set(reference)
    assert shown["title"] == "Draft feed" and shown["pinned"]["id"] == pinned.pk


def test_preview_is_no_store_and_never_from_a_cache(admin_client, news_index, frontend, settings):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "API_CACHE_MAX_AGE": 600}
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    response = fetch(token)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")
    assert response["X-Robots-Tag"] == "noindex"
    # Drop the snapshot: an answer kept anywhere would still be served.
    key = signing.loads(token, salt=preview.TOKEN_SALT)["s"]
    assert HeadlessPreview.objects.filter(key=key).delete()[0] == 1
    gone = fetch(token)
    assert_problem(gone, 410, "expired")
    assert "no-store" in gone["Cache-Control"]  # nor is an error kept


class SignedEarlier(signing.TimestampSigner):
    """Signs as if ``seconds`` ago: a token as it was handed out that long before."""

    def __init__(self, seconds: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.seconds)


def aged(token: str, seconds: int) -> str:
    payload = signing.loads(token, salt=preview.TOKEN_SALT)
    signer = SignedEarlier(seconds, salt=preview.TOKEN_SALT)
    return signer.sign_object(payload, serializer=signing.JSONSerializer)


def test_expired_token_is_a_410_problem(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    assert fetch(aged(token, 590)).status_code == 200  # default max age: 600 s
    body = fetch_refused(aged(token, 610), 410, "expired")
    assert body["type"].endswith(":preview_expired")


def test_token_max_age_follows_the_setting(admin_client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {
        "HEADLESS_PREVIEW_URL": FRONTEND,
        "HEADLESS_PREVIEW_TOKEN_MAX_AGE": 60,
    }
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    assert fetch(aged(token, 50)).status_code == 200
    fetch_refused(aged(token, 70), 410, "expired")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
        lambda t: "x" + t,  # payload
        lambda t: t.split(":")[0],  # no signature
        lambda t: "not a token",
        lambda t: "\x00:\x00:\x00",
        lambda t: "é" * 50,
        lambda t: t * 10,  # far too long
    ],
)
def test_bad_or_tampered_tokens_are_403_problems(admin_client, news_index, frontend, mangle):
    article = factories.make_article(news_index, publish=False)
    body = fetch_refused(mangle(token_for(admin_client, article)), 403, "preview token")
    assert body["type"].endswith(":preview_token_invalid")


def test_missing_token_is_a_400_naming_it(db):
    with nothing_saved():
        response = APIClient().get(PREVIEW_API)
    body = assert_problem(response, 400, "token")
    assert "token" in body["errors"]


def test_tokens_signed_for_another_purpose_are_refused(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    payload = signing.loads(token_for(admin_client, article), salt=preview.TOKEN_SALT)
    fetch_refused(signing.dumps(payload), 403, "preview token")  # same key, default salt
    fetch_refused(signing.dumps(payload, salt="other"), 403, "preview token")


def test_a_token_for_one_article_cannot_read_another(admin_client, news_index, frontend):
    secret = factories.make_article(news_index, publish=False, title="Secret draft")
    other = factories.make_article(news_index, publish=False, title="Other draft")
    payload = signing.loads(token_for(admin_client, other), salt=preview.TOKEN_SALT)
    # Even a validly signed token pairing one page's snapshot with another page is refused.
    forged = signing.dumps({**payload, "p": secret.pk}, salt=preview.TOKEN_SALT)
    body = fetch_refused(forged, 403, "preview token")
    assert "Secret draft" not in str(body)
    guessed = signing.dumps({**payload, "s": "guessed-key"}, salt=preview.TOKEN_SALT)
    fetch_refused(guessed, 410, "expired")  # no such snapshot, as if pruned


def test_wrong_content_type_is_a_400_naming_it(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    body = fetch_refused(token, 400, "content_type", content_type="wagtail_newsfeed.livefeedpage")
    assert "content_type" in body["errors"]
    fetch_refused(token, 400, "content_type", content_type="<script>")


def test_deleted_page_is_a_404_problem(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    article.delete()
    assert not HeadlessPreview.objects.exists()  # the snapshot went with the page
    fetch_refused(token, 404, "no longer exists")


def test_only_get_is_allowed(admin_client, news_index, frontend, superuser):
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    client = APIClient()
    client.force_authenticate(superuser)
    for method in (client.post, client.put, client.delete):
        with nothing_saved():
            response = method(f"{PREVIEW_API}?token={token}", {}, format="json")
        assert_problem(response, 405, method.__name__.upper())


def test_preview_endpoint_is_typed_in_the_schema(db):
    schema = APIClient().get("/api/newsfeed/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/newsfeed/v1/preview/"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert names["token"]["required"] is True and "content_type" in names
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/PreviewedPage"}
    one_of = schema["components"]["schemas"]["PreviewedPage"]["oneOf"]
    assert {"#/components/schemas/ArticleDetail", "#/components/schemas/FeedDetail"} == {
        item["$ref"] for item in one_of
    }
    assert {"400", "403", "404", "410"} <= set(operation["responses"])


def test_unsaved_body_edits_are_previewed_with_rich_text(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    data = edited_article(article)
    data.update(
        nested_form_data(
            {
                "body": streamfield(
                    [("paragraph", rich_text("<p>New <b>bold</b><script>x()</script></p>"))]
                ),
                "article_authors": inline_formset([]),
            }
        )
    )
    shown = fetch(token_for(admin_client, article, data)).json()
    assert "<b>bold</b>" in shown["body"][0]["value"]
    assert "<script" not in str(shown["body"])


# Snapshots in the database --------------------------------------------------------------------


def key_of(token: str) -> str:
    return signing.loads(token, salt=preview.TOKEN_SALT)["s"]


def test_snapshot_is_a_database_row_and_needs_no_cache(admin_client, news_index, frontend):
    """Django's default cache is per process: a snapshot kept there would be a 410 whenever the
    frontend's request reaches another worker. The row is all a reader needs."""
    article = factories.make_article(news_index, publish=False, title="Saved title")
    before = timezone.now()
    token = token_for(admin_client, article, edited_article(article, title="Unsaved title"))
    row = HeadlessPreview.objects.get()
    assert row.key == key_of(token) and len(row.key) >= 32
    assert row.page_id == article.pk
    assert row.content_type.model_class() is NewsArticlePage
    assert row.base_revision_id == article.latest_revision_id is not None
    assert row.content["title"] == "Unsaved title"
    assert row.user.username == "admin"
    assert (
        before + timedelta(seconds=599) < row.expires_at <= timezone.now() + timedelta(seconds=600)
    )

    for alias in django_settings.CACHES:
        caches[alias].clear()
    response = fetch(token)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Unsaved title"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SQLite test database is in memory, private to this process",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_snapshot_made_in_one_process_is_read_by_another(client, news_index, settings):
    """A real second Python process (own memory, own local-memory cache) reads the snapshot the
    admin's process wrote. It needs a database both processes can open: PostgreSQL here."""
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "HEADLESS_PREVIEW_URL": FRONTEND}
    client.force_login(factories.make_superuser("cross"))
    article = factories.make_article(news_index, publish=False)
    token = token_for(client, article, edited_article(article, title="Seen elsewhere"))
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    script = (
        "import django, sys; django.setup()\n"
        "from wagtail_newsfeed import preview\n"
        "print(preview.load_preview(sys.argv[1]).page.title)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join([str(root), str(root / "example_site")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, token],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Seen elsewhere"


def test_an_expired_snapshot_is_a_410_even_with_a_fresh_token(admin_client, news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    token = token_for(admin_client, article)
    HeadlessPreview.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    body = fetch_refused(token, 410, "expired")
    assert body["type"].endswith(":preview_expired")


def expired_rows(page, count: int) -> None:
    past = timezone.now() - timedelta(minutes=1)
    content = page.serializable_data()
    HeadlessPreview.objects.bulk_create(
        HeadlessPreview(
            key=f"old-{page.pk}-{i}",
            page=page,
            content_type=page.content_type,
            content=content,
            expires_at=past,
        )
        for i in range(count)
    )


def test_new_snapshots_prune_expired_ones(admin_client, news_index, frontend):
    """The page's own expired snapshots all go; of other pages', a bounded batch per new
    snapshot (so one preview never waits on a big delete); valid ones are never touched."""
    article = factories.make_article(news_index, publish=False)
    other = factories.make_article(news_index, publish=False)
    third = factories.make_article(news_index, publish=False)
    valid = token_for(admin_client, other)
    expired_rows(article, preview.PRUNE_BATCH + 50)
    expired_rows(third, preview.PRUNE_BATCH + 5)

    token_for(admin_client, article)
    assert HeadlessPreview.objects.filter(page=article).count() == 1  # the new one
    assert HeadlessPreview.objects.filter(page=third).count() == 5
    token_for(admin_client, article)
    assert HeadlessPreview.objects.filter(page=third).count() == 0
    assert HeadlessPreview.objects.filter(page=article).count() == 2
    assert fetch(valid).status_code == 200
    assert HeadlessPreview.objects.filter(page=other).count() == 1


def test_a_snapshot_over_the_size_cap_is_refused_and_nothing_stored(news_index, frontend):
    article = factories.make_article(news_index, publish=False)
    article.body = [("paragraph", rich_text_value("x" * preview.SNAPSHOT_MAX_BYTES))]
    with pytest.raises(preview.SnapshotTooLarge) as raised:
        preview.create_preview_token(article)
    assert raised.value.size > preview.SNAPSHOT_MAX_BYTES
    assert "too large" in str(raised.value)
    assert not HeadlessPreview.objects.exists()


def rich_text_value(text: str):
    from wagtail.rich_text import RichText

    return RichText(f"<p>{text}</p>")


def test_admin_shows_a_clear_error_for_a_snapshot_too_large(
    admin_client, news_index, frontend, monkeypatch
):
    """The cap is lowered to what an article the editor can post exceeds; the admin shows why
    rather than a 500, and no row is written."""
    monkeypatch.setattr(preview, "SNAPSHOT_MAX_BYTES", 2_000)
    article = factories.make_article(news_index, publish=False)
    data = edited_article(article)
    data.update(
        nested_form_data(
            {
                "body": streamfield([("paragraph", rich_text("<p>" + "word " * 1000 + "</p>"))]),
                "article_authors": inline_formset([]),
            }
        )
    )
    assert admin_client.post(preview_url(article), data).json()["is_valid"]
    response = admin_client.get(preview_url(article), {"mode": "headless"})
    assert response.status_code == 413
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "too large to preview" in text and "2000" in text and "<iframe" not in text
    assert not HeadlessPreview.objects.exists()


# System checks --------------------------------------------------------------------------------


def errors_for(settings, **values) -> list:
    settings.WAGTAIL_NEWSFEED = values
    return setting_checks.check_settings() + setting_checks.check_headless_preview_url()


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "https://front.example/api/preview",
        "http://localhost:3000/preview?x=1",
        "/headless/preview/",
        {"news.example": "https://n.example/p", 2: "/p/", "default": "https://d.example"},
    ],
)
def test_good_preview_urls_pass_the_checks(settings, value):
    assert errors_for(settings, HEADLESS_PREVIEW_URL=value) == []


@pytest.mark.parametrize(
    "value, named",
    [
        ("ftp://front.example/p", "'ftp://front.example/p'"),
        ("javascript:alert(1)", "'javascript:alert(1)'"),
        ("front.example/preview", "'front.example/preview'"),
        ("//front.example/p", "'//front.example/p'"),
        ("https://", "'https://'"),
        (" /p", "' /p'"),
        (42, "42"),
        (["https://front.example"], "['https://front.example']"),
        ({"default": None}, "None"),
        ({"default": "https://ok.example", 2: "mailto:x@y"}, "'mailto:x@y'"),
    ],
)
def test_bad_preview_urls_are_errors_naming_the_value(settings, value, named):
    errors = errors_for(settings, HEADLESS_PREVIEW_URL=value)
    assert [e.id for e in errors] == ["wagtail_newsfeed.E010"]
    assert named in errors[0].msg and "HEADLESS_PREVIEW_URL" in errors[0].msg


@pytest.mark.parametrize("value", [0, -5, "600", 1.5, True, None])
def test_token_max_age_must_be_a_positive_integer(settings, value):
    errors = errors_for(settings, HEADLESS_PREVIEW_TOKEN_MAX_AGE=value)
    assert [e.id for e in errors] == ["wagtail_newsfeed.E003"]
    assert "HEADLESS_PREVIEW_TOKEN_MAX_AGE" in errors[0].msg and repr(value) in errors[0].msg
    assert errors_for(settings, HEADLESS_PREVIEW_TOKEN_MAX_AGE=1) == []


def test_the_cache_setting_is_gone(settings):
    errors = errors_for(settings, HEADLESS_PREVIEW_CACHE="default")
    assert [e.id for e in errors] == ["wagtail_newsfeed.E002"]


@pytest.mark.parametrize("change", ["deactivated", "permission_taken", "deleted"])
def test_a_preview_ends_with_its_editors_right_to_edit_the_page(
    client, news_index, frontend, change
):
    """A token lives for minutes: an editor who loses the page in that time (let go,
    moved off the desk) loses the preview they opened too."""
    article = factories.make_article(news_index, publish=False)
    group = factories.feed_group(news_index, publish=False)
    editor = factories.make_user(groups=[group])
    client.force_login(editor)
    token = token_for(client, article)
    assert fetch(token).status_code == 200
    if change == "deactivated":
        type(editor).objects.filter(pk=editor.pk).update(is_active=False)
    elif change == "permission_taken":
        editor.groups.clear()
    else:
        editor.delete()
    if change == "deleted":  # its snapshots went with it
        assert not HeadlessPreview.objects.exists()
        fetch_refused(token, 410, "expired")
    else:
        body = fetch_refused(token, 403, "no longer valid")
        assert body["type"].endswith(":preview_token_invalid")
