"""Posts become news articles: fields, every WordPress status, people and taxonomy, SEO, and
re-runs that update instead of duplicating; readers see them on pages, in the API and in RSS."""

# ruff: noqa: E501

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import PageViewRestriction, Revision

from tests.wordpress.exports import Export
from wagtail_newsfeed.models import Author, NewsArticlePage, Topic, WordPressOrigin
from wagtail_newsfeed.models.taxonomy import MAX_TOPIC_DEPTH

pytestmark = pytest.mark.django_db


def newsroom() -> Export:
    export = Export().author(1, "alice", "Alice Reporter").author(2, "bob", "Bob Editor")
    export.category(1, "world", "World").category(2, "europe", "Europe", parent="world")
    export.category(3, "uncategorized", "Uncategorized").tag(4, "eu", "EU")
    return export


def article(wp_id: int) -> NewsArticlePage:
    origin = WordPressOrigin.objects.get(kind="post", wp_id=wp_id)
    return NewsArticlePage.objects.get(pk=origin.page_id)


def test_a_published_post_becomes_a_live_article_with_its_fields(run_import):
    export = newsroom().post(
        10,
        "Talks &amp; <em>tensions</em> in Brussels",
        "Leaders met on Monday.\n\nThey agreed on <strong>little</strong>.",
        date="2024-03-01 10:30:00",
        date_gmt="2024-03-01 09:30:00",
        modified_gmt="2024-03-02 08:00:00",
        slug="talks-in-brussels",
        excerpt="A summit ends <b>without</b> a deal.",
        categories=[("europe", "Europe"), ("uncategorized", "Uncategorized")],
        tags=[("eu", "EU")],
        creator="alice",
        terms=[],
        meta={
            "_yoast_wpseo_title": "%%title%% %%sep%% %%sitename%%",
            "_yoast_wpseo_metadesc": "What the summit agreed, and what it did not.",
        },
    )
    output = run_import(export)
    page = article(10)
    assert page.live and page.title == "Talks & tensions in Brussels"
    assert page.slug == "talks-in-brussels"
    assert page.get_parent().specific.__class__.__name__ == "NewsIndexPage"
    assert page.standfirst == "A summit ends without a deal."
    assert page.published_at == page.first_published_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert page.updated_at == datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    assert page.seo_title == "Talks & tensions in Brussels - The Old Gazette"
    assert page.search_description == "What the summit agreed, and what it did not."
    # The post keeps its own category; the category's parent becomes the topic's parent.
    assert [t.slug for t in page.topics.all()] == ["europe"]
    assert Topic.objects.get(slug="europe").parent == Topic.objects.get(slug="world")
    assert Topic.objects.get(slug="world").parent is None
    assert [t.name for t in page.tags.all()] == ["EU"]
    assert [a.name for a in page.get_authors()] == ["Alice Reporter"]
    assert (
        page.body.raw_data[0]["value"]
        == "<p>Leaders met on Monday.</p><p>They agreed on <strong>little</strong>.</p>"
    )
    assert not Topic.objects.filter(slug="uncategorized").exists()
    assert "articles: 1 created" in output


def test_rank_math_seo_fields_are_used_too(run_import):
    run_import(
        newsroom().post(
            10,
            "Plain",
            "x",
            meta={"rank_math_title": "%title% %sep% Extra", "rank_math_description": "RM desc"},
        )
    )
    page = article(10)
    assert (page.seo_title, page.search_description) == ("Plain - Extra", "RM desc")


def test_each_status_has_its_outcome(run_import):
    future = (timezone.now().replace(microsecond=0) + timezone.timedelta(days=3)).astimezone(UTC)
    stamp = future.strftime("%Y-%m-%d %H:%M:%S")
    export = newsroom()
    export.post(1, "Published", "x", status="publish")
    export.post(2, "Scheduled", "x", status="future", date=stamp, date_gmt=stamp)
    export.post(3, "Draft", "x", status="draft", date_gmt="0000-00-00 00:00:00")
    export.post(4, "Pending", "x", status="pending", date_gmt="0000-00-00 00:00:00")
    export.post(5, "Private", "x", status="private")
    export.post(6, "Trashed", "x", status="trash")
    export.post(7, "Autosave", "x", status="auto-draft")
    export.post(8, "Protected", "x", password="s3cret")
    export.post(9, "About us", "x", post_type="page")
    export.post(11, "Menu", "", post_type="nav_menu_item")
    output = run_import(export)
    assert article(1).live
    scheduled = article(2)
    assert not scheduled.live and scheduled.go_live_at == future
    assert Revision.page_revisions.filter(
        object_id=str(scheduled.pk), approved_go_live_at=future
    ).exists()
    for wp_id in (3, 4):
        draft = article(wp_id)
        assert not draft.live and draft.published_at is None and draft.first_published_at is None
    private = article(5)
    assert private.live
    assert PageViewRestriction.objects.get(page=private).restriction_type == "login"
    protected = PageViewRestriction.objects.get(page=article(8))
    assert (protected.restriction_type, protected.password) == ("password", "s3cret")
    skipped = WordPressOrigin.objects.exclude(kind=WordPressOrigin.Kind.REDIRECT)
    assert not skipped.filter(wp_id__in=[6, 7, 9, 11]).exists()
    assert "items skipped: 1 auto-draft, 1 trash, 1 type nav_menu_item, 1 type page" in output


def test_a_password_of_only_spaces_protects_the_post_as_in_wordpress(run_import):
    export = newsroom().post(1, "Spaces", "x", password=" ").post(2, "Zero", "x", password="0")
    output = run_import(export)
    protected = PageViewRestriction.objects.get(page=article(1))
    assert (protected.restriction_type, protected.password) == ("password", " ")
    assert "its password is only spaces, which readers cannot type here: set a new one" in output
    # PHP's empty("0") is true: WordPress showed that post to everyone.
    assert article(2).live and not PageViewRestriction.objects.filter(page=article(2)).exists()


def test_a_post_trashed_after_an_import_is_unpublished(run_import):
    run_import(newsroom().post(1, "Regretted", "x"))
    output = run_import(newsroom().post(1, "Regretted", "x", status="trash"))
    assert not article(1).live
    assert "unpublished (trashed)" in output


def test_sticky_posts_are_breaking_only_when_asked(run_import):
    run_import(newsroom().post(1, "Sticky", "x", sticky=True))
    assert not article(1).is_breaking
    run_import(newsroom().post(1, "Sticky", "x", sticky=True), sticky_breaking=True)
    assert article(1).is_breaking


def test_slugs_are_decoded_and_made_unique_among_siblings(run_import, news_index):
    from tests import factories

    factories.make_article(news_index, "Existing", slug="same")
    export = newsroom()
    export.post(
        1,
        "مرحبا بالعالم",
        "نص عربي \u200fمن اليمين إلى اليسار.",
        slug="%d9%85%d8%b1%d8%ad%d8%a8%d8%a7",
    )
    export.post(2, "Same one", "x", slug="same")
    export.post(3, "Same two", "x", slug="same")
    export.post(4, "Ελληνικά", "x", slug="")
    run_import(export)
    assert article(1).slug == "مرحبا"
    assert article(1).title == "مرحبا بالعالم"
    assert "\u200f" in article(1).body.raw_data[0]["value"]
    assert (article(2).slug, article(3).slug) == ("same-2", "same-3")
    assert article(4).slug == "ελληνικά"


def test_unset_and_invalid_dates_are_reported_not_fatal(run_import):
    export = newsroom().post(
        1,
        "Bad date",
        "x",
        date="2024-13-45 99:99:99",
        date_gmt="garbage",
        modified_gmt="0000-00-00 00:00:00",
    )
    output = run_import(export)
    assert article(1).live and article(1).published_at is not None
    assert "bad_date (1)" in output


def test_authors_and_co_authors_become_bylines_once(run_import):
    export = newsroom()
    export.post(
        1,
        "Shared byline",
        "x",
        terms=[("author", "cap-bob", "Bob Editor"), ("author", "cap-guest", "Guest Writer")],
    )
    export.post(2, "Alice alone", "x", creator="alice")
    run_import(export)
    assert [a.name for a in article(1).get_authors()] == ["Bob Editor", "Guest Writer"]
    assert [a.slug for a in article(2).get_authors()] == ["alice"]
    run_import(export)
    assert Author.objects.count() == 3


def test_an_existing_author_or_topic_with_the_same_slug_is_reused(run_import):
    from tests import factories

    author = factories.make_author("Alice R.", slug="alice")
    topic = factories.make_topic("World news", slug="world")
    run_import(newsroom().post(1, "x", "x", categories=[("world", "World")]))
    assert article(1).get_authors() == [author]
    assert list(article(1).topics.all()) == [topic]


def test_category_tree_becomes_topic_tree_and_a_rerun_changes_nothing(run_import, client):
    from tests import factories

    # An existing topic keeps the parent the newsroom gave it; one without a parent gets
    # WordPress's; a loop (a › b › a) and a chain deeper than topics nest are cut, with a report.
    mine = factories.make_topic("Mine", slug="mine")
    factories.make_topic("Europe", slug="europe", parent=mine)
    export = newsroom().category(5, "france", "France", parent="europe")
    export.category(6, "loop-a", "Loop A", parent="loop-b")
    export.category(7, "loop-b", "Loop B", parent="loop-a")
    deep = [f"level-{n}" for n in range(MAX_TOPIC_DEPTH + 2)]
    for n, slug in enumerate(deep):
        export.category(20 + n, slug, slug.title(), parent=deep[n - 1] if n else "")
    export.post(1, "Paris vote", "x", categories=[("france", "France"), ("loop-a", "Loop A")])
    export.post(2, "Deep", "x", categories=[(deep[-1], deep[-1].title())])
    output = run_import(export)

    topics = {t.slug: t.parent.slug if t.parent else None for t in Topic.objects.all()}
    assert topics["france"] == "europe"
    assert topics["europe"] == "mine"  # not "world": the newsroom's tree wins
    assert {topics["loop-a"], topics["loop-b"]} in ({"loop-a", None}, {"loop-b", None})
    assert all(
        len(Topic.ancestor_ids(Topic.objects.get(slug=s).pk)) <= MAX_TOPIC_DEPTH for s in deep
    )
    assert "left off" in output
    assert [t.slug for t in article(1).topics.order_by("slug")] == ["france", "loop-a"]
    # "Mine" lists the Paris story through Europe › France.
    index = article(1).get_parent()
    assert b"Paris vote" in client.get(index.url, {"topic": "mine"}).content

    run_import(export)
    assert {t.slug: t.parent.slug if t.parent else None for t in Topic.objects.all()} == topics


def test_one_failing_post_is_rolled_back_and_the_rest_imported(run_import, settings):
    settings.WAGTAIL_NEWSFEED = {"ARTICLE_BODY_MAX_BYTES": 2_000}
    export = (
        newsroom()
        .post(1, "Too long", "word " * 2_000, tags=[("eu", "EU")])
        .post(2, "Fine", "short")
    )
    with pytest.raises(CommandError, match="1 posts could not be imported"):
        run_import(export)
    assert not WordPressOrigin.objects.filter(wp_id=1).exists()
    assert not NewsArticlePage.objects.filter(title="Too long").exists()
    assert article(2).live


def test_importing_twice_creates_nothing_twice(run_import, count_rows):
    export = newsroom()
    for wp_id in range(1, 6):
        export.post(
            wp_id,
            f"Story {wp_id}",
            f"Body {wp_id}",
            categories=[("europe", "Europe")],
            tags=[("eu", "EU")],
        )
    first = run_import(export)
    before = count_rows()
    second = run_import(export)
    assert count_rows() == before
    assert "articles: 5 created" in first and "articles: 5 unchanged" in second


def test_a_changed_post_gets_a_new_revision_of_the_same_page(run_import):
    run_import(newsroom().post(1, "First title", "Old text"))
    page = article(1)
    revisions = page.revisions.count()
    output = run_import(newsroom().post(1, "Second title", "New text", tags=[("eu", "EU")]))
    page.refresh_from_db()
    assert article(1).pk == page.pk and page.title == "Second title"
    assert page.revisions.count() == revisions + 1
    assert "New text" in page.body.raw_data[0]["value"]
    assert "articles: 1 updated" in output


def test_a_page_deleted_in_wagtail_is_imported_again(run_import):
    run_import(newsroom().post(1, "Back", "x"))
    article(1).delete()
    run_import(newsroom().post(1, "Back", "x"))
    assert article(1).title == "Back"


def test_readers_see_imported_articles_on_pages_in_the_api_and_in_rss(run_import, client, settings):
    settings.WAGTAILEMBEDS_FINDERS = []  # rendering an embed must not fetch anything in tests
    export = newsroom().post(
        1,
        "Tallinn summit ends",
        "<h2>Outcome</h2>\n\nAgreement on <em>energy</em>.\n\n<blockquote>We did it<cite>A minister</cite></blockquote>",
        excerpt="Energy deal.",
        categories=[("europe", "Europe")],
    )
    run_import(export)
    page = article(1)
    html = client.get(page.url).content.decode()
    assert "Tallinn summit ends" in html and "<em>energy</em>" in html and "A minister" in html
    api = client.get("/api/newsfeed/v1/articles/").json()
    assert [item["title"] for item in api["results"]] == ["Tallinn summit ends"]
    detail = client.get(f"/api/newsfeed/v1/articles/{page.pk}/").json()
    assert [block["type"] for block in detail["body"]] == ["heading", "paragraph", "quote"]
    rss = client.get("/newsfeed/feeds/latest.rss").content.decode()
    assert "Tallinn summit ends" in rss and "Energy deal." in rss


def test_imported_rich_text_is_cleaned_by_the_write_validator(run_import):
    run_import(
        newsroom().post(
            1,
            "XSS",
            '<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a><span style="x">y</span></p>',
        )
    )
    # The javascript: link is reduced to its text (not left as an empty <a>).
    assert article(1).body.raw_data[0]["value"] == "<p>Hi xy</p>"
