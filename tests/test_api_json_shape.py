"""One shape of JSON for every client: a public answer is shared by caches, so a client's
``Accept: application/json; indent=N`` must not choose the body (or the ETag) others get."""

import pytest
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/newsfeed/v1/articles/", "/api/newsfeed/v1/topics/"])
def test_an_indent_in_accept_changes_nothing(news_index, path):
    factories.make_article(news_index, "Shaped")
    plain = APIClient().get(path)
    indented = APIClient().get(path, HTTP_ACCEPT="application/json; indent=8")

    assert indented.status_code == 200
    assert indented.content == plain.content
    assert b"\n" not in indented.content
    assert indented["ETag"] == plain["ETag"]
