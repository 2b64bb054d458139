"""Writing an entry that links to hidden pages shows nothing of them back: the validator may accept
a link to any page that exists, but neither the 201 answer nor what readers fetch afterwards (the
entries API, the live page, its fragments) names a draft or a page in a view-restricted section."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests import factories
from tests.checks import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_targets(news_index):
    """A draft article, and an article inside a section only password holders may see."""
    draft = factories.make_article(
        news_index, "Embargoed budget leak", publish=False, slug="embargoed-budget-leak"
    )
    section = factories.make_index(news_index, "Investigations desk", slug="investigations-desk")
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    private = factories.make_article(section, "Merger memo findings", slug="merger-memo-findings")
    return [draft, private, section]


@pytest.fixture
def visible_target(news_index):
    """A published page linked alongside: its URL shows, so the checks below are not vacuous."""
    return factories.make_article(news_index, "Public explainer", slug="public-explainer")


def marks(pages) -> list[str]:
    """What would give a hidden page away: its title, its slug, its URL."""
    return [mark for page in pages for mark in (page.title, page.slug, page.url)]


def shown(response) -> str:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def linking_body(draft, private, visible) -> list[dict]:
    links = (
        f'<a linktype="page" id="{draft.pk}">first lead</a>, '
        f'<a linktype="page" id="{private.pk}">second lead</a> and '
        f'<a linktype="page" id="{visible.pk}">explainer</a>'
    )
    return [
        {"type": "paragraph", "value": f"<p>See {links}.</p>"},
        {"type": "fact_box", "value": {"title": "Context", "body": f"<p>Also {links}.</p>"}},
    ]


@pytest.mark.parametrize(("writer", "status"), [("contributor", "draft"), ("editor", "published")])
def test_the_201_answer_names_no_draft_or_private_link_target(
    request, feed, hidden_targets, visible_target, writer, status
):
    draft, private, _section = hidden_targets
    client = api_client_for(request.getfixturevalue(writer))
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])

    created = client.post(
        url,
        {
            "headline": "Leads",
            "body": linking_body(draft, private, visible_target),
            "status": status,
        },
        "json",
    )

    assert created.status_code == 201, created.content
    content = created.content.decode()
    assert "first lead" in content and "second lead" in content  # the link text stays
    assert visible_target.url in content
    assert 'linktype="page"' not in content  # nor the stored form, with the hidden pages' ids
    for mark in marks(hidden_targets):
        assert mark not in content, mark
    detail = reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, created.json()["id"]])
    edited = client.patch(detail, {"headline": "Leads, edited"}, "json")  # the body sent back
    assert edited.status_code == 200, edited.content
    for mark in marks(hidden_targets):
        assert mark not in edited.content.decode(), mark


def test_readers_see_no_draft_or_private_link_target_after_the_write(
    client, editor, feed, hidden_targets, visible_target
):
    draft, private, _section = hidden_targets
    url = reverse("wagtail_newsfeed_api:feed-entries", args=[feed.pk])
    created = api_client_for(editor).post(
        url, {"headline": "Leads", "body": linking_body(draft, private, visible_target)}, "json"
    )
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]

    fragments = reverse("wagtail_newsfeed:live_fragments", args=[feed.pk])
    surfaces = {
        "entries": client.get(url),
        "entry": client.get(
            reverse("wagtail_newsfeed_api:feed-entry-detail", args=[feed.pk, entry_id])
        ),
        "fragments": client.get(fragments, {"ids": str(entry_id)}),
        "live page": client.get(feed.url),
    }
    for name, response in surfaces.items():
        content = shown(response)
        assert "first lead" in content and "second lead" in content, name
        assert visible_target.url in content, name
        assert 'linktype="page"' not in content, name
        for mark in marks(hidden_targets):
            assert mark not in content, (name, mark)
