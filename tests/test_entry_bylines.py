"""Bylines on live entries: ordered authors written through the console, the API and the write
path, a user's own author as the console's default, and the byline wherever readers see entries
(page, fragments, API, RSS/Atom, JSON-LD) at a fixed query cost."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import Author, LiveEntry
from wagtail_newsfeed.models.live import LiveEntryAuthor, byline_prefetches

pytestmark = pytest.mark.django_db

BODY = [{"type": "paragraph", "value": "<p>Turnout is high.</p>"}]
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def names(entry: LiveEntry) -> list[str]:
    return [author.name for author in LiveEntry.objects.get(pk=entry.pk).get_authors()]


@pytest.fixture
def trio(db) -> list[Author]:
    """Three authors whose byline order differs from their alphabetical order."""
    return [
        factories.make_author("Zoe Zeller", slug="zoe"),
        factories.make_author("Ada Abbott", slug="ada"),
        factories.make_author("Max Moreau", slug="max"),
    ]


def entries_url(feed) -> str:
    return reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])


def entry_url(feed, entry_id) -> str:
    return reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry_id])


def console(feed) -> str:
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def console_data(*author_ids, text="Polls have closed.") -> dict:
    data = nested_form_data(
        {"headline": "", "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))])}
    )
    data["authors"] = [str(pk) for pk in author_ids]
    data["action"] = "publish"
    return data


@pytest.fixture
def writer(editor) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


# The write path ------------------------------------------------------------------------------


def test_write_path_keeps_the_given_order_and_reorders_on_edit(feed, superuser, trio):
    zoe, ada, maxi = trio
    entry = entry_rules.create_entry(feed, superuser, body=BODY, authors=[zoe, ada, maxi])
    assert names(entry) == ["Zoe Zeller", "Ada Abbott", "Max Moreau"]

    entry_rules.update_entry(entry, superuser, authors=[maxi, zoe])
    assert names(entry) == ["Max Moreau", "Zoe Zeller"]
    assert entry.get_authors() == [maxi, zoe]  # the caller's copy is not stale


def test_write_path_names_an_author_twice_only_once(feed, superuser, trio):
    zoe, ada, _ = trio
    entry = entry_rules.create_entry(feed, superuser, body=BODY, authors=[ada, zoe, ada.pk])
    assert names(entry) == ["Ada Abbott", "Zoe Zeller"]


def test_an_edit_without_authors_keeps_the_byline(feed, superuser, trio):
    entry = entry_rules.create_entry(feed, superuser, body=BODY, authors=trio[:2])
    entry_rules.update_entry(entry, superuser, headline="New headline")
    assert names(entry) == ["Zoe Zeller", "Ada Abbott"]


def test_authors_reads_still_work_through_the_ordered_links(feed, superuser, trio):
    entry = entry_rules.create_entry(feed, superuser, body=BODY, authors=trio)
    assert set(entry.authors.all()) == set(trio)
    assert set(trio[0].live_entries.all()) == {entry}


# The API -------------------------------------------------------------------------------------


def test_api_write_keeps_the_slug_order_and_patch_reorders(writer, feed, trio):
    created = writer.post(entries_url(feed), {"body": BODY, "authors": ["max", "zoe"]}, "json")
    assert created.status_code == 201, created.content
    assert [a["slug"] for a in created.json()["authors"]] == ["max", "zoe"]

    entry_id = created.json()["id"]
    patched = writer.patch(entry_url(feed, entry_id), {"authors": ["ada", "max"]}, "json")
    assert patched.status_code == 200, patched.content
    assert [a["slug"] for a in patched.json()["authors"]] == ["ada", "max"]
    read = APIClient().get(entry_url(feed, entry_id)).json()
    assert read["authors"] == patched.json()["authors"]
    assert set(read["authors"][0]) == {"name", "slug", "role", "photo"}  # the articles' shape


def test_api_unknown_author_slug_is_a_400_naming_it_and_saves_nothing(writer, feed, trio):
    response = writer.post(entries_url(feed), {"body": BODY, "authors": ["zoe", "nobody"]}, "json")
    assert response.status_code == 400
    assert "nobody" in json.dumps(response.json()["errors"]["authors"])
    assert not LiveEntry.objects.exists()


def test_api_duplicate_author_slugs_are_a_400(writer, feed, trio):
    response = writer.post(
        entries_url(feed), {"body": BODY, "authors": ["ada", "zoe", "max", "zoe"]}, "json"
    )
    assert response.status_code == 400
    assert "'zoe' is named twice" in json.dumps(response.json()["errors"]["authors"])
    assert not LiveEntry.objects.exists()


@override_settings(WAGTAIL_NEWSFEED={"ENTRY_MAX_AUTHORS": 2})
def test_api_too_many_authors_is_a_400_and_an_edit_changes_nothing(writer, feed, trio):
    entry = factories.make_entry(feed, authors=[trio[1]])
    response = writer.patch(
        entry_url(feed, entry.pk), {"authors": ["zoe", "ada", "max"], "headline": "X"}, "json"
    )
    assert response.status_code == 400
    assert "authors" in response.json()["errors"]
    assert names(entry) == ["Ada Abbott"]
    assert LiveEntry.objects.get(pk=entry.pk).headline == ""


def test_api_entries_list_and_delta_show_bylines_in_order(client, feed, superuser, trio):
    cursor = client.get(entries_url(feed)).json()["cursor"]
    factories.make_entry(feed, superuser, authors=[trio[2], trio[0], trio[1]])
    listed = client.get(entries_url(feed)).json()["results"][0]["authors"]
    delta = client.get(entries_url(feed), {"since": cursor}).json()["results"][0]["authors"]
    assert [a["slug"] for a in listed] == ["max", "zoe", "ada"]
    assert delta == listed


# The console ---------------------------------------------------------------------------------


def test_console_ticks_the_posters_own_author_on_a_new_entry(client, feed, editor, trio):
    trio[2].user = editor
    trio[2].save()
    client.force_login(editor)
    html = client.get(console(feed)).content.decode()
    ticked = re.findall(r'<input[^>]*name="authors"[^>]*>', html)
    assert len(ticked) == 3
    checked = [tag for tag in ticked if "checked" in tag]
    assert len(checked) == 1 and f'value="{trio[2].pk}"' in checked[0]


def test_console_ticks_nobody_for_a_user_without_an_author(client, feed, editor, trio):
    client.force_login(editor)
    html = client.get(console(feed)).content.decode()
    assert 'name="authors"' in html
    assert not [t for t in re.findall(r'<input[^>]*name="authors"[^>]*>', html) if "checked" in t]


def test_console_posts_authors_in_the_order_sent(client, feed, editor, trio):
    client.force_login(editor)
    response = client.post(console(feed), console_data(trio[2].pk, trio[0].pk))
    assert response.status_code == 302
    assert names(LiveEntry.objects.get()) == ["Max Moreau", "Zoe Zeller"]


def test_console_edit_lists_the_byline_first_in_order_and_keeps_it(client, feed, editor, trio):
    entry = factories.make_entry(feed, editor, authors=[trio[2], trio[0]])
    client.force_login(editor)
    edit = reverse("wagtail_newsfeed_console:edit", args=[feed.pk, entry.pk])
    html = client.get(edit).content.decode()
    shown = re.findall(r'<input[^>]*name="authors"[^>]*value="(\d+)"', html) or re.findall(
        r'<input[^>]*value="(\d+)"[^>]*name="authors"', html
    )
    assert shown == [str(trio[2].pk), str(trio[0].pk), str(trio[1].pk)]

    data = console_data(trio[2].pk, trio[0].pk, trio[1].pk, text="Edited")
    data["expected_version"] = str(entry.version)
    assert client.post(edit, data).status_code == 302
    assert names(entry) == ["Max Moreau", "Zoe Zeller", "Ada Abbott"]


@pytest.mark.parametrize("sent", [["999999"], ["abc"], ["1" * 40], ["-1"], ["0"], ["1\x00"]])
def test_console_unknown_or_malformed_author_is_a_form_error(client, feed, editor, trio, sent):
    client.force_login(editor)
    data = console_data()
    data["authors"] = sent
    response = client.post(console(feed), data)
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert not LiveEntry.objects.exists()


@override_settings(WAGTAIL_NEWSFEED={"ENTRY_MAX_AUTHORS": 2})
def test_console_too_many_authors_is_a_form_error(client, feed, editor, trio):
    client.force_login(editor)
    response = client.post(console(feed), console_data(*(a.pk for a in trio)))
    assert response.status_code == 200
    assert "Choose at most 2 authors." in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_console_list_shows_the_byline_or_else_the_posters_name(client, feed, editor, trio):
    editor.first_name, editor.last_name = "Edith", "Editor"
    editor.save()
    factories.make_entry(feed, editor, text="Signed", authors=[trio[1], trio[0]])
    factories.make_entry(feed, editor, text="Unsigned")
    client.force_login(editor)
    html = client.get(console(feed)).content.decode()
    assert "by Ada Abbott, Zoe Zeller" in html
    assert "by Edith Editor" in html


def test_author_admin_links_a_user_once(admin_client, editor, trio):
    edit = reverse("wagtail_newsfeed_author_modeladmin_edit", args=[trio[0].pk])
    fields = {"name": "Zoe Zeller", "slug": "zoe", "role": "", "bio": "", "user": str(editor.pk)}
    assert admin_client.post(edit, fields).status_code == 302
    assert Author.objects.get(pk=trio[0].pk).user == editor

    other = reverse("wagtail_newsfeed_author_modeladmin_edit", args=[trio[1].pk])
    response = admin_client.post(other, {**fields, "name": "Ada Abbott", "slug": "ada"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Author.objects.get(pk=trio[1].pk).user is None


# What readers see ----------------------------------------------------------------------------


def test_live_page_and_fragments_show_the_byline_in_order(client, feed, trio):
    entry = factories.make_entry(feed, authors=[trio[2], trio[1]])
    page = client.get(feed.url).content.decode()
    url = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    fragment = client.get(url, {"ids": str(entry.pk)}).json()["entries"][str(entry.pk)]
    for html in (page, fragment):
        assert re.search(r'newsfeed-entry__authors">[^<]*Max Moreau, Ada Abbott</p>', html)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_live_rss_and_atom_name_the_authors_in_order(client, feed, trio, fmt):
    factories.make_entry(feed, authors=[trio[0], trio[2]], headline="Signed")
    response = client.get(reverse(f"wagtail_newsfeed:live_{fmt}", args=[feed.pk]))
    parsed = feedparser.parse(response.content)
    assert parsed.entries[0].author == "Zoe Zeller, Max Moreau"
    element = b"<author><name>" if fmt == "atom" else b"<dc:creator "
    assert element in response.content


def test_jsonld_live_blog_updates_carry_their_authors_as_persons(client, feed, trio):
    trio[2].role = "Correspondent"
    trio[2].save()
    factories.make_entry(feed, authors=[trio[2], trio[1]])
    (raw,) = JSONLD.findall(client.get(feed.url).content.decode())
    (update,) = json.loads(raw)["liveBlogUpdate"]
    assert update["author"] == [
        {"@type": "Person", "name": "Max Moreau", "jobTitle": "Correspondent"},
        {"@type": "Person", "name": "Ada Abbott"},
    ]


def test_author_rename_shows_on_the_live_page_after_a_fragment_cache_hit(client, feed, trio):
    factories.make_entry(feed, authors=[trio[0]])
    assert "Zoe Zeller" in client.get(feed.url).content.decode()
    assert "Zoe Zeller" in client.get(feed.url).content.decode()  # served from the cache
    trio[0].name = "Zoe Zeller-Brandt"
    trio[0].save()
    assert "Zoe Zeller-Brandt" in client.get(feed.url).content.decode()


# Query cost ----------------------------------------------------------------------------------


def _add_signed_entries(feed, authors, n, start=0):
    for i in range(n):
        # Rotated bylines, so an order kept by accident (by name or id) would show.
        byline = authors[(start + i) % 3 :] + authors[: (start + i) % 3]
        factories.make_entry(
            feed,
            authors=byline,
            display_time=timezone.now() - timedelta(seconds=start + i),
            is_key_event=i % 4 == 0,
        )


@pytest.fixture
def photographed(trio):
    image = factories.make_image()
    for author in trio:
        author.photo = image
        author.save()
    return trio


def _costs(client, feed, authors, request, django_assert_max_num_queries):
    _add_signed_entries(feed, authors, 3)
    request()  # warm caches (renditions, site root paths)
    _add_signed_entries(feed, authors, 1, start=3)  # a change: rendered afresh
    with CaptureQueriesContext(connection) as few:
        request()
    _add_signed_entries(feed, authors, 30, start=4)
    with django_assert_max_num_queries(len(few)):
        return request()


def test_live_page_costs_a_fixed_number_of_queries_with_bylines(
    client, feed, photographed, django_assert_max_num_queries
):
    response = _costs(
        client, feed, photographed, lambda: client.get(feed.url), django_assert_max_num_queries
    )
    assert response.content.decode().count("newsfeed-entry__authors") >= 20


def test_fragments_cost_a_fixed_number_of_queries_with_bylines(
    client, feed, photographed, django_assert_max_num_queries
):
    url = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])

    def request():
        ids = ",".join(str(pk) for pk in LiveEntry.objects.values_list("pk", flat=True)[:50])
        return client.get(url, {"ids": ids})

    response = _costs(client, feed, photographed, request, django_assert_max_num_queries)
    assert len(response.json()["entries"]) == 34


def test_api_entries_cost_a_fixed_number_of_queries_with_bylines(
    client, feed, photographed, django_assert_max_num_queries
):
    def request():
        return client.get(entries_url(feed), {"limit": 100})

    response = _costs(client, feed, photographed, request, django_assert_max_num_queries)
    results = response.json()["results"]
    assert len(results) == 34
    assert all(len(item["authors"]) == 3 and item["authors"][0]["photo"] for item in results)


def test_delta_sync_costs_a_fixed_number_of_queries_with_bylines(
    client, feed, photographed, django_assert_max_num_queries
):
    cursor = client.get(entries_url(feed)).json()["cursor"]

    def request():
        return client.get(entries_url(feed), {"since": cursor})

    response = _costs(client, feed, photographed, request, django_assert_max_num_queries)
    results = response.json()["results"]
    assert len(results) == 34
    first = LiveEntry.objects.get(pk=results[0]["id"])
    assert [a["name"] for a in results[0]["authors"]] == [a.name for a in first.get_authors()]


def test_byline_links_are_unique_per_entry_and_author(feed, trio):
    from django.db import IntegrityError, transaction

    entry = factories.make_entry(feed, authors=[trio[0]])
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveEntryAuthor.objects.create(entry=entry, author=trio[0], sort_order=1)


def test_demo_entries_carry_single_and_shared_bylines_in_order():
    from django.core.management import call_command

    call_command("load_newsfeed_demo", stdout=io.StringIO())
    entries = LiveEntry.objects.prefetch_related(*byline_prefetches())
    bylines = {tuple(a.slug for a in e.get_authors()) for e in entries}
    assert bylines == {("sofia-brandt",), ("mei-lin-harper",), ("sofia-brandt", "mei-lin-harper")}
    for entry in entries.filter(is_key_event=True):
        assert [a.slug for a in entry.get_authors()] == ["sofia-brandt", "mei-lin-harper"]


# The migration -------------------------------------------------------------------------------


def test_migration_moves_existing_authors_to_ordered_links_and_back(tmp_path):
    """In a process of its own on a fresh database (``tests/migrations_check/bylines.py``):
    migrating reshapes tables, which a test database shared with other tests must not see."""
    from tests.processes.harness import Database

    database = Database.create(tmp_path)
    try:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).parent / "migrations_check" / "bylines.py")],
            env={**os.environ, "DATABASE_URL": database.url},
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        database.drop()
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["backwards"] == ["Ada Abbott", "Max Moreau", "Zoe Zeller"]
    assert seen["entry"] == ["Ada Abbott", "Max Moreau", "Zoe Zeller"]  # the order readers saw
    assert seen["alone"] == ["Max Moreau"]
    assert seen["positions"] == [0, 1, 2]
