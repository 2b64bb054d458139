"""A view restriction hides (and its removal shows) the aliases of the pages below it along whole
chains of aliases, and the pages below those aliases (``visibility``): their cached copies are
purged with the section's."""

import pytest
from wagtail.models import PageViewRestriction

from tests import factories
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed import visibility

pytestmark = pytest.mark.django_db


def test_restricting_a_section_purges_aliases_of_aliases(news_index, purged, committed):
    section = factories.make_index(title="Business", slug="business")
    story = factories.make_article(section, "Merger", slug="merger")
    first = story.create_alias(parent=factories.make_index(slug="mirror"), update_slug="mirrored")
    second = first.create_alias(parent=factories.make_index(slug="world"), update_slug="again")
    RecordingBackend.reset()
    with committed():
        PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert not visibility.is_page_visible(second)
    assert {first.full_url, second.full_url} <= set(purged)


def test_lifting_a_restriction_purges_aliases_of_aliases(news_index, purged, committed):
    section = factories.make_index(title="Business", slug="business")
    story = factories.make_article(section, "Merger", slug="merger")
    first = story.create_alias(parent=factories.make_index(slug="mirror"), update_slug="mirrored")
    second = first.create_alias(parent=factories.make_index(slug="world"), update_slug="again")
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="login")
    RecordingBackend.reset()
    with committed():
        restriction.delete()
    assert visibility.is_page_visible(second)
    assert second.full_url in purged


def test_restricting_a_section_purges_a_story_added_below_its_alias(news_index, purged, committed):
    section = factories.make_index(title="Business", slug="business")
    desk = factories.make_index(section, title="Desk", slug="desk")
    mirror = desk.create_alias(parent=factories.make_index(slug="news-mirror"))
    below = factories.make_article(mirror, "Added under the alias", slug="added")
    RecordingBackend.reset()
    with committed():
        PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert not visibility.is_page_visible(below)
    assert below.full_url in purged
