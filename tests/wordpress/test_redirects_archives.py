"""Old archive and feed URLs keep working: category archives and their feeds, the blog's feeds and
each post's comment feed redirect to the index, the topic and the feeds that replace them; only
while what they lead to is public; re-runs add none."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import NewsArticlePage, WordPressOrigin

pytestmark = pytest.mark.django_db

WORLD = [("world", "World")]
EUROPE = [("europe", "Europe")]


def page_of(wp_id: int) -> NewsArticlePage:
    return NewsArticlePage.objects.get(
        pk=WordPressOrigin.objects.get(kind="post", wp_id=wp_id).page_id
    )


def newsroom(status: str = "publish", base: str = "https://old.example.com") -> Export:
    """A blog with World › Europe, a post filed under Europe and one under World."""
    export = Export(base=base)
    export.category(1, "world", "World").category(2, "europe", "Europe", parent="world")
    export.post(1, "Summit", "x", slug="summit", categories=EUROPE, status=status)
    export.post(2, "Storm", "x", slug="storm", categories=WORLD, status=status)
    return export


def follow(client, path: str, location: str) -> None:
    """``path`` answers a permanent redirect to ``location``, which readers can open."""
    response = client.get(path)
    assert (response.status_code, response.get("Location")) == (301, location), path
    assert client.get(location).status_code == 200, location


def test_category_archives_redirect_to_the_index_filtered_by_their_topic(
    run_import, client, news_index
):
    run_import(newsroom())
    follow(client, "/category/world/", f"{news_index.url}?topic=world")
    follow(client, "/category/world/europe/", f"{news_index.url}?topic=europe")
    follow(client, "/category/europe/", f"{news_index.url}?topic=europe")


def test_category_feeds_redirect_to_their_topic_feed(run_import, client):
    run_import(newsroom())
    follow(
        client,
        "/category/world/europe/feed/",
        reverse("wagtail_newsfeed:topic_rss", kwargs={"slug": "europe"}),
    )
    follow(
        client,
        "/category/world/feed/",
        reverse("wagtail_newsfeed:topic_rss", kwargs={"slug": "world"}),
    )


def test_the_blogs_feeds_redirect_to_the_index_feeds(run_import, client, news_index):
    run_import(newsroom())
    rss = reverse("wagtail_newsfeed:index_rss", kwargs={"page_id": news_index.pk})
    atom = reverse("wagtail_newsfeed:index_atom", kwargs={"page_id": news_index.pk})
    follow(client, "/feed/", rss)
    follow(client, "/feed/rss2/", rss)
    follow(client, "/feed/atom/", atom)


def test_a_posts_comment_feed_redirects_to_its_page(run_import, client):
    run_import(newsroom())
    follow(client, "/2024/03/summit/feed/", page_of(1).url)


def test_a_blog_in_a_subfolder_keeps_its_folder(run_import, client, news_index):
    run_import(newsroom(base="https://old.example.com/blog"))
    follow(client, "/blog/category/world/europe/", f"{news_index.url}?topic=europe")
    follow(client, "/blog/feed/", reverse("wagtail_newsfeed:index_rss", args=[news_index.pk]))
    assert client.get("/category/world/").status_code == 404


def test_tag_and_author_archives_get_no_redirect(run_import, client):
    export = newsroom().tag(5, "brexit", "Brexit").author(1, "alice", "Alice Reporter")
    export.post(3, "Tagged", "x", slug="tagged", tags=[("brexit", "Brexit")])
    run_import(export)
    assert client.get("/tag/brexit/").status_code == 404
    assert client.get("/author/alice/").status_code == 404
    assert not Redirect.objects.filter(old_path__startswith="/tag").exists()
    assert not Redirect.objects.filter(old_path__startswith="/author").exists()


def test_a_blog_of_unpublished_posts_only_gets_no_archive_or_feed_redirect(run_import, client):
    run_import(newsroom(status="draft"))
    assert not Redirect.objects.exists()  # nor the blog's feeds: the index shows no article
    assert client.get("/category/world/europe/").status_code == 404


def test_re_runs_add_no_redirect_twice(run_import):
    run_import(newsroom())
    before = sorted(Redirect.objects.values_list("old_path", "redirect_link", "redirect_page"))
    output = run_import(newsroom())
    assert sorted(Redirect.objects.values_list("old_path", "redirect_link", "redirect_page")) == (
        before
    )
    assert "redirects: " not in output and "redirect (" not in output


def test_a_category_whose_posts_are_no_longer_public_loses_its_redirects(run_import, client):
    run_import(newsroom())
    hidden = Export()
    hidden.category(1, "world", "World").category(2, "europe", "Europe", parent="world")
    hidden.post(1, "Summit", "x", slug="summit", categories=EUROPE, status="draft")
    hidden.post(2, "Storm", "x", slug="storm", categories=WORLD)
    output = run_import(hidden)
    europe = ["/category/world/europe", "/category/europe", "/category/world/europe/feed"]
    assert not Redirect.objects.filter(old_path__in=europe).exists()
    assert "removed (the archive is not public)" in output
    assert client.get("/category/world/europe/").status_code == 404
    # World still lists Storm, and a re-run publishing Summit again brings Europe's back.
    assert client.get("/category/world/").status_code == 301
    run_import(newsroom())
    assert Redirect.objects.filter(old_path__in=europe).count() == 3


def test_the_redirects_listing_of_the_admin_shows_archive_redirects(run_import, admin_client):
    run_import(newsroom())
    response = admin_client.get(reverse("wagtailredirects:index"), {"q": "category"})
    assert response.status_code == 200
    assert "/category/world/europe" in response.content.decode()


def test_a_category_with_a_non_ascii_slug_redirects(run_import, client, news_index):
    export = Export().category(1, "caf%c3%a9", "Café")
    export.post(1, "Coffee", "x", slug="coffee", categories=[("caf%c3%a9", "Café")])
    run_import(export)
    follow(client, "/category/caf%C3%A9/", f"{news_index.url}?topic=caf%C3%A9")
    follow(client, "/category/café/", f"{news_index.url}?topic=caf%C3%A9")


def test_an_unchanged_post_imported_before_gets_its_comment_feeds_redirect(run_import, client):
    run_import(newsroom())
    Redirect.objects.filter(old_path="/2024/03/summit/feed").delete()  # an older importer's run
    output = run_import(newsroom())
    assert "articles: 2 unchanged" in output and "redirects: 1 created" in output
    follow(client, "/2024/03/summit/feed/", page_of(1).url)


def test_cyclic_categories_redirect_from_the_paths_of_the_tree_the_import_repaired(run_import):
    from wagtail_newsfeed.models import Topic

    export = Export()
    export.category(1, "a", "A", parent="c").category(2, "c", "C", parent="b")
    export.category(3, "b", "B", parent="a")
    export.post(1, "Filed", "x", categories=[("a", "A"), ("b", "B"), ("c", "C")])
    output = run_import(export)
    parents = {topic.slug: topic.parent and topic.parent.slug for topic in Topic.objects.all()}
    assert "left off" in output and list(parents.values()).count(None) == 1

    def path(slug: str) -> str:  # the topic's place in the repaired tree, as WordPress's URL
        return f"/{slug}" if parents[slug] is None else f"{path(parents[slug])}/{slug}"

    categories = {
        old_path
        for old_path in Redirect.objects.values_list("old_path", flat=True)
        if old_path.startswith("/category/") and not old_path.endswith("/feed")
    }
    expected = {f"/category{path(slug)}" for slug in "abc"} | {f"/category/{s}" for s in "abc"}
    assert categories == expected
    before = set(Redirect.objects.values_list("old_path", "redirect_link"))
    run_import(export)
    assert set(Redirect.objects.values_list("old_path", "redirect_link")) == before


def test_another_wordpress_sites_import_leaves_the_first_sites_archive_redirects_alone(
    run_import, client, news_index
):
    """Two WordPress sites into one Wagtail site share the paths: the second site lists World
    and Europe with no post filed under them, and its runs never remove the first site's
    redirects (nor do the first site's runs flip them back)."""
    run_import(newsroom(base="https://a.example.com"))
    before = sorted(Redirect.objects.values_list("old_path", "redirect_link", "redirect_page"))
    other = Export(base="https://b.example.com")
    other.category(1, "world", "World").category(2, "europe", "Europe", parent="world")
    other.post(7, "Draft", "x", slug="draft", status="draft")
    for _ in range(2):
        output = run_import(other)
        assert "removed" not in output
        run_import(newsroom(base="https://a.example.com"))
        after = sorted(Redirect.objects.values_list("old_path", "redirect_link", "redirect_page"))
        assert after == before
    follow(client, "/category/world/europe/", f"{news_index.url}?topic=europe")


def test_an_import_never_removes_an_editors_archive_or_feed_redirect(
    run_import, client, news_index
):
    """Redirects an editor made to the same places are not the import's to remove, even where
    the import would make none (drafts only: no public archive, an index with no article)."""
    rss = reverse("wagtail_newsfeed:index_rss", kwargs={"page_id": news_index.pk})
    mine = {
        "/category/europe": f"{news_index.url}?topic=europe",
        "/category/world/feed": reverse("wagtail_newsfeed:topic_rss", kwargs={"slug": "world"}),
        "/feed": rss,
    }
    for old_path, link in mine.items():
        Redirect.objects.create(old_path=old_path, redirect_link=link, site=news_index.get_site())
    output = run_import(newsroom(status="draft"))
    assert "removed" not in output
    assert dict(Redirect.objects.values_list("old_path", "redirect_link")) == mine
