"""The one id rule (``converters.parse_id``), the same at every door that takes an id."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.checks import assert_problem, nothing_saved
from wagtail_newsfeed.converters import MAX_ID, parse_count, parse_id
from wagtail_newsfeed.wordpress.shortcodes import Expander
from wagtail_newsfeed.wordpress.values import serialized_ids, wp_id

pytestmark = pytest.mark.django_db

#: Not ids: too long for a 64-bit column, not positive, not ASCII digits (``str.isdigit()`` is
#: true of full-width and superscript digits), not a whole number written plainly.
NOT_IDS = ["9" * 19, str(10**30), "0", "-1", "１２", "²", "1e3", " 7", "7.0", ""]
#: The WordPress importer strips the blanks around ids in an export ("4, 7"), then applies the rule.
WORDPRESS_NOT_IDS = [value for value in NOT_IDS if value != " 7"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_parse_id_refuses_what_is_not_an_id(value):
    assert parse_id(value) is None


def test_parse_id_takes_ascii_digits_and_ints_up_to_eighteen_digits():
    assert parse_id("1") == 1
    assert parse_id("9" * 18) == MAX_ID == parse_id(MAX_ID)
    assert parse_id(MAX_ID + 1) is None
    assert parse_id(True) is None and parse_id(None) is None and parse_id(1.0) is None


@pytest.mark.parametrize("value", [*NOT_IDS[:2], "-1", "１２", "²", "1e3", " 7", "+7", "1_0", ""])
def test_parse_count_refuses_what_is_not_a_plainly_written_whole_number(value):
    assert parse_count(value) is None
    assert parse_count("9" * 5000) is None  # past 4,300 digits int() raises


def test_parse_count_takes_zero_and_stops_at_its_maximum():
    assert parse_count("0") == 0
    assert parse_count("0080", 65535) == 80
    assert parse_count("65536", 65535) is None
    assert parse_count(7) is None  # query strings and headers only: text


@pytest.mark.parametrize("value", NOT_IDS[:-1])
def test_the_console_refuses_a_bad_author_id_with_a_form_error(admin_client, feed, value):
    data = nested_form_data(
        {"headline": "", "body": streamfield([("paragraph", rich_text("<p>Polls close.</p>"))])}
    )
    data["authors"] = [value]
    data["action"] = "publish"

    with nothing_saved():
        response = admin_client.post(
            reverse("wagtail_newsfeed_console:console", args=[feed.pk]), data
        )

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["authors"]
    assert [error.code for error in errors] == ["invalid_pk_value"]


@pytest.mark.parametrize("value", NOT_IDS[:-1])
def test_live_fragments_refuse_a_bad_entry_id_with_a_400(feed, value):
    url = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])

    body = assert_problem(Client().get(url, {"ids": f"1,{value}"}), 400)

    assert list(body["errors"]) == ["ids"]


@pytest.mark.parametrize("value", NOT_IDS[:-1])
def test_the_api_refuses_a_bad_before_id_with_a_400(feed, value):
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])

    body = assert_problem(APIClient().get(url, {"before": value}), 400)

    assert body["errors"] == {"before": ["Must be an entry id."]}


@pytest.mark.parametrize("value", NOT_IDS[:-1])
def test_the_admin_list_filter_refuses_a_bad_feed_id_with_a_message(admin_client, feed, value):
    url = "/admin/wagtail_newsfeed/liveentry/"

    response = admin_client.get(url, {"feed__page_ptr__exact": value})

    assert response.status_code == 302 and response["Location"] == url
    assert [str(m).strip() for m in get_messages(response.wsgi_request)] == [
        "That filter is not valid; showing the whole list."
    ]


@pytest.mark.parametrize("value", WORDPRESS_NOT_IDS)
def test_wordpress_values_refuse_what_is_not_an_id(value):
    assert wp_id(value) is None
    assert serialized_ids(f'a:2:{{i:0;s:{len(value)}:"{value}";i:1;i:{value};}}') == []
    assert serialized_ids('a:2:{i:0;s:1:"5";i:1;i:6;}') == [5, 6]


@pytest.mark.parametrize("value", WORDPRESS_NOT_IDS[:-1])
def test_a_wordpress_gallery_keeps_only_real_ids(value):
    html = Expander(warn=lambda kind, message: None).expand(f'[gallery ids="4,{value}"]')

    assert 'data-id="4"' in html
    assert html.count("<img") == 1
