"""A demo load whose transaction rolls back leaves no image files behind in MEDIA_ROOT: the
rows are gone with the rollback, and so are the files the run wrote."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Page

from wagtail_newsfeed.demo import newsroom
from wagtail_newsfeed.demo.accounts import WRITER_USERNAME

pytestmark = pytest.mark.django_db


def media_files() -> set[str]:
    found = set()
    for folder, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found.update(
            os.path.relpath(os.path.join(folder, name), settings.MEDIA_ROOT) for name in files
        )
    return found


def test_a_load_that_rolls_back_removes_the_image_files_it_wrote():
    # An inactive demo writer and no superuser: the run fails when it writes the live entries,
    # after the images are written.
    get_user_model().objects.create(username=WRITER_USERNAME, is_active=False)
    before = media_files()
    pages = Page.objects.count()

    with pytest.raises(CommandError, match="is inactive"):
        call_command("load_newsfeed_demo", stdout=StringIO())

    assert Page.objects.count() == pages
    assert not get_image_model().objects.exists()
    assert media_files() == before


def test_a_load_that_commits_keeps_its_image_files():
    before = media_files()
    call_command("load_newsfeed_demo", stdout=StringIO())
    images = get_image_model().objects.all()
    assert images.count() == len(newsroom.IMAGES)
    assert {image.file.name for image in images} <= media_files() - before
    assert all(image.width and image.height for image in images)
