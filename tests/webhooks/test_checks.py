"""System checks of webhooks: an INFO when the task backend cannot defer, an ERROR for a
malformed ``WEBHOOK_ALLOWED_PRIVATE_NETWORKS`` or a numeric setting out of its range. No test
here may use the database (pytest-django raises on any query), which proves that the checks
never read it."""

from __future__ import annotations

import pytest
from django.core.checks import ERROR, INFO, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from wagtail_newsfeed.checks.settings import check_settings
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


@pytest.mark.parametrize(
    "key, value",
    [
        ("WEBHOOK_TIMEOUT", 0),  # every attempt would fail without trying
        ("WEBHOOK_TIMEOUT", -1),
        ("WEBHOOK_TIMEOUT", float("inf")),
        ("WEBHOOK_TIMEOUT", "5"),
        ("WEBHOOK_LOG_DAYS", -1),  # pruning would delete every finished delivery
        ("WEBHOOK_LOG_DAYS", 0),
        ("WEBHOOK_LOG_DAYS", float("nan")),
        ("WEBHOOK_MAX_ATTEMPTS", 0),
        ("WEBHOOK_MAX_ATTEMPTS", 2.5),
        ("WEBHOOK_MAX_ATTEMPTS", 31),  # the back-off would run for years
        ("WEBHOOK_RETRY_DELAY", -5),
        ("WEBHOOK_RETRY_DELAY", 0),  # every retry in the request that failed
        ("WEBHOOK_COALESCE_SECONDS", -5),
        ("WEBHOOK_COALESCE_SECONDS", True),
        ("WEBHOOK_MAX_RESPONSE_BYTES", -1),
        ("WEBHOOK_MAX_RESPONSE_BYTES", 1.5),
        ("WEBHOOK_MAX_RESPONSE_BYTES", None),
        # Beyond these a date overflows: every publish with an endpoint would fail.
        ("WEBHOOK_LOG_DAYS", 1e6),
        ("WEBHOOK_RETRY_DELAY", 86_401),
        ("WEBHOOK_TIMEOUT", 301),
        ("WEBHOOK_COALESCE_SECONDS", 1e12),
    ],
)
def test_a_numeric_webhook_setting_out_of_range_fails_manage_py_check(webhook_settings, key, value):
    webhook_settings(**{key: value})
    (error,) = [e for e in check_settings() if key in e.msg]
    assert (error.id, error.level) == ("wagtail_newsfeed.E003", ERROR)
    with pytest.raises(SystemCheckError, match=key):
        call_command("check")


@pytest.mark.parametrize(
    "key, value",
    [
        ("WEBHOOK_TIMEOUT", 0.5),
        ("WEBHOOK_LOG_DAYS", 0.5),
        ("WEBHOOK_MAX_ATTEMPTS", 1),
        ("WEBHOOK_MAX_ATTEMPTS", 30),
        ("WEBHOOK_RETRY_DELAY", 2.5),
        ("WEBHOOK_COALESCE_SECONDS", 0),
        ("WEBHOOK_COALESCE_SECONDS", 0.25),
        ("WEBHOOK_MAX_RESPONSE_BYTES", 0),
        ("WEBHOOK_LOG_DAYS", 36_500),
        ("WEBHOOK_RETRY_DELAY", 86_400),
        ("WEBHOOK_TIMEOUT", 300),
        ("WEBHOOK_COALESCE_SECONDS", 86_400),
    ],
)
def test_a_numeric_webhook_setting_in_range_passes(webhook_settings, key, value):
    webhook_settings(**{key: value})
    assert check_settings() == []
