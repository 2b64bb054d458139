"""A write the database cannot take right now (a lock held too long, a restart) saves nothing and
says so: the console keeps the editor's text (503), the API answers a 503 problem with
Retry-After. On PostgreSQL, with a real lock held by another connection."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests import factories
from tests.checks import postgres_connection
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import LiveEntry, LiveFeedCounter

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]


@contextmanager
def feed_locked_elsewhere(feed):
    """Another connection holds the feed's counter row; this one waits at most 200 ms."""
    holder = postgres_connection()
    try:
        table = LiveFeedCounter._meta.db_table
        holder.execute(f"SELECT * FROM {table} WHERE feed_id = %s FOR UPDATE", [feed.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        yield
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


@pytest.fixture
def feed_with_counter(news_index):
    feed = factories.make_feed(news_index)
    editor = factories.make_superuser("busy-editor")
    entry_rules.create_entry(
        feed, editor, body=factories.paragraph("First")
    )  # makes the counter row
    return feed, editor


def test_the_console_answers_503_and_keeps_the_text(client, feed_with_counter):
    feed, editor = feed_with_counter
    client.force_login(editor)
    data = nested_form_data(
        {"headline": "", "body": streamfield([("paragraph", rich_text("<p>Kept</p>"))])}
    )
    data["action"] = "publish"
    with feed_locked_elsewhere(feed):
        response = client.post(f"/admin/newsfeed/feeds/{feed.pk}/console/", data)
    assert response.status_code == 503
    html = response.content.decode()
    assert "database is busy" in html and "Kept" in html
    assert LiveEntry.objects.filter(feed=feed).count() == 1


def test_the_api_answers_a_503_problem_with_retry_after(feed_with_counter):
    feed, editor = feed_with_counter
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    body = {"body": [{"type": "paragraph", "value": "<p>Later</p>"}]}
    with feed_locked_elsewhere(feed):
        response = api.post(f"/api/newsfeed/v1/feeds/{feed.pk}/entries/", body, "json")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["Retry-After"] == "5"
    assert LiveEntry.objects.filter(feed=feed).count() == 1
