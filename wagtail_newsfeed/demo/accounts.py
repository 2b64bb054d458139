"""The demo's users: the local demo's ``admin``/``admin`` (only when asked) and who writes the live
entries.

The demo creates no user anyone can sign in as unless ``--demo-superuser`` asks, since the same
command may run on a public site; the rules for both users live here so that promise is kept in
one place. ``report`` is where a message for the person running the command goes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from wagtail.models import GroupPagePermission, Page

from wagtail_newsfeed.models import LiveFeedPage

#: The local demo's superuser (``--demo-superuser``): a password everyone knows.
DEMO_USERNAME = DEMO_PASSWORD = "admin"
#: Who writes the demo's live entries when the site has no superuser: it cannot sign in, and its
#: group may only add, edit and publish under the demo's live feed.
WRITER_USERNAME = "newsfeed-demo-writer"
WRITER_GROUP = "Newsfeed demo writers"
WRITER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def ensure_demo_superuser(report: Callable[[str], None]) -> None:
    """The local demo's ``admin``/``admin``. An existing ``admin`` is left exactly as it is:
    resetting its password would hand a real account to anyone who reads the README."""
    User = get_user_model()
    if User.objects.filter(username=DEMO_USERNAME).exists():
        report(f"User '{DEMO_USERNAME}' exists already; left unchanged.")
        return
    User.objects.create_superuser(DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD)
    report(f"Created superuser '{DEMO_USERNAME}' with password '{DEMO_PASSWORD}'.")


def entry_writer(feed: LiveFeedPage, report: Callable[[str], None]) -> Any:
    """Who the live entries are written by (``live`` checks the writer's page permissions):
    the oldest active superuser, else a user made for it who can never sign in.

    That user is active, since Wagtail grants an inactive user nothing, but has no usable
    password (so no sign-in and no password reset), no admin access and no staff flag, and
    its group may only add, edit and publish pages under the demo feed."""
    User = get_user_model()
    superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if superuser is not None:
        return superuser
    writer = User.objects.filter(username=WRITER_USERNAME).first()
    if writer is None:
        writer = User(username=WRITER_USERNAME)
        writer.set_unusable_password()
        writer.save()
        report(
            f"Live entries are written by '{WRITER_USERNAME}', a user who cannot sign in "
            "and may only edit the demo's live feed."
        )
    if not writer.is_active:
        raise CommandError(
            f"User '{WRITER_USERNAME}' is inactive, so it cannot write the demo's live "
            "entries: create a superuser ('manage.py createsuperuser') and run this again."
        )
    group, _created = Group.objects.get_or_create(name=WRITER_GROUP)
    page_type = ContentType.objects.get_for_model(Page)
    for permission in Permission.objects.filter(
        content_type=page_type, codename__in=WRITER_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=feed, permission=permission)
    writer.groups.add(group)
    return writer
