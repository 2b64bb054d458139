"""The times an editor gives a page (an article's publication and update times, its corrections, a
feed's coverage) are refused outside the range entries' display times keep to, 1900 to a year
ahead (``local_time.out_of_range``), with an error on the field and nothing saved: late on
31 December 9999 a time overflows when Wagtail stores the revision or a page shows it in the
site's time zone (a 500, and an editor locked out of the page). Only editors who may publish an
article may date it in the future, as for entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset
from wagtail.users.models import UserProfile

from tests import factories
from tests.checks import nothing_saved
from tests.page_forms import add_url, article_data, edit_url, feed_data
from wagtail_newsfeed.models import LiveFeedPage, NewsArticlePage

pytestmark = pytest.mark.django_db

RANGE = "after 1900 and at most a year from now"
FUTURE = "Only editors who may publish this page"
BERLIN = "Europe/Berlin"


def field_errors(response, name: str) -> list[str]:
    """The errors Wagtail's page editor shows on field ``name`` (or a formset's form field)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    if name in form.errors:
        return [str(error) for error in form.errors[name]]
    return [
        str(error)
        for formset in form.formsets.values()
        for errors in formset.errors
        for error in errors.get(name, [])
    ]


def in_a_year_and_more() -> str:
    moment = timezone.localtime() + timedelta(days=370)
    return moment.strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def article(news_index):
    return factories.make_article(
        news_index, "Kept headline", published_at=datetime(2021, 4, 18, 12, 30, tzinfo=UTC)
    )


def post_article(client, article, **overrides):
    data = article_data(slug=article.slug, **overrides)
    data["action-publish"] = "action-publish"
    return client.post(edit_url(article), data)


# The range, at every time zone ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["published_at", "updated_at"])
@pytest.mark.parametrize(
    "zone, value",
    [
        ("America/New_York", "9999-12-31 23:59"),  # year 10000 in UTC: the revision overflowed
        (BERLIN, "0001-01-01 00:00"),  # before year 1 in UTC
        (BERLIN, "1899-12-31 23:59"),
        (BERLIN, "in a year and more"),
    ],
)
def test_an_article_time_out_of_range_is_an_error_on_its_field(
    admin_client, article, field, zone, value
):
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        if value == "in a year and more":
            value = in_a_year_and_more()
        with nothing_saved():
            response = post_article(admin_client, article, **{field: value})
        assert any(RANGE in error for error in field_errors(response, field))
        assert admin_client.get(edit_url(article)).status_code == 200


def test_an_article_out_of_range_is_not_created(admin_client, news_index):
    data = article_data(published_at="9999-12-31 23:59")
    data["action-publish"] = "action-publish"
    with nothing_saved():
        response = admin_client.post(add_url(NewsArticlePage, news_index), data)
    assert any(RANGE in error for error in field_errors(response, "published_at"))


def test_a_correction_time_out_of_range_is_an_error_on_its_field(admin_client, article):
    corrections = inline_formset(
        [{"kind": "update", "noted_at": "9999-12-31 23:59", "text": "Added reaction."}]
    )
    with nothing_saved():
        response = post_article(admin_client, article, corrections=corrections)
    assert any(RANGE in error for error in field_errors(response, "noted_at"))


@pytest.mark.parametrize("field", ["coverage_start", "coverage_end"])
@pytest.mark.parametrize("value", ["9999-12-31 23:59", "0001-01-01 00:00"])
@override_settings(TIME_ZONE=BERLIN)
def test_a_feeds_coverage_out_of_range_is_an_error_on_its_field(admin_client, feed, field, value):
    data = feed_data(slug=feed.slug, **{field: value})
    data["action-publish"] = "action-publish"
    with timezone.override(BERLIN), nothing_saved():
        response = admin_client.post(edit_url(feed), data)
    assert any(RANGE in error for error in field_errors(response, field))


@override_settings(TIME_ZONE=BERLIN)
def test_an_editor_in_los_angeles_cannot_store_a_time_that_is_year_10000_in_berlin(
    admin_client, superuser, article
):
    """9999-12-31 15:30 in Los Angeles is 23:30 UTC, which Wagtail could store, and 00:30 on
    1 January 10000 in Berlin, which the edit view then failed to show on every load."""
    profile = UserProfile.get_for_user(superuser)
    profile.current_time_zone = "America/Los_Angeles"
    profile.save()
    with nothing_saved():
        response = post_article(admin_client, article, published_at="9999-12-31 15:30")
    assert any(RANGE in error for error in field_errors(response, "published_at"))
    assert admin_client.get(edit_url(article)).status_code == 200


def test_the_range_holds_for_writes_without_a_form(news_index):
    """Imports and management commands save through ``full_clean`` (Wagtail's ``save``)."""
    article = NewsArticlePage(
        title="Far", slug="far", published_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    )
    with pytest.raises(ValidationError) as raised, nothing_saved():
        news_index.add_child(instance=article)
    assert RANGE in str(raised.value.message_dict["published_at"])


@override_settings(TIME_ZONE=BERLIN)
def test_a_headless_preview_of_a_time_out_of_range_is_refused_not_a_500(
    admin_client, superuser, article, settings
):
    settings.WAGTAIL_NEWSFEED = {
        **settings.WAGTAIL_NEWSFEED,
        "HEADLESS_PREVIEW_URL": "https://front.example/api/preview",
    }
    profile = UserProfile.get_for_user(superuser)
    profile.current_time_zone = "America/Los_Angeles"
    profile.save()
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    with nothing_saved():
        posted = admin_client.post(
            preview, article_data(slug=article.slug, published_at="9999-12-31 15:30")
        )
        assert posted.status_code == 200 and posted.json()["is_valid"] is False
        shown = admin_client.get(preview, {"mode": "headless", "in_preview_panel": "true"})
    assert shown.status_code == 200


# A time in the future -------------------------------------------------------------------------


def article_writer(index, *, publish: bool):
    group = Group.objects.create(name=f"Article writers {publish}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission_type in ["add", "change"] + (["publish"] if publish else []):
        GroupPagePermission.objects.create(group=group, page=index, permission_type=permission_type)
    return factories.make_user(groups=[group])


def tomorrow() -> str:
    return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


def test_a_writer_who_may_not_publish_cannot_date_an_article_in_the_future(
    client, news_index, article
):
    client.force_login(article_writer(news_index, publish=False))
    data = article_data(slug=article.slug, published_at=tomorrow())
    data["action-submit"] = "action-submit"
    with nothing_saved():
        response = client.post(edit_url(article), data)
    assert any(FUTURE in error for error in field_errors(response, "published_at"))


def test_a_writer_who_may_not_publish_cannot_create_an_article_dated_in_the_future(
    client, news_index
):
    client.force_login(article_writer(news_index, publish=False))
    with nothing_saved():
        response = client.post(
            add_url(NewsArticlePage, news_index), article_data(published_at=tomorrow())
        )
    assert any(FUTURE in error for error in field_errors(response, "published_at"))


def test_a_writer_who_may_not_publish_keeps_a_future_time_a_publisher_gave(client, news_index):
    ahead = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    article = factories.make_article(news_index, "Embargoed", published_at=ahead)
    client.force_login(article_writer(news_index, publish=False))
    shown = timezone.localtime(ahead).strftime("%Y-%m-%d %H:%M")
    data = article_data(slug=article.slug, title="Edited", published_at=shown)
    response = client.post(edit_url(article), data)
    assert response.status_code == 302, field_errors(response, "published_at")
    stored = NewsArticlePage.objects.get(pk=article.pk)
    assert stored.get_latest_revision_as_object().title == "Edited"


def test_a_publisher_may_date_an_article_in_the_future(client, news_index, article):
    client.force_login(article_writer(news_index, publish=True))
    response = post_article(client, article, published_at=tomorrow())
    assert response.status_code == 302, field_errors(response, "published_at")
    article.refresh_from_db()
    assert article.published_at > timezone.now()


def test_the_feed_form_is_not_held_to_the_article_rule(admin_client, feed):
    """Only ``publisher_time_fields`` are: a feed's coverage may be planned ahead."""
    data = feed_data(slug=feed.slug, coverage_status="upcoming", coverage_start=tomorrow())
    data["action-publish"] = "action-publish"
    assert admin_client.post(edit_url(feed), data).status_code == 302
    assert LiveFeedPage.objects.get(pk=feed.pk).coverage_start > timezone.now()
