"""The Newsroom admin menu: topics, authors, sources and live entries, through the real views."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from wagtail_newsfeed import live
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


def entry_data(feed, text: str = "Polls have closed.", **fields) -> dict:
    data = {
        "feed": str(feed.pk),
        "headline": "",
        "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
        "status": LiveEntry.Status.PUBLISHED,
        "display_time": "2026-11-03 20:00",
    }
    data.update(fields)
    return nested_form_data(data)


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
    response = admin_client.post(url(model, "create"), {**fields, "name": "", "slug": "x"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not model.objects.exists()


@pytest.mark.parametrize(("model", "make", "fields"), TAXONOMY)
def test_taxonomy_duplicate_slug_is_a_form_error(admin_client, model, make, fields):
    make(slug="taken")
    response = admin_client.post(url(model, "create"), {**fields, "slug": "taken"})
    assert response.status_code == 200
    assert "already exists" in response.text
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


# Live entries: the editor's path -------------------------------------------------------------


def test_entry_create_view_preselects_the_feed_from_the_query_string(admin_client, feed):
    response = admin_client.get(entry_admin_urls(feed)["add_entry_url"])
    assert response.status_code == 200
    assert f'<option value="{feed.pk}" selected>' in response.text


def test_entry_create_goes_through_the_write_path(admin_client, feed, superuser):
    author = factories.make_author("Jane Doe")
    data = entry_data(feed, "Polls have closed.", headline="Polls close", is_key_event="on")
    data["authors"] = [str(author.pk)]
    response = admin_client.post(url(LiveEntry, "create"), data)
    assert response.status_code == 302
    assert response["Location"] == entry_admin_urls(feed)["entries_list_url"]
    entry = LiveEntry.objects.get(feed=feed)
    assert (entry.headline, entry.is_key_event, entry.status) == ("Polls close", True, "published")
    assert "Polls have closed." in str(entry.body)
    assert list(entry.authors.all()) == [author]
    assert entry.created_by == superuser
    assert entry.version == live.current_version(feed) > 0
    assert feed_log(feed) == ["wagtail_newsfeed.entry.publish"]


def test_entry_create_with_invalid_data_keeps_the_text_and_saves_nothing(admin_client, feed):
    data = entry_data(feed, "Turnout is at a record high.", display_time="not a time")
    response = admin_client.post(url(LiveEntry, "create"), data)
    assert response.status_code == 200
    assert "Enter a valid date/time." in response.text
    assert "Turnout is at a record high." in response.text
    assert not LiveEntry.objects.exists()


def test_entry_create_with_empty_body_is_a_form_error(admin_client, feed):
    data = entry_data(feed)
    data.update(nested_form_data({"body": streamfield([])}))
    response = admin_client.post(url(LiveEntry, "create"), data)
    assert response.status_code == 200
    assert "could not be created" in response.text
    assert not LiveEntry.objects.exists()


def test_entry_create_with_only_an_empty_paragraph_is_a_form_error(admin_client, feed):
    response = admin_client.post(url(LiveEntry, "create"), entry_data(feed, text=""))
    assert response.status_code == 200
    assert "this entry would be empty" in response.text
    assert not LiveEntry.objects.exists()


def test_entry_edit_updates_bumps_version_and_logs(admin_client, feed):
    entry = factories.make_entry(feed, headline="Old")
    before = entry.version
    assert admin_client.get(url(LiveEntry, "edit", entry.pk)).status_code == 200
    data = entry_data(feed, "New text", headline="New", expected_version=str(before))
    response = admin_client.post(url(LiveEntry, "edit", entry.pk), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.headline == "New" and "New text" in str(entry.body)
    assert entry.version > before
    assert feed_log(feed)[-1] == "wagtail_newsfeed.entry.edit"


def test_entry_edit_of_a_stale_version_keeps_the_edit_and_can_be_resent(
    admin_client, feed, superuser
):
    entry = factories.make_entry(feed, headline="First")
    stale = entry.version
    live.update_entry(entry, superuser, headline="Someone else's")
    data = entry_data(feed, "My careful rewrite", headline="Mine", expected_version=str(stale))
    response = admin_client.post(url(LiveEntry, "edit", entry.pk), data)
    assert response.status_code == 200
    assert "Someone else changed this entry" in response.text
    assert "My careful rewrite" in response.text
    entry.refresh_from_db()
    assert entry.headline == "Someone else's"
    data["expected_version"] = str(entry.version)  # what the re-rendered form now holds
    assert f'value="{entry.version}"' in response.text
    assert admin_client.post(url(LiveEntry, "edit", entry.pk), data).status_code == 302
    entry.refresh_from_db()
    assert entry.headline == "Mine"


def test_entry_delete_leaves_a_tombstone_with_a_new_version(admin_client, feed):
    entry = factories.make_entry(feed, headline="Wrong result")
    before = entry.version
    assert admin_client.get(url(LiveEntry, "delete", entry.pk)).status_code == 200
    assert admin_client.post(url(LiveEntry, "delete", entry.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.deleted_at is not None and entry.version > before
    assert feed_log(feed)[-1] == "wagtail_newsfeed.entry.delete"
    assert "Wrong result" not in listing(admin_client.get(url(LiveEntry, "index")))
    edit = admin_client.get(url(LiveEntry, "edit", entry.pk))
    assert edit.status_code == 302  # deleted entries are not editable


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
    """Wagtail answers a refused admin view with 403, or a redirect to the dashboard with a
    "no permission" message."""
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == 403


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


def test_editor_cannot_open_change_or_delete_an_entry_of_another_feed(client, feed, other_feed):
    login_with(client, feed, publish=True)
    entry = factories.make_entry(other_feed, headline="Untouchable")
    version = entry.version
    assert_refused(client.get(url(LiveEntry, "edit", entry.pk)))
    data = entry_data(other_feed, "Hijacked", headline="Hijacked", expected_version=str(version))
    assert_refused(client.post(url(LiveEntry, "edit", entry.pk), data))
    assert_refused(client.post(url(LiveEntry, "delete", entry.pk)))
    entry.refresh_from_db()
    assert (entry.headline, entry.version, entry.deleted_at) == ("Untouchable", version, None)


def test_editor_cannot_post_to_a_feed_they_may_not_edit(client, feed, other_feed):
    login_with(client, feed, publish=True)
    form = client.get(url(LiveEntry, "create")).text
    assert f'<option value="{other_feed.pk}"' not in form
    response = client.post(url(LiveEntry, "create"), entry_data(other_feed, "Sneaky"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "Sneaky" in response.text
    assert not LiveEntry.objects.exists()


def test_admin_user_without_any_feed_permission_is_kept_out(client, feed):
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(factories.make_user(groups=[group]))
    entry = factories.make_entry(feed, headline="Private")
    for action, args in [("index", ()), ("create", ()), ("edit", (entry.pk,))]:
        assert_refused(client.get(url(LiveEntry, action, *args)))
    assert url(LiveEntry, "index") not in client.get(reverse("wagtailadmin_home")).text


def test_contributor_saves_a_draft(client, feed):
    user = login_with(client, feed, publish=False)
    form = client.get(entry_admin_urls(feed)["add_entry_url"]).text
    assert '<option value="draft" selected>' in form
    data = entry_data(feed, "Draft for the desk", status=LiveEntry.Status.DRAFT)
    assert client.post(url(LiveEntry, "create"), data).status_code == 302
    entry = LiveEntry.objects.get(feed=feed)
    assert (entry.status, entry.created_by) == ("draft", user)
    assert feed_log(feed) == ["wagtail_newsfeed.entry.create_draft"]
    data = entry_data(feed, "Better draft", status="draft", expected_version=str(entry.version))
    assert client.post(url(LiveEntry, "edit", entry.pk), data).status_code == 302
    entry.refresh_from_db()
    assert "Better draft" in str(entry.body) and entry.status == "draft"


def test_contributor_cannot_publish_or_pin(client, feed):
    login_with(client, feed, publish=False)
    response = client.post(url(LiveEntry, "create"), entry_data(feed, "Straight to readers"))
    assert response.status_code == 200
    assert "as drafts only" in response.text
    assert "Straight to readers" in response.text
    pinned = entry_data(feed, "Pin me", status="draft", is_pinned="on")
    response = client.post(url(LiveEntry, "create"), pinned)
    assert "can pin entries" in response.text
    assert not LiveEntry.objects.exists()


def test_contributor_cannot_publish_their_draft_on_edit(client, feed):
    user = login_with(client, feed, publish=False)
    entry = factories.make_entry(feed, user, status="draft", headline="Draft")
    data = entry_data(feed, "Now live?", headline="Draft", expected_version=str(entry.version))
    response = client.post(url(LiveEntry, "edit", entry.pk), data)
    assert response.status_code == 200
    assert "as drafts only" in response.text
    entry.refresh_from_db()
    assert entry.status == "draft" and "Now live?" not in str(entry.body)


def test_contributor_edit_of_a_published_entry_is_refused_and_keeps_their_text(client, feed):
    login_with(client, feed, publish=False)
    entry = factories.make_entry(feed, headline="Live already")
    listing_html = listing(client.get(url(LiveEntry, "index")))
    assert "Live already" in listing_html
    assert url(LiveEntry, "edit", entry.pk) not in listing_html  # no edit button for them
    page = client.get(url(LiveEntry, "edit", entry.pk))
    assert "only editors who may publish" in page.text
    data = entry_data(
        feed,
        "Contributor fix",
        headline="Live already",
        status="draft",
        expected_version=str(entry.version),
    )
    response = client.post(url(LiveEntry, "edit", entry.pk), data)
    assert response.status_code == 200
    assert "drafts, but not publish or change live ones" in response.text
    assert "Contributor fix" in response.text
    entry.refresh_from_db()
    assert entry.status == "published" and "Contributor fix" not in str(entry.body)
    assert_refused(client.post(url(LiveEntry, "delete", entry.pk)))
    entry.refresh_from_db()
    assert entry.deleted_at is None


def test_create_view_ignores_a_feed_the_editor_may_not_edit(client, feed, other_feed):
    login_with(client, feed, publish=True)
    response = client.get(entry_admin_urls(other_feed)["add_entry_url"])
    assert response.status_code == 200
    assert f'<option value="{other_feed.pk}"' not in response.text
    assert f'<option value="{feed.pk}" selected>' not in response.text


def test_taxonomy_needs_django_model_permissions(client, feed):
    user = login_with(client, feed, publish=True)
    assert_refused(client.get(url(Topic, "index")))
    assert_refused(client.post(url(Topic, "create"), {"name": "Sneaky", "slug": "sneaky"}))
    assert not Topic.objects.exists()
    group = Group.objects.create(name="Topic editors")
    group.permissions.add(*Permission.objects.filter(codename__in=["add_topic", "change_topic"]))
    user.groups.add(group)
    assert client.get(url(Topic, "index")).status_code == 200
    assert client.post(url(Topic, "create"), {"name": "Allowed", "slug": ""}).status_code == 302
    assert Topic.objects.filter(slug="allowed").exists()
