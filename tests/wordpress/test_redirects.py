"""Every old URL keeps working: permalinks, ``?p=<id>`` (with the WordPress redirect middleware)
and guids redirect to the new page; canonical overrides are kept or reported; re-runs add none."""

# ruff: noqa: E501

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

WORDPRESS_MIDDLEWARE = "wagtail_newsfeed.wordpress.middleware.WordPressRedirectMiddleware"


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


@pytest.fixture
def with_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, WORDPRESS_MIDDLEWARE]


def test_permalinks_redirect_to_the_new_pages(run_import, client):
    export = Export()
    export.post(1, "Budget day", "x", slug="budget-day", date="2023-11-22 12:00:00")
    export.post(
        2,
        "Café society",
        "x",
        slug="caf%c3%a9-society",
        link="https://old.example.com/culture/caf%C3%A9-society/",
    )
    run_import(export)
    response = client.get("/2023/11/budget-day/")
    assert response.status_code == 301 and response["Location"] == page_of(1).url
    response = client.get("/culture/caf%C3%A9-society/")
    assert response.status_code == 301 and response["Location"] == page_of(2).url
    assert client.get(response["Location"]).status_code == 200


def test_plain_permalinks_and_guids_redirect_with_the_middleware(
    run_import, client, with_middleware
):
    export = Export().post(7, "Plain", "x", guid="https://old.example.com/?p=7")
    run_import(export)
    for url in ("/?p=7", "/?p=7&utm_source=feed"):
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == page_of(7).url
    assert client.get("/?p=999").status_code == 200  # no such post: the home page as before
    assert client.get("/?p=abc").status_code == 200


def test_a_guid_with_a_path_of_its_own_redirects_and_one_on_another_site_does_not(
    run_import, client
):
    """A guid keeps the URL a post had when it was first published: an archive path, an older
    permalink structure, or another site's address after a merge (which is not this site's to
    redirect)."""
    export = Export()
    export.post(7, "Renamed", "x", slug="renamed", guid="https://old.example.com/archives/7")
    export.post(
        8, "Merged", "x", slug="merged", guid="http://other-blog.example.net/2019/05/merged/"
    )
    run_import(export)
    response = client.get("/archives/7")
    assert response.status_code == 301 and response["Location"] == page_of(7).url
    assert client.get(response["Location"]).status_code == 200
    assert not Redirect.objects.filter(old_path__startswith="/2019/05").exists()
    assert client.get("/2019/05/merged/").status_code == 404


def test_a_site_in_a_subfolder_keeps_its_folder_in_old_paths(run_import, client, with_middleware):
    export = Export(base="https://old.example.com/blog").post(7, "Sub", "x", slug="sub")
    run_import(export)
    assert set(Redirect.objects.values_list("old_path", flat=True)) == {
        "/blog/2024/03/sub",
        "/blog/2024/03/sub/feed",
        "/blog?p=7",
        "/blog/feed",
        "/blog/feed/rss2",
        "/blog/feed/atom",
    }
    assert client.get("/blog/?p=7")["Location"] == page_of(7).url


def test_re_runs_do_not_duplicate_redirects_and_foreign_ones_are_left_alone(run_import, news_index):
    from tests import factories

    other = factories.make_article(news_index, "Editor's pick")
    Redirect.objects.create(
        old_path="/2024/03/post-2", site=news_index.get_site(), redirect_page=other
    )
    export = Export().post(1, "One", "x").post(2, "Two", "x")
    output = run_import(export)
    run_import(export)
    # The posts' permalinks and ?p=, their comment feeds, and /feed/, /feed/rss2/, /feed/atom/.
    assert Redirect.objects.count() == 4 + 2 + 3
    assert Redirect.objects.get(old_path="/2024/03/post-2").redirect_page_id == other.pk
    assert "'/2024/03/post-2' already redirects elsewhere; left alone" in output


def test_a_same_site_canonical_is_kept_as_a_redirect_and_another_site_reported(run_import, client):
    export = Export()
    export.post(
        1,
        "Syndicated",
        "x",
        meta={"_yoast_wpseo_canonical": "https://old.example.com/originals/syndicated/"},
    )
    export.post(
        2, "Elsewhere", "x", meta={"rank_math_canonical_url": "https://partner.example.net/story/"}
    )
    output = run_import(export)
    assert client.get("/originals/syndicated/")["Location"] == page_of(1).url
    assert "canonical (2)" in output and "points to another site" in output


def test_links_between_imported_posts_become_page_links_in_either_order(run_import):
    export = Export()
    export.post(
        1, "Earlier", 'See <a href="https://old.example.com/2024/03/later/">the later story</a>.'
    )
    export.post(
        2,
        "Later",
        'Follows <a href="https://old.example.com/?p=1">the earlier one</a>.',
        slug="later",
    )
    output = run_import(export)
    assert f'<a id="{page_of(2).pk}" linktype="page">' in page_of(1).body.raw_data[0]["value"]
    assert f'<a id="{page_of(1).pk}" linktype="page">' in page_of(2).body.raw_data[0]["value"]
    assert "1 links rewritten" in output


def test_the_middleware_answers_only_gets_with_a_plain_permalink_id(client, with_middleware):
    Redirect.objects.create(old_path="/?p=1", redirect_link="https://new.example/story/")
    assert client.get("/?p=1")["Location"] == "https://new.example/story/"
    assert client.head("/?p=1").status_code == 301
    assert client.post("/?p=1").status_code == 200  # the home page, as without the redirect
    assert client.get("/?p=1x").status_code == 200
    assert client.get("/?q=1").status_code == 200


def test_earlier_slugs_redirect_like_wordpress_does(run_import, client):
    run_import(Export().post(1, "Renamed", "x", slug="new-name", meta={"_wp_old_slug": "old-name"}))
    assert client.get("/2024/03/old-name/")["Location"] == page_of(1).url


def hijacks() -> Export:
    """Posts whose canonical URL or guid is another post's own old URL, listed before it."""
    export = Export()
    export.post(
        64,
        "Old explainer",
        "x",
        meta={"_yoast_wpseo_canonical": "https://old.example.com/2024/03/complete-guide/"},
    )
    export.post(65, "The complete guide", "x", slug="complete-guide")
    export.post(80, "Republished", "x", guid="https://old.example.com/?p=81")
    export.post(81, "Post 81", "x")
    return export


def target(path: str) -> int | None:
    return Redirect.objects.get(old_path=path).redirect_page_id


def test_a_canonical_or_guid_never_takes_another_posts_own_url(run_import):
    output = run_import(hijacks())
    assert target("/2024/03/complete-guide") == page_of(65).pk
    assert target("/?p=65") == page_of(65).pk
    assert target("/?p=81") == target("/2024/03/post-81") == page_of(81).pk
    assert target("/?p=80") == target("/2024/03/post-80") == page_of(80).pk
    assert "already redirects elsewhere" not in output


def test_a_re_run_gives_a_post_back_its_own_url_an_earlier_import_gave_another(run_import):
    run_import(hijacks())
    # What an earlier version of the importer wrote: the first post to claim a path had it.
    Redirect.objects.filter(old_path="/2024/03/complete-guide").update(redirect_page=page_of(64))
    Redirect.objects.filter(old_path="/?p=81").update(redirect_page=page_of(80))
    output = run_import(hijacks())
    assert target("/2024/03/complete-guide") == page_of(65).pk
    assert target("/?p=81") == page_of(81).pk
    assert "redirects: 2 updated" in output


def test_a_post_no_longer_public_takes_back_its_own_url_from_another_post(run_import):
    run_import(hijacks())
    Redirect.objects.filter(old_path="/?p=81").update(redirect_page=page_of(80))
    export = hijacks()
    export.items[-1] = export.items[-1].replace("[publish]", "[draft]")
    run_import(export)
    assert not Redirect.objects.filter(old_path="/?p=81").exists()
    assert target("/?p=80") == page_of(80).pk
