"""System checks of webhooks: an INFO when the task backend cannot defer, an ERROR for a
malformed ``WEBHOOK_ALLOWED_PRIVATE_NETWORKS``. No test here may use the database (pytest-django
raises on any query), which proves that the checks never read it."""

from __future__ import annotations

import pytest
from django.core.checks import ERROR, INFO, run_checks
from django.core.management import call_command

from wagtail_newsfeed.webhooks.checks import check_allowed_private_networks, check_task_backend


def ids(messages) -> list[str]:
    return [m.id for m in messages if m.id.startswith("wagtail_newsfeed.")]


def test_the_immediate_backend_is_reported_as_info_only():
    (message,) = check_task_backend()
    assert (message.id, message.level) == ("wagtail_newsfeed.I101", INFO)
    assert "send_webhooks" in message.hint
    assert "wagtail_newsfeed.I101" in ids(run_checks(include_deployment_checks=True))
    assert "wagtail_newsfeed.I101" not in ids(run_checks())  # a deployment note only
    call_command("check", fail_level="WARNING")  # does not fail CI's check


def test_a_backend_that_can_defer_needs_no_note(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert check_task_backend() == []


def test_good_private_networks_pass(webhook_settings):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=["10.0.0.0/8", "fd00::/8", "127.0.0.1"])
    assert check_allowed_private_networks() == []
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])
    assert check_allowed_private_networks() == []


@pytest.mark.parametrize(
    "value, names",
    [
        ("10.0.0.0/8", "not str"),  # a string, not a list: would be read character by character
        (["10.0.0.0/8", "intranet"], "'intranet'"),
        (["10.0.0.0/33"], "'10.0.0.0/33'"),
        ([None], "None"),
        (None, "not NoneType"),
    ],
)
def test_a_malformed_private_networks_setting_is_an_error(webhook_settings, value, names):
    webhook_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=value)
    (error,) = check_allowed_private_networks()
    assert (error.id, error.level) == ("wagtail_newsfeed.E101", ERROR)
    assert names in error.msg and "WEBHOOK_ALLOWED_PRIVATE_NETWORKS" in error.msg
    assert "wagtail_newsfeed.E101" in ids(run_checks())
