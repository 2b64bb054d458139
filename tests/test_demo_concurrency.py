"""Two ``load_newsfeed_demo`` runs at once (``make demo`` twice, two containers starting) queue:
the second waits for the first's transaction, then finds its work done."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from wagtail_newsfeed.demo.articles import ARTICLES
from wagtail_newsfeed.models import NewsArticlePage

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's locks and threads"
    ),
]


def test_two_forced_demo_loads_at_once_both_succeed(settings):
    settings.DEBUG = True
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    outputs: list[str] = []

    def load() -> None:
        out = StringIO()
        try:
            start.wait()
            call_command("load_newsfeed_demo", "--force", "--demo-superuser", stdout=out)
            outputs.append(out.getvalue())
        except BaseException as error:  # reported in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert len(outputs) == 2 and all("Demo loaded" in out for out in outputs)
    assert get_user_model().objects.filter(username="admin").count() == 1
    slugs = [article["slug"] for article in ARTICLES]
    assert NewsArticlePage.objects.filter(slug__in=slugs).count() == len(slugs)
