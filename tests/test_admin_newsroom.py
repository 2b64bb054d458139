"""The Newsroom admin menu: topics, authors, sources and live entries, through the real views."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.modeladmin import entry_admin_urls
from wagtail_newsfeed.models import Author, LiveEntry, Source, Topic

pytestmark = pytest.mark.django_db

TAXONOMY = [
    (Topic, factories.make_topic, {"name": "US China Relations", "description": "Trade."}),
    (Author, factories.make_author, {"name": "Jane Doe", "role": "Diplomatic editor"}),
    (Source, factories.make_source, {"name": "Reuters", "url": "https://www.reuters.com/"}),
]


def url(model, action: str, *args) -> str:
    return reverse(f"wagtail_newsfeed_{model._meta.model_name}_modeladmin_{action}", args=args)


def listing(response) -> str:
    """The result table of a modeladmin index view (empty when it lists nothing)."""
    html = response.content.decode()
    start = html.find('<table class="listing')
    return html[start : html.find("</table>", start)] if start >= 0 else ""


def feed_log(feed) -> list[str]:
    return list(
        PageLogEntry.objects.filter(page=feed)
        .filter(action__startswith="wagtail_newsfeed.entry.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Topics, authors, sources --------------------------------------------------------------------


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_index_lists_and_searches(admin_client, model, make, fields):
    make("Findable name")
    make("Other")
    response = admin_client.get(url(model, "index"), {"q": "Findable"})
    assert response.status_code == 200
    assert "Findable name" in listing(response)
    assert "Other" not in listing(response)


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_create_saves_and_makes_slug_from_name(admin_client, model, make, fields):
    response = admin_client.post(url(model, "create"), {**fields, "slug": ""})
    assert response.status_code == 302
    obj = model.objects.get(name=fields["name"])
    assert obj.slug == fields["name"].lower().replace(" ", "-")
    for name, value in fields.items():
        assert getattr(obj, name) == value


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_name_fills_the_slug_only_while_new(admin_client, model, make, fields):
    create = admin_client.get(url(model, "create")).text
    assert 'data-w-sync-target-value="#id_slug"' in create
    assert "keyup-&gt;w-sync#apply" in create or "keyup->w-sync#apply" in create
    edit = admin_client.get(url(model, "edit", make().pk)).text
    assert "w-sync#apply" not in edit


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_create_without_name_shows_error_and_saves_nothing(
    admin_client, model, make, fields
):
    with nothing_saved():
        response = admin_client.post(url(model, "create"), {**fields, "name": "", "slug": "kept"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "This field is required." in response.text
    assert 'value="kept"' in response.text  # the editor's input is echoed back
    assert not model.objects.exists()


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_duplicate_slug_is_a_form_error(admin_client, model, make, fields):
    make(slug="taken")
    with nothing_saved():
        response = admin_client.post(url(model, "create"), {**fields, "slug": "taken"})
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert "already exists" in response.text
    assert f'value="{fields["name"]}"' in response.text
    assert model.objects.count() == 1


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_edit_saves_changes(admin_client, model, make, fields):
    obj = make()
    assert admin_client.get(url(model, "edit", obj.pk)).status_code == 200
    response = admin_client.post(url(model, "edit", obj.pk), {**fields, "slug": "renamed"})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert (obj.name, obj.slug) == (fields["name"], "renamed")
    history = admin_client.get(url(model, "history", obj.pk))
    assert history.status_code == 200 and "Edited" in history.text


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_delete_removes_it(admin_client, model, make, fields):
    obj = make()
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 200
    assert admin_client.post(url(model, "delete", obj.pk)).status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()


def test_newsroom_menu_lists_its_four_sections(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).text
    assert "Newsroom" in html
    for model in (LiveEntry, Topic, Author, Source):
        assert url(model, "index") in html


# Live entries: one admin stack, the console ----------------------------------------------------


def console_edit(entry) -> str:
    return reverse("wagtail_newsfeed_console:edit", args=[entry.feed_id, entry.pk])


def console_delete(entry) -> str:
    return reverse("wagtail_newsfeed_console:delete", args=[entry.feed_id, entry.pk])


def bulk(client, action: str, entries, **extra):
    data = {"action": action, "id": [str(getattr(e, "pk", e)) for e in entries], **extra}
    if extra.get("confirm") == "yes":  # the versions the confirmation page showed
        data["seen"] = [f"{e.pk}:{e.version}" for e in entries if hasattr(e, "version")]
    return client.post(reverse("wagtail_newsfeed_liveentry_modeladmin_bulk"), data)


def test_the_feeds_add_entry_link_and_the_old_create_url_open_the_console(admin_client, feed):
    console = reverse("wagtail_newsfeed_console:console", args=[feed.pk])
    assert entry_admin_urls(feed)["add_entry_url"] == console
    response = admin_client.get(url(LiveEntry, "create"), {"feed": feed.pk})
    assert response.status_code == 302 and response["Location"] == console
    without_feed = admin_client.get(url(LiveEntry, "create"), {"feed": "abc"})
    assert without_feed["Location"] == url(LiveEntry, "index")


def test_old_edit_and_delete_urls_redirect_to_the_console(admin_client, feed):
    entry = factories.make_entry(feed, headline="Polls close")
    response = admin_client.get(url(LiveEntry, "edit", entry.pk))
    assert response.status_code == 302 and response["Location"] == console_edit(entry)
    response = admin_client.get(url(LiveEntry, "delete", entry.pk))
    assert response.status_code == 302 and response["Location"] == console_delete(entry)
    # The old forms are gone: nothing is written through these URLs any more.
    with nothing_saved():
        assert admin_client.post(url(LiveEntry, "edit", entry.pk), {}).status_code == 405
        assert admin_client.post(url(LiveEntry, "delete", entry.pk)).status_code == 405
    entry.refresh_from_db()
    assert entry.deleted_at is None and entry.headline == "Polls close"


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1", "abc"])
def test_old_urls_of_unknown_entries_are_404(admin_client, feed, pk):
    assert admin_client.get(url(LiveEntry, "edit", pk)).status_code == 404


def test_old_edit_url_of_a_deleted_entry_is_404(admin_client, feed):
    entry = factories.make_entry(feed)
    entry_rules.delete_entry(entry, entry.created_by)
    assert admin_client.get(url(LiveEntry, "edit", entry.pk)).status_code == 404


def test_list_rows_open_the_console_editor_and_offer_no_second_form(admin_client, feed):
    entry = factories.make_entry(feed, text="Counting has begun in the north of the city.")
    response = admin_client.get(url(LiveEntry, "index"))
    rows = listing(response)
    assert console_edit(entry) in rows and console_delete(entry) in rows
    assert url(LiveEntry, "edit", entry.pk) not in rows
    assert url(LiveEntry, "create") not in response.text  # no "Add" button: write in a console
    # Named by its first words and time, not its database id.
    assert "Counting has begun in the north of the… (" in rows


def test_bulk_unpublish_unpublishes_the_selected_published_entries(admin_client, feed):
    first = factories.make_entry(feed, headline="First")
    second = factories.make_entry(feed, headline="Second")
    draft = factories.make_entry(feed, headline="Draft", status="draft")
    untouched = factories.make_entry(feed, headline="Untouched")
    draft_version = draft.version

    response = bulk(admin_client, "unpublish", [first, second, draft], next="/admin/?x=1")

    assert response.status_code == 302 and response["Location"] == "/admin/?x=1"
    statuses = dict(LiveEntry.objects.values_list("headline", "status"))
    assert statuses == {
        "First": "draft",
        "Second": "draft",
        "Draft": "draft",
        "Untouched": "published",
    }
    assert LiveEntry.objects.get(pk=draft.pk).version == draft_version  # nothing to do
    assert feed_log(feed).count("wagtail_newsfeed.entry.unpublish") == 2
    assert untouched.pk


def test_bulk_delete_asks_first_then_leaves_tombstones(admin_client, feed):
    doomed = [factories.make_entry(feed, headline=f"Wrong {n}") for n in range(2)]
    kept = factories.make_entry(feed, headline="Right")

    confirm = bulk(admin_client, "delete", doomed)
    assert confirm.status_code == 200
    assert "Wrong 0" in confirm.text and "Wrong 1" in confirm.text and "Yes, delete" in confirm.text
    assert not LiveEntry.objects.filter(deleted_at__isnull=False).exists()

    response = bulk(admin_client, "delete", doomed, confirm="yes")
    assert response.status_code == 302 and response["Location"] == url(LiveEntry, "index")
    deleted = set(LiveEntry.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True))
    assert deleted == {e.pk for e in doomed}
    assert feed_log(feed).count("wagtail_newsfeed.entry.delete") == 2
    assert "Right" in listing(admin_client.get(url(LiveEntry, "index")))
    assert kept.pk not in deleted


def test_bulk_actions_check_each_row_and_do_the_rest(client, feed):
    user = login_with(client, feed, publish=False)
    published = factories.make_entry(feed, headline="Live already")
    own_draft = factories.make_entry(feed, user, headline="My draft", status="draft")

    response = bulk(client, "delete", [published, own_draft], confirm="yes")

    assert response.status_code == 302
    assert LiveEntry.objects.get(pk=own_draft.pk).deleted_at is not None
    assert LiveEntry.objects.get(pk=published.pk).deleted_at is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("You may not change these entries: Live already" in m for m in messages)
    bulk(client, "unpublish", [published])
    assert LiveEntry.objects.get(pk=published.pk).status == "published"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "delete", "id": ["abc"], "confirm": "yes"},
        {"action": "delete", "id": ["99999999999999999999"], "confirm": "yes"},
        {"action": "delete", "id": ["1\x00"], "confirm": "yes"},
        {"action": "delete", "id": [str(n) for n in range(1, 200)], "confirm": "yes"},
        {"action": "drop_table", "id": ["1"]},
        {"action": "unpublish"},
        {"action": "delete", "id": ["1"], "confirm": "yes", "next": "https://evil.example/"},
    ],
)
def test_bulk_actions_survive_hand_made_posts(admin_client, feed, data):
    entry = factories.make_entry(feed, headline="Stays")
    names_entry = data.get("id") == ["1"] and entry.pk == 1  # a well-made post after all
    with nullcontext() if names_entry else nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_liveentry_modeladmin_bulk"), data)
    assert response.status_code == 302
    assert response["Location"] == url(LiveEntry, "index")


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["abc", "1"], "“abc” is not an entry id"),
        (["1e1"], "“1e1” is not an entry id"),
        ([str(n) for n in range(1, 102)], "Select at most 100 entries"),
    ],
)
def test_a_bad_selection_is_named_for_what_is_wrong(admin_client, feed, ids, message):
    factories.make_entry(feed, headline="Stays")
    data = {"action": "delete", "id": ids, "confirm": "yes"}
    with nothing_saved():
        response = admin_client.post(reverse("wagtail_newsfeed_liveentry_modeladmin_bulk"), data)
    shown = [str(m) for m in response.wsgi_request._messages]
    assert response.status_code == 302 and any(message in m for m in shown), shown


def test_bulk_actions_need_post(admin_client, feed):
    assert (
        admin_client.get(reverse("wagtail_newsfeed_liveentry_modeladmin_bulk")).status_code == 405
    )


@pytest.mark.indexed
def test_entry_list_filters_by_feed_and_searches_headlines(admin_client, feed, news_index):
    other = factories.make_feed(news_index, "Match report")
    factories.make_entry(feed, headline="Results are in")
    factories.make_entry(feed, headline="Turnout figures")
    factories.make_entry(other, headline="Kick-off")
    filtered = admin_client.get(entry_admin_urls(other)["entries_list_url"])
    assert filtered.status_code == 200
    assert "Kick-off" in listing(filtered) and "Results are in" not in listing(filtered)
    found = listing(admin_client.get(url(LiveEntry, "index"), {"q": "turnout"}))
    assert "Turnout figures" in found
    assert "Results are in" not in found and "Kick-off" not in found


@pytest.mark.indexed
@pytest.mark.parametrize("query", ["turnout", "Turnout passed", "TURNOUT"])
def test_entry_list_search_finds_entries_without_a_headline_by_their_text(
    admin_client, feed, news_index, query
):
    factories.make_entry(feed, text="Turnout passed 60 percent in the capital.")
    factories.make_entry(feed, text="Polls close at eight.")
    factories.make_entry(feed, headline="Count begins", text="Ballot boxes arrive.")

    found = listing(admin_client.get(url(LiveEntry, "index"), {"q": query}))

    assert "Turnout passed 60 percent" in found
    assert "Polls close" not in found and "Count begins" not in found


@pytest.mark.indexed
def test_entry_list_search_keeps_the_lists_filters(admin_client, feed, news_index):
    other = factories.make_feed(news_index, "Match report")
    factories.make_entry(feed, text="Turnout in the north.", is_key_event=True)
    factories.make_entry(feed, text="Turnout in the south.")
    factories.make_entry(other, text="Turnout at the stadium.", is_key_event=True)

    found = listing(
        admin_client.get(
            url(LiveEntry, "index"),
            {"q": "turnout", "is_key_event__exact": "1", "feed__page_ptr__exact": feed.pk},
        )
    )

    assert "north" in found
    assert "south" not in found and "stadium" not in found


def test_entry_list_of_a_feed_without_entries_is_empty(admin_client, feed, news_index):
    quiet = factories.make_feed(news_index, "Quiet feed")
    factories.make_entry(feed, headline="Elsewhere")
    response = admin_client.get(entry_admin_urls(quiet)["entries_list_url"])
    assert response.status_code == 200
    assert "Elsewhere" not in listing(response)


@pytest.mark.parametrize(
    "query",
    [
        "feed__page_ptr__exact=abc",  # malformed value of a real filter
        "is_pinned__exact=7",
        "no_such_field=1",  # unknown keys are ignored, not passed to QuerySet.filter
        "created_by__password__startswith=zzz",
        "p=abc",
        "o=abc",
    ],
)
def test_entry_list_survives_hand_edited_query_strings(admin_client, feed, query):
    factories.make_entry(feed, headline="Still listed")
    response = admin_client.get(f"{url(LiveEntry, 'index')}?{query}", follow=True)
    assert response.status_code == 200
    assert "Still listed" in listing(response)


def test_entry_list_costs_a_fixed_number_of_queries(
    client, feed, news_index, django_assert_max_num_queries
):
    user = factories.make_user(groups=[factories.feed_group(feed, publish=True)])
    client.force_login(user)
    for n in range(3):
        factories.make_entry(feed, headline=f"Entry {n}", is_key_event=True)
    assert client.get(url(LiveEntry, "index")).status_code == 200  # warms caches
    with django_assert_max_num_queries(40) as few:
        client.get(url(LiveEntry, "index"))
    for n in range(20):
        factories.make_entry(feed, headline=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url(LiveEntry, "index"))
    print(f"entries list: {len(few)} queries for 3 entries, {len(many)} for 23")
    assert '<span class="w-status w-status--primary">Key event</span>' in listing(response)
    assert "More 19" in listing(response)


def test_entry_history_messages_name_the_entry(admin_client, feed):
    factories.make_entry(feed, headline="Polls close")
    response = admin_client.get(reverse("wagtailadmin_pages:history", args=[feed.pk]))
    assert response.status_code == 200
    assert "Published entry &#x27;Polls close&#x27;" in response.text


# Live entries: who may do what ---------------------------------------------------------------


def assert_refused(response) -> None:
    """Wagtail answers a refused admin view with a redirect to the dashboard and a "no
    permission" message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def other_feed(news_index):
    return factories.make_feed(news_index, "Someone else's feed")


def login_with(client, feed, *, publish: bool):
    user = factories.make_user(groups=[factories.feed_group(feed, publish=publish)])
    client.force_login(user)
    return user


def test_editor_sees_only_entries_of_feeds_they_may_edit(client, feed, other_feed):
    login_with(client, feed, publish=True)
    factories.make_entry(feed, headline="Mine to edit")
    factories.make_entry(other_feed, headline="Not for you")
    response = client.get(url(LiveEntry, "index"))
    assert response.status_code == 200
    assert "Mine to edit" in listing(response)
    assert "Not for you" not in listing(response)
    filtered = client.get(entry_admin_urls(other_feed)["entries_list_url"])
    assert "Not for you" not in listing(filtered)


def test_editor_cannot_reach_or_change_an_entry_of_another_feed(client, feed, other_feed):
    login_with(client, feed, publish=True)
    entry = factories.make_entry(other_feed, headline="Untouchable")
    version = entry.version
    assert client.get(url(LiveEntry, "edit", entry.pk)).status_code == 404
    assert client.get(url(LiveEntry, "delete", entry.pk)).status_code == 404
    assert client.get(url(LiveEntry, "create"), {"feed": other_feed.pk})["Location"] == url(
        LiveEntry, "index"
    )
    for action, extra in (("delete", {"confirm": "yes"}), ("unpublish", {})):
        with nothing_saved():
            response = bulk(client, action, [entry], **extra)
        assert response.status_code == 302 and response["Location"] == url(LiveEntry, "index")
    entry.refresh_from_db()
    assert (entry.headline, entry.version, entry.deleted_at) == ("Untouchable", version, None)
    assert entry.status == "published"


def test_admin_user_without_any_feed_permission_is_kept_out(client, feed):
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(factories.make_user(groups=[group]))
    entry = factories.make_entry(feed, headline="Private")
    assert_refused(client.get(url(LiveEntry, "index")))
    assert client.get(url(LiveEntry, "edit", entry.pk)).status_code == 404
    assert url(LiveEntry, "index") not in client.get(reverse("wagtailadmin_home")).text
    with nothing_saved():
        response = bulk(client, "delete", [entry], confirm="yes")
    assert response.status_code == 302 and response["Location"] == url(LiveEntry, "index")
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None


def test_contributor_sees_published_entries_without_edit_links(client, feed):
    user = login_with(client, feed, publish=False)
    entry = factories.make_entry(feed, headline="Live already")
    draft = factories.make_entry(feed, user, headline="My draft", status="draft")
    rows = listing(client.get(url(LiveEntry, "index")))
    assert "Live already" in rows and console_edit(entry) not in rows
    assert console_edit(draft) in rows and console_delete(draft) in rows


def test_contributor_gets_no_edit_or_delete_links_on_a_colleagues_draft(client, feed):
    """As in the console: a contributor changes only the drafts they created, so a colleague's
    draft is listed without buttons or a row link (they would end in "no permission")."""
    login_with(client, feed, publish=False)
    theirs = factories.make_entry(
        feed,
        factories.make_user(groups=[factories.feed_group(feed, publish=False)]),
        headline="Their draft",
        status="draft",
    )
    rows = listing(client.get(url(LiveEntry, "index")))
    assert "Their draft" in rows
    assert console_edit(theirs) not in rows and console_delete(theirs) not in rows


def test_entry_list_of_a_contributor_costs_a_fixed_number_of_queries(
    client, feed, django_assert_max_num_queries
):
    user = login_with(client, feed, publish=False)
    factories.make_entry(feed, user, headline="Mine 0", status="draft")
    assert client.get(url(LiveEntry, "index")).status_code == 200  # warms caches
    with django_assert_max_num_queries(40) as one:
        client.get(url(LiveEntry, "index"))
    for n in range(1, 15):
        factories.make_entry(feed, user, headline=f"Mine {n}", status="draft")
        factories.make_entry(feed, headline=f"Theirs {n}", status="draft")
    factories.make_entry(feed, headline="Theirs 15", status="draft")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url(LiveEntry, "index"))
    rows = listing(response)
    assert rows.count("<tr") - 1 == 30
    assert "Mine 14" in rows and "Theirs 15" in rows


def test_taxonomy_needs_django_model_permissions(client, feed):
    user = login_with(client, feed, publish=True)
    assert_refused(client.get(url(Topic, "index")))
    with nothing_saved():
        assert_refused(client.post(url(Topic, "create"), {"name": "Sneaky", "slug": "sneaky"}))
    assert not Topic.objects.exists()
    group = Group.objects.create(name="Topic editors")
    group.permissions.add(*Permission.objects.filter(codename__in=["add_topic", "change_topic"]))
    user.groups.add(group)
    assert client.get(url(Topic, "index")).status_code == 200
    assert client.post(url(Topic, "create"), {"name": "Allowed", "slug": ""}).status_code == 302
    assert Topic.objects.filter(slug="allowed").exists()
