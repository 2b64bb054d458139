"""Running the importer as an operator would (``manage.py import_wordpress``) on exports the tests
write, and counting what it wrote."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision

from wagtail_newsfeed.models import Author, LiveEntry, Topic, WordPressOrigin

_runs = itertools.count(1)


@pytest.fixture
def uploads(tmp_path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


@pytest.fixture
def run_import(news_index, tmp_path):
    """``run_import(export, **options)``: the command's output (stdout)."""

    def run(export, **options) -> str:
        path = export.write(tmp_path / f"export-{next(_runs)}.xml")
        out, err = io.StringIO(), io.StringIO()
        options.setdefault("index", str(news_index.pk))
        call_command("import_wordpress", str(path), stdout=out, stderr=err, **options)
        return out.getvalue()

    return run


def rows() -> dict[str, int]:
    """How many rows of everything an import may write."""
    models = [
        Page,
        Revision,
        PageLogEntry,
        PageViewRestriction,
        get_image_model(),
        get_document_model(),
        Author,
        Topic,
        Tag,
        Redirect,
        LiveEntry,
        WordPressOrigin,
        Group,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def count_rows():
    return rows
