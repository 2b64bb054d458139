"""An author's linked user in the Newsroom admin: only those who may manage users in Wagtail
(Wagtail's users admin asks for the user model's *change* permission) see the list of accounts
and may set the link; a desk that may only add and change authors sees no usernames, cannot set
or clear the link by posting it, and keeps an existing link when it saves the author."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests import factories
from tests.checks import nothing_saved
from wagtail_newsfeed.models import Author

pytestmark = pytest.mark.django_db

AUTHOR_PERMISSIONS = ["access_admin", "add_author", "change_author"]


def url(action: str, *args) -> str:
    return reverse(f"wagtail_newsfeed_author_modeladmin_{action}", args=args)


def fields(**extra: str) -> dict[str, str]:
    return {"name": "Jane Doe", "slug": "jane", "role": "", "bio": "", **extra}


def login(client, username: str, codenames: list[str]):
    group = Group.objects.create(name=f"{username} group")
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user = factories.make_user(username, groups=[group])
    client.force_login(user)
    return user


@pytest.fixture
def accounts(db) -> dict[str, object]:
    """Accounts a desk must not learn about: an administrator, a reporter, a departed one."""
    gone = factories.make_user("departed-qx")
    gone.is_active = False
    gone.save()
    return {
        "admin": factories.make_superuser("root-admin-qx"),
        "reporter": factories.make_user("reporter-qx"),
        "gone": gone,
    }


@pytest.fixture
def desk(client):
    """May add and change authors, not manage users (Wagtail's users admin refuses them)."""
    login(client, "desk-qx", AUTHOR_PERMISSIONS)
    assert client.get(reverse("wagtailusers_users:index")).status_code == 302
    return client


@pytest.fixture
def user_manager(client):
    """May add and change authors and change users, as Wagtail's users admin asks."""
    login(client, "manager-qx", [*AUTHOR_PERMISSIONS, "change_user"])
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200
    return client


def test_desk_sees_no_user_list_on_the_author_forms(desk, accounts):
    author = factories.make_author("Jane Doe", slug="jane")
    for page in (url("create"), url("edit", author.pk)):
        response = desk.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="user"' not in html
        for username in ("root-admin-qx", "reporter-qx", "departed-qx"):
            assert username not in html


def test_desk_cannot_link_a_user_by_posting_one(desk, accounts):
    assert desk.post(url("create"), fields(user=str(accounts["admin"].pk))).status_code == 302
    author = Author.objects.get(slug="jane")
    assert author.user is None
    edit = url("edit", author.pk)
    assert desk.post(edit, fields(user=str(accounts["reporter"].pk))).status_code == 302
    assert Author.objects.get(pk=author.pk).user is None


@pytest.mark.parametrize("posted", [None, "", "reporter"])
def test_desk_saving_an_author_keeps_its_linked_user(desk, accounts, posted):
    author = factories.make_author("Jane Doe", slug="jane")
    author.user = accounts["gone"]
    author.save()
    data = fields(role="Diplomatic editor")
    if posted is not None:
        data["user"] = str(accounts[posted].pk) if posted else ""
    assert desk.post(url("edit", author.pk), data).status_code == 302
    saved = Author.objects.get(pk=author.pk)
    assert (saved.role, saved.user) == ("Diplomatic editor", accounts["gone"])


def test_user_manager_chooses_among_active_users_and_links_one(user_manager, accounts):
    html = user_manager.get(url("create")).content.decode()
    assert 'name="user"' in html
    assert "root-admin-qx" in html and "reporter-qx" in html
    assert "departed-qx" not in html
    response = user_manager.post(url("create"), fields(user=str(accounts["reporter"].pk)))
    assert response.status_code == 302
    assert Author.objects.get(slug="jane").user == accounts["reporter"]


def test_user_manager_cannot_link_an_inactive_user(user_manager, accounts):
    with nothing_saved():
        response = user_manager.post(url("create"), fields(user=str(accounts["gone"].pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_an_inactive_user_already_linked_stays_selected_and_kept(user_manager, accounts):
    author = factories.make_author("Jane Doe", slug="jane")
    author.user = accounts["gone"]
    author.save()
    html = user_manager.get(url("edit", author.pk)).content.decode()
    assert f'<option value="{accounts["gone"].pk}" selected>' in html
    data = fields(role="Foreign editor", user=str(accounts["gone"].pk))
    assert user_manager.post(url("edit", author.pk), data).status_code == 302
    saved = Author.objects.get(pk=author.pk)
    assert (saved.role, saved.user) == ("Foreign editor", accounts["gone"])


def test_user_manager_can_clear_the_link(user_manager, accounts):
    author = factories.make_author("Jane Doe", slug="jane")
    author.user = accounts["reporter"]
    author.save()
    assert user_manager.post(url("edit", author.pk), fields(user="")).status_code == 302
    assert Author.objects.get(pk=author.pk).user is None
