"""The template guide's snippets work as written: a project's ``wagtail_newsfeed/base.html`` that
extends ours (docs/templates.md, "Overriding the skeleton")."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "templates.md"


def skeleton_snippet() -> str:
    section = GUIDE.read_text().split("## Overriding the skeleton", 1)[1]
    return re.search(r"```django\n(.*?)```", section, re.S).group(1)


def test_project_base_html_from_the_guide_extends_ours_on_every_reader_page(
    client, settings, tmp_path, news_index, feed
):
    snippet = skeleton_snippet()
    assert '{% extends "wagtail_newsfeed/base.html" %}' in snippet
    (tmp_path / "wagtail_newsfeed").mkdir()
    (tmp_path / "wagtail_newsfeed" / "base.html").write_text(snippet)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0].get("DIRS", [])]
    settings.TEMPLATES = templates
    article = factories.make_article(news_index, "Summit ends with a deal")

    for page in [news_index, article, feed]:
        response = client.get(page.url)

        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert "wagtail_newsfeed/newsfeed.css" in html  # ours, through {{ block.super }}
        assert "css/site.css" in html  # the project's
        assert page.title in html
