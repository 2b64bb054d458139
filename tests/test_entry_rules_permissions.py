"""Who may write a live feed's entries: the page permissions on the feed (``change`` on it or
an ancestor, or ``add`` on a feed the user owns), decided alike by the console, the write API
and the Newsroom list. A workflow task that lets a reviewer into the page editor does not count:
live entries are not part of the page revision under moderation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import api_client_for, assert_problem, entries_url, nothing_saved
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry

pytestmark = pytest.mark.django_db

BODY = [{"type": "paragraph", "value": "<p>Counting continues.</p>"}]


def console(feed) -> str:
    return reverse("wagtail_newsfeed_console:console", args=[feed.pk])


def entry_list() -> str:
    return reverse("wagtail_newsfeed_liveentry_modeladmin_index")


def console_post(text: str) -> dict:
    data = nested_form_data(
        {"headline": "", "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))])}
    )
    data["action"] = "draft"
    return data


def admin_only_group(name: str) -> Group:
    group = Group.objects.create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return group


def in_moderation(feed, reviewers: Group, submitter) -> None:
    """Puts ``feed`` on a workflow whose one task ``reviewers`` approve, submitted as Wagtail's
    page editor does: a new revision, then the page's workflow started on it."""
    task = GroupApprovalTask.objects.create(name="Legal review")
    task.groups.set([reviewers])
    workflow = Workflow.objects.create(name="Legal")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=feed, workflow=workflow)
    feed.save_revision(user=submitter)
    feed.get_workflow().start(feed, submitter)
    feed.refresh_from_db()


@pytest.fixture
def reviewer(feed, editor):
    """An admin user with no page permission, reviewer of the workflow ``feed`` is on."""
    group = admin_only_group("Legal reviewers")
    user = factories.make_user("reviewer", groups=[group])
    in_moderation(feed, group, editor)
    return user


@pytest.fixture
def owner(news_index):
    """A reporter who may add pages under the news index, and owns the feed they added."""
    group = admin_only_group("Reporters")
    GroupPagePermission.objects.create(group=group, page=news_index, permission_type="add")
    user = factories.make_user("reporter", groups=[group])
    return user, factories.make_feed(news_index, "Reporter's live feed", owner=user)


def test_the_reviewer_may_open_the_page_editor_of_the_feed_under_review(feed, reviewer):
    """The premise of the tests below: Wagtail lets the reviewer into the page editor."""
    assert feed.workflow_in_progress
    assert feed.permissions_for_user(reviewer).can_edit()


def test_a_workflow_reviewer_cannot_post_entries_through_the_api(feed, reviewer):
    with nothing_saved():
        response = api_client_for(reviewer).post(
            entries_url(feed), {"body": BODY, "status": "draft"}, "json"
        )
    assert_problem(response, 403, "permission")


def test_a_workflow_reviewer_is_refused_the_console(client, feed, reviewer):
    client.force_login(reviewer)
    response = client.get(console(feed))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    with nothing_saved():
        response = client.post(console(feed), console_post("Reviewer's draft"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_a_workflow_reviewer_sees_no_entries_in_the_newsroom(client, feed, reviewer):
    entry = factories.make_entry(feed, headline="Under embargo")
    client.force_login(reviewer)
    response = client.get(entry_list())
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    bulk = reverse("wagtail_newsfeed_liveentry_modeladmin_bulk")
    with nothing_saved():
        data = {"action": "delete", "id": [entry.pk], "confirm": "yes"}
        response = client.post(bulk, {**data, "seen": f"{entry.pk}:{entry.version}"})
    assert response.status_code == 302 and response.url == entry_list()


@pytest.mark.parametrize("moderated", [False, True], ids=["live", "in-moderation"])
def test_an_owner_with_add_permission_writes_through_every_door(client, owner, moderated):
    user, feed = owner
    if moderated:
        in_moderation(feed, admin_only_group("Desk"), user)
    factories.make_entry(feed, headline="Listed for the owner")

    response = api_client_for(user).post(
        entries_url(feed), {"body": BODY, "status": "draft"}, "json"
    )
    assert response.status_code == 201, response.content
    assert LiveEntry.objects.get(pk=response.json()["id"]).created_by == user
    client.force_login(user)
    assert client.get(console(feed)).status_code == 200
    listed = client.get(entry_list())
    assert listed.status_code == 200 and "Listed for the owner" in listed.text


def test_add_permission_without_ownership_gives_no_entry_rights(news_index, owner):
    user, _ = owner
    feed = factories.make_feed(news_index, "A colleague's feed")
    assert not entry_rules.can_edit_feed(user, feed)
    assert not entry_rules.editable_feeds(user).filter(pk=feed.pk).exists()


USERS = [
    "superuser",
    "editor",
    "contributor",
    "owner",
    "reviewer",
    "outsider",
    "inactive",
    "anonymous",
]


@pytest.mark.parametrize("kind", USERS)
def test_the_feed_check_and_the_feed_list_agree(request, news_index, kind):
    """``can_edit_feed`` (console, API) and ``editable_feeds`` (Newsroom list, its bulk
    actions) are one rule: a user may write to a feed exactly when it is among theirs."""
    feed = request.getfixturevalue("feed")
    expected = kind in {"superuser", "editor", "contributor", "owner"}
    if kind == "owner":
        user, feed = request.getfixturevalue("owner")
    elif kind == "outsider":
        other = factories.make_feed(news_index, "Another story")
        user = factories.make_user(groups=[factories.feed_group(other, publish=True)])
    elif kind == "inactive":
        user = factories.make_user(groups=[factories.feed_group(feed, publish=True)])
        user.is_active = False
        user.save()
    elif kind == "anonymous":
        user = AnonymousUser()
    else:
        user = request.getfixturevalue(kind)

    assert entry_rules.can_edit_feed(user, feed) is expected
    assert entry_rules.editable_feeds(user).filter(pk=feed.pk).exists() is expected


def test_a_workflow_reviewer_sees_no_entries_in_the_page_editors_entries_tab(
    client, feed, reviewer, editor
):
    """Wagtail lets the reviewer into the page editor, but not into the feed's entries."""
    factories.make_entry(feed, headline="Under embargo", status=LiveEntry.Status.DRAFT)
    page_editor = reverse("wagtailadmin_pages:edit", args=[feed.pk])
    client.force_login(reviewer)

    response = client.get(page_editor)

    assert response.status_code == 200
    assert "Under embargo" not in response.text
    assert console(feed) not in response.text  # no link to a console they are refused
    assert "which your permissions do not open" in response.text
    client.force_login(editor)
    assert "Under embargo" in client.get(page_editor).text
