"""Settings: defaults, overrides and system checks."""

import pytest
from django.core import checks
from django.test import override_settings

from wagtail_newsfeed.checks.settings import check_settings
from wagtail_newsfeed.conf import DEFAULTS, settings


def test_defaults_apply_when_a_key_is_not_set():
    assert settings.ENTRIES_PER_PAGE == DEFAULTS["ENTRIES_PER_PAGE"]


def test_override_settings_is_picked_up_and_dropped():
    with override_settings(WAGTAIL_NEWSFEED={"ENTRIES_PER_PAGE": 3}):
        assert settings.ENTRIES_PER_PAGE == 3
    assert settings.ENTRIES_PER_PAGE == DEFAULTS["ENTRIES_PER_PAGE"]


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError):
        settings.NO_SUCH_SETTING  # noqa: B018


@pytest.mark.parametrize(
    ("value", "error_id"),
    [
        ({"NO_SUCH_KEY": 1}, "wagtail_newsfeed.E002"),
        ({"ENTRIES_PER_PAGE": 0}, "wagtail_newsfeed.E003"),
        ({"POLL_INTERVAL": "5"}, "wagtail_newsfeed.E003"),
        ({"API_PAGE_SIZE": 500}, "wagtail_newsfeed.E004"),
        ({"API_RENDITIONS": ["width-800"]}, "wagtail_newsfeed.E005"),
        ({"API_WRITE_THROTTLE_RATE": "lots"}, "wagtail_newsfeed.E006"),
        ({"API_SEARCH_MAX_RESULTS": -1}, "wagtail_newsfeed.E003"),
        ({"SEO_IMAGE_RENDITIONS": "fill-1200x675"}, "wagtail_newsfeed.E007"),
    ],
)
def test_bad_values_are_reported_by_system_checks(value, error_id):
    with override_settings(WAGTAIL_NEWSFEED=value):
        assert error_id in [error.id for error in check_settings()]


def test_throttling_may_be_switched_off():
    with override_settings(WAGTAIL_NEWSFEED={"API_WRITE_THROTTLE_RATE": None}):
        assert not check_settings()


def test_the_shipped_configuration_passes_the_checks():
    errors = checks.run_checks(tags=[checks.Tags.compatibility])
    assert not [e for e in errors if e.id.startswith("wagtail_newsfeed.")]
