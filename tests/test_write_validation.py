"""The one write validator at each door (API, live console, Newsroom form, page editor): hostile
and malformed bodies are refused with a 4xx or a form error naming the block path, nothing is
saved, and what is accepted is safe to render."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.documents.models import Document
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import checks, factories
from tests.page_forms import add_url, article_data
from wagtail_newsfeed import delta, validation
from wagtail_newsfeed.models import LiveEntry, NewsArticlePage

pytestmark = pytest.mark.django_db

XSS = (
    '<p>ok<img src=x onerror="alert(1)"><script>alert(2)</script>'
    '<a href="javascript:alert(3)">j</a><a href=" JaVa\tScRiPt:alert(4)">k</a>'
    '<svg onload="alert(5)"></svg><iframe src="https://evil.example"></iframe>'
    '<p style="x" onclick="alert(6)">c</p></p>'
)


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post(client, feed, body, **fields):
    """The API's answer, carrying ``changes``: what the request changed in the database."""
    before = checks.database_state()
    response = client.post(
        f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", {"body": body, **fields}, "json"
    )
    response.changes = checks.changes(before, checks.database_state())
    return response


def stored_json(entry_id: int) -> str:
    return json.dumps(list(LiveEntry.objects.get(pk=entry_id).body.raw_data))


def entry_html(page: str, entry_id: int) -> str:
    """One entry's <article> on the live page (the page has scripts of its own)."""
    start = page.index(f'id="entry-{entry_id}"')
    return page[start : page.index("</article>", start)]


def assert_refused(response, feed, *paths: str) -> None:
    checks.assert_problem(response, 400, "body")
    messages = response.json()["errors"]["body"]
    for path in paths:
        assert any(message.startswith(f"{path}:") for message in messages), messages
    assert not response.changes, response.changes
    assert not LiveEntry.objects.filter(feed=feed).exists()
    assert delta.current_version(feed) == 0


@pytest.fixture
def writer(superuser):
    return api_for(superuser)


# Rich text at any depth ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        {"type": "paragraph", "value": XSS},
        {"type": "fact_box", "value": {"title": "Box", "body": XSS}},
    ],
    ids=["paragraph", "fact_box.body"],
)
def test_hostile_rich_text_is_stored_and_served_clean_at_any_depth(writer, feed, client, block):
    created = post(writer, feed, [block])
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    served = [
        stored_json(entry_id),
        created.content.decode(),
        entry_html(client.get(feed.url).content.decode(), entry_id),
        client.get(f"/newsfeed/live/{feed.pk}/fragments/", {"ids": entry_id}).content.decode(),
        APIClient().get(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/").content.decode(),
    ]
    for text in served:
        lowered = text.lower()
        for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<svg"):
            assert bad not in lowered, (bad, text[:300])
    assert "ok" in served[0]


@pytest.mark.parametrize(
    "html,path",
    [
        ('<p><a linktype="page" id="abc">x</a></p>', "body[0]"),
        (f'<p><a linktype="page" id="{"9" * 30}">x</a></p>', "body[0]"),
        ('<p><a linktype="page" id="-3">x</a></p>', "body[0]"),
        ('<p><a linktype="page" id="">x</a></p>', "body[0]"),
        ('<p><a linktype="page">x</a></p>', "body[0]"),
        ('<p><a data-linktype="page">x</a></p>', "body[0]"),
        ('<p><a linktype="document" id="1e3">x</a></p>', "body[0]"),
        ('<p><a linktype="page" id="999999">x</a></p>', "body[0]"),
    ],
)
def test_a_link_id_that_is_not_a_choosable_object_is_refused(writer, feed, html, path):
    assert_refused(post(writer, feed, [{"type": "paragraph", "value": html}]), feed, path)


def test_a_bad_link_inside_a_struct_names_its_path(writer, feed):
    body = [
        {"type": "paragraph", "value": "<p>fine</p>"},
        {"type": "fact_box", "value": {"title": "t", "body": '<p><a linktype="page" id="x">'}},
    ]
    assert_refused(post(writer, feed, body), feed, "body[1].body")


def test_a_link_to_a_page_that_exists_is_kept(writer, feed, news_index):
    article = factories.make_article(news_index)
    html = f'<p><a linktype="page" id="{article.pk}">it</a></p>'
    assert post(writer, feed, [{"type": "paragraph", "value": html}]).status_code == 201


def test_a_list_item_pasted_without_its_list_becomes_a_paragraph(writer, feed, admin_client):
    created = post(writer, feed, [{"type": "paragraph", "value": "<p>Intro</p><li>Point</li>"}])
    assert created.status_code == 201, created.content
    assert "<p>Point</p>" in stored_json(created.json()["id"])
    edit = f"/admin/newsfeed/feeds/{feed.pk}/console/entries/{created.json()['id']}/edit/"
    assert admin_client.get(edit).status_code == 200


@pytest.mark.parametrize(
    "html",
    ["<b><p>Bold paragraphs</p></b>", '<a href="https://x.example"><p>Linked paragraph</p></a>'],
)
def test_rich_text_the_editor_could_not_open_is_refused(writer, feed, html):
    response = post(writer, feed, [{"type": "fact_box", "value": {"title": "t", "body": html}}])
    assert_refused(response, feed, "body[0].body")
    assert "editor cannot open" in response.content.decode()


@pytest.mark.parametrize("deep", ["<ul><li>" * 200 + "x" + "</li></ul>" * 200, "<b>" * 5_000 + "x"])
@pytest.mark.parametrize("block", ["paragraph", "fact_box"])
def test_rich_text_nested_past_reason_is_refused_by_name(writer, feed, caplog, deep, block):
    value = deep if block == "paragraph" else {"title": "t", "body": deep}

    response = post(writer, feed, [{"type": block, "value": value}])

    assert_refused(response, feed, "body[0]" if block == "paragraph" else "body[0].body")
    assert "nested more than 60 elements deep" in response.content.decode()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_lists_nested_as_deep_as_people_write_them_are_kept(writer, feed):
    html = "<ul><li>" * 10 + "Deep point" + "</li></ul>" * 10

    response = post(writer, feed, [{"type": "paragraph", "value": html}])

    assert response.status_code == 201, response.content
    assert "Deep point" in stored_json(response.json()["id"])


# Chooser ids and permissions ----------------------------------------------------------------


@pytest.mark.parametrize("value", [10**30, -1, 0, "abc", "1e3", "０１", " 12", True, [1], {"a": 1}])
@pytest.mark.parametrize(
    "block,field",
    [
        ("image", "image"),
        ("document", "document"),
        ("related_article", "page"),
        ("source_credit", "source"),
    ],
)
def test_a_chooser_id_that_is_not_an_id_is_refused(writer, feed, block, field, value):
    response = post(writer, feed, [{"type": block, "value": {field: value}}])
    assert_refused(response, feed, f"body[0].{field}")


def test_a_related_article_must_be_a_news_article(writer, feed, news_index):
    response = post(writer, feed, [{"type": "related_article", "value": {"page": news_index.pk}}])
    assert_refused(response, feed, "body[0].page")


def private_collection(name: str = "Private") -> Collection:
    return Collection.get_first_root_node().add_child(name=name)


def test_an_image_the_writer_may_not_choose_is_refused(feed, contributor):
    image = factories.make_image("Embargoed")
    image.collection = private_collection()
    image.save()
    response = post(
        api_for(contributor),
        feed,
        [{"type": "image", "value": {"image": image.pk}}],
        status="draft",
    )
    assert_refused(response, feed, "body[0].image")


def test_an_image_in_a_collection_the_writer_may_choose_from_is_accepted(feed, contributor):
    collection = private_collection("Shared")
    image = factories.make_image("Shared photo")
    image.collection = collection
    image.save()
    group = Group.objects.create(name="Choosers")
    GroupCollectionPermission.objects.create(
        group=group,
        collection=collection,
        permission=Permission.objects.get(codename="choose_image"),
    )
    contributor.groups.add(group)
    response = post(
        api_for(contributor),
        feed,
        [{"type": "image", "value": {"image": image.pk}}],
        status="draft",
    )
    assert response.status_code == 201, response.content


def test_a_document_link_the_writer_may_not_choose_is_refused(feed, contributor):
    document = Document.objects.create(
        title="Leaked memo",
        file=ContentFile(b"%PDF", name="memo.pdf"),
        collection=private_collection(),
    )
    html = f'<p><a linktype="document" id="{document.pk}">memo</a></p>'
    response = post(
        api_for(contributor), feed, [{"type": "paragraph", "value": html}], status="draft"
    )
    assert_refused(response, feed, "body[0]")
    assert "Leaked memo" not in response.content.decode()


# Tables -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"data": [1, 2]},
        {"data": "rows"},
        {"data": [["a", {"x": 1}]]},
        {"data": [["a"]], "cell": [{"className": "x"}]},
        {"data": [["a"]], "cell": [{"row": "0", "col": 0}]},
        {"data": [["a", "b"]], "mergeCells": [{"row": 0, "col": 0}]},
        {"data": [["a"]], "mergeCells": "all"},
        {"data": [["a"]], "table_header_choice": "diagonal"},
        {"data": [["x"] * 60] * 60},
        ["not", "a", "dict"],
    ],
)
def test_a_table_the_template_could_not_render_is_refused(writer, feed, value):
    assert_refused(post(writer, feed, [{"type": "table", "value": value}]), feed, "body[0]")


def test_a_good_table_is_stored_in_the_shape_wagtail_renders(writer, feed, client):
    value = {
        "data": [["Party", "Seats"], ["A", 10]],
        "first_row_is_table_header": True,
        "cell": [{"row": 1, "col": 1, "className": "num"}],
        "junk": "dropped",
    }
    created = post(writer, feed, [{"type": "table", "value": value}])
    assert created.status_code == 201, created.content
    stored = LiveEntry.objects.get(pk=created.json()["id"]).body.raw_data[0]["value"]
    assert stored["data"] == [["Party", "Seats"], ["A", "10"]]
    assert stored["table_header_choice"] == "row" and "junk" not in stored
    assert client.get(feed.url).status_code == 200


# Caps ---------------------------------------------------------------------------------------


def test_a_body_over_the_byte_cap_is_refused(writer, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRY_BODY_MAX_BYTES": 1_000}
    body = [{"type": "paragraph", "value": "<p>" + "x" * 2_000 + "</p>"}]
    response = post(writer, feed, body)
    assert_refused(response, feed, "body")
    assert "the most it may be is 1,000 bytes" in response.content.decode()


def test_a_body_with_too_many_blocks_is_refused(writer, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"BODY_MAX_BLOCKS": 5}
    body = [{"type": "key_points", "value": {"points": ["a", "b", "c", "d", "e"]}}]
    assert_refused(post(writer, feed, body), feed, "body")


def test_a_body_nested_too_deeply_is_refused(writer, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"BODY_MAX_DEPTH": 3}
    body = [{"type": "timeline", "value": {"events": [{"when": "1", "title": "t"}]}}]
    assert_refused(post(writer, feed, body), feed, "body")


def test_the_largest_allowed_body_is_accepted(writer, feed):
    # Just under ENTRY_BODY_MAX_BYTES (64 KB) of ordinary paragraphs.
    para = '<p>Polls <b>closed</b> at 10pm, <a href="https://example.com/x">see</a> more.</p>'
    body = [{"type": "paragraph", "value": para * 20} for _ in range(35)]
    assert len(json.dumps(body)) < 64_000
    assert post(writer, feed, body).status_code == 201


def test_authors_are_capped_unique_and_resolved_in_one_query(writer, feed, settings):
    slugs = [factories.make_author().slug for _ in range(12)]
    body = [{"type": "paragraph", "value": "<p>x</p>"}]
    for authors in (slugs, [slugs[0], slugs[0]], ["nobody\x00"]):
        refused = post(writer, feed, body, authors=authors)
        checks.assert_problem(refused, 400, "authors")
        assert not refused.changes, refused.changes
    # One author or ten cost the same queries: the slugs are resolved in one query (after a
    # first write has warmed what every write reads once a process).
    costs = {}
    for count in (2, 1, 10):
        with CaptureQueriesContext(connection) as queries:
            created = post(writer, feed, body, authors=slugs[:count])
        assert created.status_code == 201
        assert [a["slug"] for a in created.json()["authors"]] == slugs[:count]
        costs[count] = len(queries)
    assert costs[10] == costs[1], costs


# Control characters -------------------------------------------------------------------------


def test_control_characters_are_stripped_from_every_string_written(writer, feed, client):
    body = [
        {"type": "paragraph", "value": "<p>Line\x0bbreak\x01</p>"},
        {"type": "quote", "value": {"text": "Said\x0cso\ufffe", "attribution": "A\x1fB"}},
        {"type": "table", "value": {"data": [["c\x08ell"]]}},
    ]
    created = post(writer, feed, body, headline="Head\x0bline\x00")
    assert created.status_code == 201, created.content
    entry = LiveEntry.objects.get(pk=created.json()["id"])
    assert entry.headline == "Head line"  # Word's line break separates words
    raw = json.dumps(list(entry.body.raw_data), ensure_ascii=False)
    assert all(ch not in raw for ch in "\x0b\x01\x0c\ufffe\x1f\x08")
    assert "Line break" in raw and "Said so" in raw and "cell" in raw and "AB" in raw
    assert client.get(f"/newsfeed/feeds/live/{feed.pk}.rss").status_code == 200


# Other doors --------------------------------------------------------------------------------


def contentstate_link(link_id: str) -> str:
    """What a crafted Draftail post carries for a page link (Draftail itself sends real ids)."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "type": "unstyled",
                    "depth": 0,
                    "text": "see this",
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 3, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"id": link_id}}},
        }
    )


def test_the_console_refuses_a_crafted_link_and_keeps_the_text(admin_client, feed):
    data = nested_form_data(
        {"headline": "Kept", "body": streamfield([("paragraph", contentstate_link("abc"))])}
    )
    data["action"] = "publish"
    with checks.nothing_saved():
        response = admin_client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid id" in html and 'value="Kept"' in html
    assert not LiveEntry.objects.exists()


def test_the_console_cleans_a_headline_as_the_api_does(admin_client, writer, feed):
    pasted = "Polls\x0bclose\x01d"  # Word's line break separates words; \x01 is dropped
    body = streamfield([("paragraph", rich_text("<p>x</p>"))])
    data = nested_form_data({"headline": pasted, "body": body})
    data["action"] = "publish"
    assert admin_client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", data).status_code == 302
    created = post(writer, feed, [{"type": "paragraph", "value": "<p>y</p>"}], headline=pasted)
    assert created.status_code == 201, created.content
    headlines = list(LiveEntry.objects.order_by("pk").values_list("headline", flat=True))
    assert headlines == ["Polls closed", "Polls closed"]


def test_the_page_editor_refuses_a_crafted_link_and_strips_control_characters(
    admin_client, news_index
):
    bad = article_data(body=streamfield([("paragraph", contentstate_link("abc"))]))
    with checks.nothing_saved():
        response = admin_client.post(add_url(NewsArticlePage, news_index), bad)
    assert response.status_code == 200
    assert "invalid id" in response.content.decode()
    assert f'value="{bad["title"]}"' in response.content.decode()
    assert not NewsArticlePage.objects.exists()

    good = article_data(
        title="Storm\x0bwarning",
        standfirst="Winds\x01 rise",
        body=streamfield([("paragraph", rich_text("<p>Fine</p>"))]),
    )
    assert admin_client.post(add_url(NewsArticlePage, news_index), good).status_code == 302
    article = NewsArticlePage.objects.get()
    assert (article.title, article.standfirst) == ("Storm warning", "Winds rise")


def test_the_validator_is_one_function_for_every_door(
    monkeypatch, admin_client, writer, feed, news_index
):
    """The API, the console and the page editor each hand the body to ``validation.clean_body``:
    a door that checked bodies its own way would not be seen here."""
    seen = []
    real = validation.clean_body

    def recording(value, stream_block, *args, **kwargs):
        seen.append(stream_block.__class__.__name__)
        return real(value, stream_block, *args, **kwargs)

    monkeypatch.setattr(validation, "clean_body", recording)
    paragraph = streamfield([("paragraph", rich_text("<p>Through the console</p>"))])
    console = nested_form_data({"headline": "Console", "body": paragraph})
    console["action"] = "publish"
    doors = {  # door: (how it is sent, the status of a write it accepts)
        "api": (
            lambda: post(
                writer, feed, [{"type": "fact_box", "value": {"title": "t", "body": XSS}}]
            ),
            201,
        ),
        "console": (
            lambda: admin_client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", console),
            302,
        ),
        "page editor": (
            lambda: admin_client.post(
                add_url(NewsArticlePage, news_index), article_data(body=paragraph)
            ),
            302,
        ),
    }
    for door, (send, accepted) in doors.items():
        seen.clear()
        assert send().status_code == accepted, door
        assert seen == ["NewsStreamBlock"], (door, seen)
    stored = stored_json(LiveEntry.objects.get(headline="").pk)
    assert "<script" not in stored and "onerror" not in stored and "ok" in stored


def test_a_body_one_byte_over_the_cap_says_by_how_much(writer, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"ENTRY_BODY_MAX_BYTES": 64_000}
    body = [{"type": "paragraph", "value": "<p>" + "x" * 64_000 + "</p>"}]
    response = post(writer, feed, body)
    assert_refused(response, feed, "body")
    sent = len(json.dumps(body, ensure_ascii=False).encode())
    assert f"The body is {sent:,} bytes; the most it may be is 64,000 bytes." in response.text


def test_the_page_editor_refuses_an_article_body_over_its_cap_and_keeps_the_form(
    admin_client, news_index, settings
):
    settings.WAGTAIL_NEWSFEED = {"ARTICLE_BODY_MAX_BYTES": 2_000}
    long = "<p>" + "Words of the story. " * 150 + "</p>"
    data = article_data(body=streamfield([("paragraph", rich_text(long))]))
    with checks.nothing_saved():
        response = admin_client.post(add_url(NewsArticlePage, news_index), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "the most it may be is 2,000 bytes" in page
    assert f'value="{data["title"]}"' in page  # the editor's work is still in the form

    fits = article_data(body=streamfield([("paragraph", rich_text("<p>Short.</p>"))]))
    assert admin_client.post(add_url(NewsArticlePage, news_index), fits).status_code == 302
    assert NewsArticlePage.objects.count() == 1
