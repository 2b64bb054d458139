"""The editors' live console in the Wagtail admin: posting, editing, pinning, flagging, publishing
and deleting entries, with Wagtail's page permissions deciding who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed import delta, entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db


def console(feed):
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def action(entry, name):
    return reverse("wagtail_newsfeed_console:action", args=[entry.feed_id, entry.pk, name])


def shown(entry):
    """What the console's forms for ``entry`` send: the version they show (as stored now)."""
    return {"expected_version": LiveEntry.objects.get(pk=entry.pk).version}


def edit_url(entry):
    return reverse("wagtail_newsfeed_console:edit", args=[entry.feed_id, entry.pk])


def delete_url(entry):
    return reverse("wagtail_newsfeed_console:delete", args=[entry.feed_id, entry.pk])


def entry_data(text="Polls have closed.", headline="", action_name="publish", **extra):
    data = nested_form_data(
        {
            "headline": headline,
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            **extra,
        }
    )
    if action_name:
        data["action"] = action_name
    return data


def body_text(entry):
    return str(entry.body[0].value)


@pytest.fixture
def outsider(news_index, feed):
    other = factories.make_feed(news_index, "Another story")
    return factories.make_user("outsider", groups=[factories.feed_group(other, publish=True)])


def test_console_lists_latest_entries_with_drafts_and_without_deleted(admin_client, feed):
    factories.make_entry(feed, text="Published one", headline="First results")
    factories.make_entry(feed, text="A draft", status=LiveEntry.Status.DRAFT)
    gone = factories.make_entry(feed, text="Deleted text")
    entry_rules.delete_entry(gone, gone.created_by)

    response = admin_client.get(console(feed))

    assert response.status_code == 200
    html = response.content.decode()
    assert "First results" in html and "Published one" in html
    assert "A draft" in html and "Draft" in html
    assert "Deleted text" not in html
    assert "Publish now" in html and "Save as draft" in html
    # The real block editor: the StreamField widget and its scripts are on the page.
    assert 'data-controller="w-block"' in html
    assert "telepath/blocks.js" in html


def test_composer_publishes_an_entry_with_the_next_version(admin_client, feed, superuser):
    factories.make_entry(feed)
    before = delta.current_version(feed)

    response = admin_client.post(
        console(feed), entry_data("Turnout is at a record high.", headline="Turnout")
    )

    assert response.status_code == 302 and response.url == console(feed)
    entry = LiveEntry.objects.get(headline="Turnout")
    assert entry.status == LiveEntry.Status.PUBLISHED
    assert entry.version == before + 1 == delta.current_version(feed)
    assert "Turnout is at a record high." in body_text(entry)
    assert entry.created_by == superuser
    assert PageLogEntry.objects.filter(page=feed, action="wagtail_newsfeed.entry.publish").exists()


def test_composer_saves_a_draft_with_pin_and_key_event(admin_client, feed):
    response = admin_client.post(
        console(feed),
        entry_data("Not confirmed yet", action_name="draft", is_pinned="on", is_key_event="on"),
    )

    assert response.status_code == 302
    entry = LiveEntry.objects.get(feed=feed)
    assert entry.status == LiveEntry.Status.DRAFT
    assert entry.is_pinned and entry.is_key_event


def test_invalid_block_data_shows_errors_and_keeps_the_editors_input(admin_client, feed):
    data = nested_form_data(
        {
            "headline": "Keep this headline",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Keep this paragraph</p>")),
                    ("quote", {"text": "", "attribution": "Nobody"}),
                ]
            ),
        }
    )
    data["action"] = "publish"

    with nothing_saved():
        response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be saved" in html
    assert "Keep this headline" in html
    assert "Keep this paragraph" in html and "Nobody" in html
    assert "body" in response.context["form"].errors
    assert not LiveEntry.objects.filter(feed=feed).exists()


def test_an_empty_body_is_refused_with_a_form_error(admin_client, feed):
    data = nested_form_data({"headline": "Only a headline", "body": streamfield([])})
    data["action"] = "publish"

    with nothing_saved():
        response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert 'value="Only a headline"' in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_a_body_of_empty_paragraphs_is_refused(admin_client, feed):
    data = entry_data("", headline="Nothing below")

    with nothing_saved():
        response = admin_client.post(console(feed), data)

    assert response.status_code == 200
    assert "would be empty" in str(response.context["form"].errors["body"])
    assert "Nothing below" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_edit_with_the_current_version_saves(admin_client, feed):
    entry = factories.make_entry(feed, headline="Old headline")

    page = admin_client.get(edit_url(entry))
    assert page.status_code == 200 and "Old headline" in page.content.decode()
    response = admin_client.post(
        edit_url(entry),
        entry_data("Corrected text", headline="New headline", expected_version=entry.version),
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.headline == "New headline" and "Corrected text" in body_text(entry)
    assert entry.version == delta.current_version(feed)


def test_edit_conflict_keeps_the_editors_text_and_changes_nothing(admin_client, feed, superuser):
    entry = factories.make_entry(feed, text="Original")
    loaded_version = entry.version
    entry_rules.update_entry(entry, superuser, headline="Someone else's headline")
    entry.refresh_from_db()

    with nothing_saved():
        response = admin_client.post(
            edit_url(entry),
            entry_data("My careful rewrite", headline="Mine", expected_version=loaded_version),
        )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this entry" in html
    assert "My careful rewrite" in html and "Someone else&#x27;s headline" in html
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert stored.headline == "Someone else's headline" and stored.version == entry.version
    # The re-rendered form now carries the current version: saving again overwrites on purpose.
    assert response.context["form"]["expected_version"].value() == str(entry.version)
    again = admin_client.post(
        edit_url(entry),
        entry_data("My careful rewrite", headline="Mine", expected_version=entry.version),
    )
    assert again.status_code == 302
    assert LiveEntry.objects.get(pk=entry.pk).headline == "Mine"


def test_pin_moves_the_pin_and_unpin_removes_it(admin_client, feed):
    first = factories.make_entry(feed, is_pinned=True)
    second = factories.make_entry(feed)

    assert admin_client.post(action(second, "pin"), shown(second)).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_pinned and not first.is_pinned

    admin_client.post(action(second, "unpin"), shown(second))
    assert not LiveEntry.objects.filter(feed=feed, is_pinned=True).exists()


def test_key_event_flag_toggles(admin_client, feed):
    entry = factories.make_entry(feed)

    admin_client.post(action(entry, "key-event"), shown(entry))
    assert LiveEntry.objects.get(pk=entry.pk).is_key_event
    admin_client.post(action(entry, "not-key-event"), shown(entry))
    assert not LiveEntry.objects.get(pk=entry.pk).is_key_event


def test_publish_and_unpublish_a_draft(admin_client, feed):
    draft = factories.make_entry(feed, status=LiveEntry.Status.DRAFT)

    admin_client.post(action(draft, "publish"), shown(draft))
    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.PUBLISHED
    admin_client.post(action(draft, "unpublish"), shown(draft))
    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.DRAFT


def test_state_changes_need_post(admin_client, feed):
    entry = factories.make_entry(feed)

    with nothing_saved():
        assert admin_client.get(action(entry, "pin")).status_code == 405
    assert not LiveEntry.objects.get(pk=entry.pk).is_pinned


def test_delete_asks_for_confirmation_then_leaves_a_tombstone(admin_client, feed):
    entry = factories.make_entry(feed, text="To be removed")

    confirm = admin_client.get(delete_url(entry))
    assert confirm.status_code == 200 and "Yes, delete" in confirm.content.decode()
    assert LiveEntry.objects.get(pk=entry.pk).deleted_at is None

    response = admin_client.post(delete_url(entry), shown(entry))
    assert response.status_code == 302
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert stored.deleted_at is not None and stored.version == delta.current_version(feed)
    after = admin_client.get(console(feed)).content.decode()
    assert f'id="console-entry-{entry.pk}"' not in after
    assert "“To be removed (" in after  # the message names the entry by its first words
    # Its editor, opened from an old tab, says it is gone (``test_console_deleted``).
    assert admin_client.get(edit_url(entry))["Location"] == console(feed)


def test_contributor_sees_no_publish_buttons_and_can_save_drafts(client, feed, contributor):
    client.force_login(contributor)

    html = client.get(console(feed)).content.decode()
    assert "Save as draft" in html and "Publish now" not in html

    client.post(console(feed), entry_data("Draft from a reporter", action_name="draft"))
    entry = LiveEntry.objects.get(feed=feed)
    assert entry.status == LiveEntry.Status.DRAFT and entry.created_by == contributor


def test_contributor_cannot_pin_but_keeps_the_text_as_a_draft(client, feed, contributor):
    pinned = factories.make_entry(feed, text="The live pinned entry", is_pinned=True)
    client.force_login(contributor)

    page = client.get(console(feed))
    assert page.context["form"].fields["is_pinned"].disabled
    assert action(pinned, "unpin") not in page.content.decode()
    response = client.post(
        console(feed), entry_data("Reporter's note", action_name="draft", is_pinned="on")
    )

    assert response.status_code == 302
    draft = LiveEntry.objects.get(feed=feed, status=LiveEntry.Status.DRAFT)
    assert "Reporter's note" in body_text(draft) and not draft.is_pinned
    assert LiveEntry.objects.get(pk=pinned.pk).is_pinned


def test_contributor_edits_a_draft_an_editor_pinned_without_losing_the_pin(
    client, feed, contributor, superuser
):
    draft = factories.make_entry(feed, contributor, text="Prepared", status=LiveEntry.Status.DRAFT)
    entry_rules.set_pinned(draft, superuser)
    client.force_login(contributor)

    response = client.post(
        edit_url(draft), entry_data("Prepared and polished", expected_version=draft.version)
    )

    assert response.status_code == 302
    stored = LiveEntry.objects.get(pk=draft.pk)
    assert "Prepared and polished" in body_text(stored) and stored.is_pinned


def test_draft_published_while_a_contributor_edits_it_refuses_but_keeps_the_text(
    client, feed, contributor, superuser
):
    draft = factories.make_entry(
        feed, contributor, text="First take", status=LiveEntry.Status.DRAFT
    )
    client.force_login(contributor)
    assert client.get(edit_url(draft)).status_code == 200
    entry_rules.publish_entry(draft, superuser)
    version = delta.current_version(feed)

    with nothing_saved():
        response = client.post(
            edit_url(draft), entry_data("Second take, unsaved", expected_version=draft.version)
        )

    assert response.status_code == 403
    assert "Second take, unsaved" in response.content.decode()
    assert "not publish or change live ones" in response.content.decode()
    assert delta.current_version(feed) == version


def test_contributor_cannot_publish_by_crafting_a_request(client, feed, contributor):
    client.force_login(contributor)
    draft = factories.make_entry(feed, status=LiveEntry.Status.DRAFT)
    published = factories.make_entry(feed, text="Live text")
    version = delta.current_version(feed)

    home = reverse("wagtailadmin_home")
    attempts = [  # Wagtail's refusal (to the dashboard with a message), or the form with a 403
        (console(feed), entry_data("Changed", action_name="publish"), 403),
        (action(draft, "publish"), shown(draft), 302),
        (action(published, "pin"), shown(published), 302),
        (delete_url(published), shown(published), 302),
        (edit_url(published), entry_data("Changed", expected_version=published.version), 403),
    ]
    for url, data, status in attempts:
        with nothing_saved():
            response = client.post(url, data)
        assert response.status_code == status, url
        if status == 302:
            assert response.url == home
        else:
            assert "Changed" in response.content.decode()  # the editor's text is kept

    assert delta.current_version(feed) == version
    assert LiveEntry.objects.filter(feed=feed).count() == 2
    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.DRAFT
    stored = LiveEntry.objects.get(pk=published.pk)
    assert "Live text" in body_text(stored) and not stored.is_pinned and not stored.deleted_at


def test_editor_with_publish_permission_publishes_a_contributors_draft(client, feed, editor):
    draft = factories.make_entry(feed, status=LiveEntry.Status.DRAFT)
    client.force_login(editor)

    html = client.get(console(feed)).content.decode()
    assert action(draft, "publish") in html
    client.post(action(draft, "publish"), shown(draft))

    assert LiveEntry.objects.get(pk=draft.pk).status == LiveEntry.Status.PUBLISHED


def test_user_without_permission_on_the_feed_is_refused_and_nothing_changes(client, feed, outsider):
    entry = factories.make_entry(feed, text="Untouched")
    version = delta.current_version(feed)
    logs = PageLogEntry.objects.count() + ModelLogEntry.objects.count()
    client.force_login(outsider)

    response = client.get(console(feed))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    attempts = [
        (console(feed), entry_data("Intruder")),
        (edit_url(entry), entry_data("Intruder", expected_version=entry.version)),
        (action(entry, "pin"), shown(entry)),
        (action(entry, "unpublish"), shown(entry)),
        (delete_url(entry), shown(entry)),
    ]
    for url, data in attempts:
        with nothing_saved():
            response = client.post(url, data)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")

    assert delta.current_version(feed) == version
    assert list(LiveEntry.objects.values_list("pk", flat=True)) == [entry.pk]
    stored = LiveEntry.objects.get(pk=entry.pk)
    assert "Untouched" in body_text(stored) and stored.deleted_at is None
    assert PageLogEntry.objects.count() + ModelLogEntry.objects.count() == logs


def test_anonymous_users_are_sent_to_the_login_page(client, feed):
    response = client.get(console(feed))
    assert response.status_code == 302 and "/login/" in response.url


def test_unknown_feed_or_entry_is_a_404(admin_client, feed, news_index):
    entry = factories.make_entry(feed)
    other = factories.make_feed(news_index)

    assert admin_client.get(console(news_index)).status_code == 404
    assert admin_client.get(reverse("wagtail_newsfeed_console:console", args=[99999])).status_code
    wrong_feed = reverse("wagtail_newsfeed_console:edit", args=[other.pk, entry.pk])
    assert admin_client.get(wrong_feed).status_code == 404


def test_feed_edit_view_and_page_listing_link_to_the_console(admin_client, feed, news_index):
    edit_view = admin_client.get(reverse("wagtailadmin_pages:edit", args=[feed.pk]))
    assert console(feed) in edit_view.content.decode()

    listing = admin_client.get(reverse("wagtailadmin_explore", args=[news_index.pk]))
    assert console(feed) in listing.content.decode()

    article = factories.make_article(news_index)
    article_view = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert "/console/" not in article_view.content.decode()


def test_console_costs_a_fixed_number_of_queries(admin_client, feed, django_assert_max_num_queries):
    for n in range(3):
        factories.make_entry(feed, text=f"Entry {n}")
    admin_client.get(console(feed))  # warm caches (site root paths, content types)
    with django_assert_max_num_queries(40) as few:
        admin_client.get(console(feed))
    for n in range(20):
        factories.make_entry(feed, text=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(console(feed))


def test_console_list_refreshes_from_a_partial_with_the_feeds_version(admin_client, feed):
    factories.make_entry(feed, text="From a colleague", headline="Colleague")

    response = admin_client.get(console(feed), {"partial": "entries"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-console-version="{delta.current_version(feed)}"' in html
    assert "Colleague" in html and "<form" in html and "New entry" not in html


def test_the_partial_renders_nothing_while_the_version_shown_is_current(
    admin_client, feed, django_assert_max_num_queries
):
    factories.make_entry(feed, headline="First")
    shown = str(delta.current_version(feed))
    with django_assert_max_num_queries(12):  # session, user, permissions, the version
        quiet = admin_client.get(console(feed), {"partial": "entries", "version": shown})
    assert quiet.status_code == 204 and quiet.content == b""

    factories.make_entry(feed, headline="Second")
    changed = admin_client.get(console(feed), {"partial": "entries", "version": shown})
    assert changed.status_code == 200 and "Second" in changed.content.decode()


def test_partial_list_is_refused_to_users_without_permission(client, feed, outsider):
    factories.make_entry(feed, headline="Private draft", status=LiveEntry.Status.DRAFT)
    client.force_login(outsider)

    response = client.get(console(feed), {"partial": "entries"})

    assert response.status_code == 302 and "Private draft" not in response.content.decode()
