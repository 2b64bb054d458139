"""A copy keeps every private page private: a recursive copy of a public section gives each
copied page the view restrictions of the page it copies (Wagtail itself copies only the copied
page's own), from the admin's copy view and from ``Page.copy`` alike."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Quillback"
KINDS = [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD, PageViewRestriction.GROUPS]
READER_URLS = [
    "/api/newsfeed/v1/articles/",
    "/api/v2/pages/?fields=*",
    "/newsfeed/feeds/latest.rss",
    "/sitemap.xml",
    "/news-sitemap.xml",
]


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def restrict(page: Page, kind: str) -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password="s3cret" if kind == "password" else ""
    )
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.get_or_create(name="Subscribers")[0]])
    return restriction


def keys(page: Page) -> list[tuple[str, str, list[int]]]:
    """The page's own restrictions, as what they ask of a reader."""
    return sorted(
        (r.restriction_type, r.password, sorted(r.groups.values_list("pk", flat=True)))
        for r in PageViewRestriction.objects.filter(page=page)
    )


def listed(client) -> list[int]:
    return [item["id"] for item in client.get("/api/newsfeed/v1/articles/").json()["results"]]


def copy_in_code(section: Page, to: Page, user, *, live: bool = True) -> Page:
    return section.copy(
        recursive=True,
        to=to,
        update_attrs={"slug": "desk-copy", "title": "Desk copy"},
        keep_live=live,
        user=user,
    )


def copy_in_admin(client, section: Page, to: Page, *, live: bool = True) -> Page:
    form = {
        "new_title": "Desk copy",
        "new_slug": "desk-copy",
        "new_parent_page": to.pk,
        "copy_subpages": "on",
    }
    if live:
        form["publish_copies"] = "on"
    response = client.post(reverse("wagtailadmin_pages:copy", args=[section.pk]), form)
    errors = response.context["form"].errors if response.status_code == 200 else None
    assert response.status_code == 302, errors
    return Page.objects.get(path__startswith=to.path, depth=to.depth + 1, slug="desk-copy")


@pytest.fixture(params=["code", "admin"])
def copy_section(request, client, superuser):
    """Copies a section with everything below it, published, to ``to``: in code or in the
    admin (whose client is logged out again, to read as the public)."""

    def copy(section: Page, to: Page, *, live: bool = True) -> Page:
        if request.param == "code":
            return copy_in_code(section, to, superuser, live=live)
        client.force_login(superuser)
        try:
            return copy_in_admin(client, section, to, live=live)
        finally:
            client.logout()

    return copy


def copy_of(page: Page, source_root: Page, copy_root: Page) -> Page:
    """The page of the copy at ``page``'s place in the copied tree."""
    relative = page.url_path[len(source_root.url_path) :]
    return Page.objects.get(url_path=copy_root.url_path + relative).specific


def assert_private(client, page: Page, kind: str) -> None:
    """Readers see nothing of ``page`` (a live copy): no listing names it, and its URL asks
    for a login or a password."""
    page.refresh_from_db()
    assert page.live
    for url in [*READER_URLS, f"/api/newsfeed/v1/articles/{page.pk}/"]:
        assert SECRET not in text(client.get(url)), url
    response = client.get(page.url)
    if kind == PageViewRestriction.PASSWORD:
        assert response.status_code == 200
        assert SECRET not in text(response)
        assert 'name="password"' in text(response)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailcore_login"))


def secret_story(parent: Page) -> Page:
    return factories.make_article(
        parent, f"{SECRET} story", slug="zstory", body=factories.paragraph(f"{SECRET} body")
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_private_story_in_a_copied_section_stays_private(client, copy_section, kind):
    section = factories.make_index(title="Desk", slug="desk")
    story = secret_story(section)
    restrict(story, kind)
    copy = copy_section(section, factories.root_page())
    copied = copy_of(story, section, copy)
    assert keys(copied) == keys(story)
    assert_private(client, copied, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_private_story_two_levels_down_in_a_copied_section_stays_private(
    client, copy_section, kind
):
    section = factories.make_index(title="Desk", slug="desk")
    sub = factories.make_index(section, title="Sub desk", slug="sub")
    story = secret_story(sub)
    restrict(story, kind)
    public = factories.make_article(sub, "Open story", slug="open")
    copy = copy_section(section, factories.root_page())
    copied = copy_of(story, section, copy)
    assert keys(copied) == keys(story)
    assert keys(copy_of(sub, section, copy)) == []  # nothing more private than it was
    assert_private(client, copied, kind)
    assert copy_of(public, section, copy).pk in listed(client)


@pytest.mark.parametrize("kind", KINDS)
def test_stories_below_a_private_plain_page_in_a_copied_section_stay_private(
    client, copy_section, kind
):
    """The private page in the middle is not one of the app's page types."""
    section = factories.make_index(title="Desk", slug="desk")
    plain = Page(title="Members", slug="members")
    section.add_child(instance=plain)
    plain.save_revision().publish()
    restrict(plain, kind)
    inner = factories.make_index(plain, title="Inner", slug="inner")
    story = secret_story(inner)
    copy = copy_section(section, factories.root_page())
    assert keys(copy_of(plain, section, copy)) == keys(plain)
    assert_private(client, copy_of(story, section, copy), kind)


def test_a_copy_kept_as_drafts_stays_private_once_published(client, copy_section):
    section = factories.make_index(title="Desk", slug="desk")
    story = secret_story(section)
    restrict(story, PageViewRestriction.LOGIN)
    copy = copy_section(section, factories.root_page(), live=False)
    copy.specific.save_revision().publish()
    copied = copy_of(story, section, copy)
    assert not copied.live
    copied.save_revision().publish()
    assert_private(client, copied, PageViewRestriction.LOGIN)


def test_a_copy_of_a_public_section_stays_public(client, copy_section):
    section = factories.make_index(title="Desk", slug="desk")
    story = secret_story(section)
    copy = copy_section(section, factories.root_page())
    copied = copy_of(story, section, copy)
    assert keys(copy) == keys(copied) == []
    assert copied.pk in listed(client)
    assert client.get(copied.url).status_code == 200


def test_a_copied_page_gets_each_restriction_once(copy_section):
    """A private section with a private story: Wagtail gives every page of the copy the
    section's restriction; a story's own that asks the same is not added twice."""
    section = factories.make_index(title="Desk", slug="desk")
    same = secret_story(section)
    other = factories.make_article(section, "Other", slug="other")
    restrict(section, PageViewRestriction.LOGIN)
    restrict(same, PageViewRestriction.LOGIN)
    restrict(other, PageViewRestriction.PASSWORD)
    copy = copy_section(section, factories.root_page())
    assert keys(copy) == keys(section)
    assert keys(copy_of(same, section, copy)) == keys(same)
    copied_other = keys(copy_of(other, section, copy))
    assert sorted(set(map(repr, copied_other))) == sorted(map(repr, copied_other))
    assert set(map(repr, keys(other))) <= set(map(repr, copied_other))


def test_a_copy_into_a_private_section_keeps_its_own_stricter_restriction(copy_section):
    """Wagtail drops the copied page's own restriction when the destination has one: a story
    for one group would be open to any reader who logs in."""
    members = Page(title="Members", slug="members")
    factories.root_page().add_child(instance=members)
    members.save_revision().publish()
    restrict(members, PageViewRestriction.LOGIN)
    section = factories.make_index(title="Desk", slug="desk")
    factories.make_article(section, "Story", slug="story")
    restrict(section, PageViewRestriction.GROUPS)
    copy = copy_section(section, members)
    assert keys(copy) == keys(section)
