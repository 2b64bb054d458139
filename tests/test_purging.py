"""Cache purging: each change reaches the frontend-cache backend with the affected URLs."""

import contextlib

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django_tasks.signals import task_enqueued
from wagtail.models import Page, PageViewRestriction, Site

from tests import factories
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed import entry_rules, purging

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"


def _article_urls(article, index, topic_slugs=()):
    urls = {
        article.get_full_url(),
        index.get_full_url(),
        f"{ROOT}/newsfeed/feeds/latest.rss",
        f"{ROOT}/newsfeed/feeds/latest.atom",
        f"{ROOT}/newsfeed/feeds/index/{index.pk}.rss",
        f"{ROOT}/newsfeed/feeds/index/{index.pk}.atom",
        f"{ROOT}/news-sitemap.xml",
        f"{ROOT}/api/newsfeed/v1/articles/",
        f"{ROOT}/api/newsfeed/v1/articles/{article.pk}/",
        f"{ROOT}/api/newsfeed/v1/articles/find/",  # the proxy bans every ?path= with it
        f"{ROOT}/api/newsfeed/v1/topics/",
        f"{ROOT}/api/newsfeed/v1/authors/",
        f"{ROOT}/api/newsfeed/v1/sources/",
    }
    for slug in topic_slugs:
        urls |= {
            f"{index.get_full_url()}?topic={slug}",
            f"{ROOT}/newsfeed/feeds/topics/{slug}.rss",
            f"{ROOT}/newsfeed/feeds/topics/{slug}.atom",
            f"{ROOT}/api/newsfeed/v1/topics/{slug}/",
        }
    return urls


def _feed_urls(feed):
    urls = {
        feed.get_full_url(),
        f"{ROOT}/newsfeed/feeds/live/{feed.pk}.rss",
        f"{ROOT}/newsfeed/feeds/live/{feed.pk}.atom",
        f"{ROOT}/api/newsfeed/v1/feeds/",
        f"{ROOT}/api/newsfeed/v1/feeds/{feed.pk}/",
        f"{ROOT}/api/newsfeed/v1/feeds/{feed.pk}/entries/",
    }
    # The live page's auto-update endpoint, where the reader pages ship it.
    with contextlib.suppress(NoReverseMatch):
        urls.add(ROOT + reverse("wagtail_newsfeed:live_fragments", args=[feed.pk]))
    return urls


def test_publishing_an_article_purges_its_page_index_topics_feeds_and_api(
    news_index, purged, committed
):
    topic = factories.make_topic(slug="weather")
    article = factories.make_article(news_index, publish=False, topics=[topic])
    assert purged == []
    with committed():
        article.save_revision().publish()
    assert set(purged) >= _article_urls(article, news_index, ["weather"])
    assert all(url.startswith(ROOT + "/") for url in purged)


def test_publishing_purges_the_broader_topics_listings_too(news_index, purged, committed):
    world = factories.make_topic(slug="world")
    europe = factories.make_topic(slug="europe", parent=world)
    france = factories.make_topic(slug="france", parent=europe)
    article = factories.make_article(news_index, publish=False, topics=[france])
    with committed():
        article.save_revision().publish()
    assert set(purged) >= _article_urls(article, news_index, ["france", "europe", "world"])
    RecordingBackend.reset()
    article.refresh_from_db()
    with committed():
        article.unpublish()
    assert set(purged) >= _article_urls(article, news_index, ["france", "europe", "world"])


def test_saving_a_draft_purges_nothing(news_index, purged):
    article = factories.make_article(news_index)
    RecordingBackend.reset()
    article.title = "Not yet"
    article.save_revision()
    assert purged == []


def test_unpublishing_an_article_purges_the_same_urls(news_index, purged, committed):
    article = factories.make_article(news_index, topics=[factories.make_topic(slug="sport")])
    RecordingBackend.reset()
    with committed():
        article.unpublish()
    assert set(purged) >= _article_urls(article, news_index, ["sport"])


@pytest.mark.indexed  # the links are found through Wagtail's reference index
@pytest.mark.parametrize("hide", ["unpublish", "restrict", "retitle"])
def test_a_change_to_an_article_purges_the_visible_pages_that_link_to_it(
    news_index, purged, committed, hide
):
    story = factories.make_article(news_index, "Flood plan approved")
    body = [
        {"type": "paragraph", "value": f'<p>See <a linktype="page" id="{story.pk}">this</a>.</p>'}
    ]
    by_text = factories.make_article(news_index, "Linker by text", body=body)
    by_block = factories.make_article(
        news_index, body=[{"type": "related_article", "value": {"page": story.pk, "label": ""}}]
    )
    by_related = factories.make_article(news_index)
    by_related.related_links.create(related=story)
    by_related.save_revision().publish()
    draft = factories.make_article(news_index, body=body, publish=False)  # readers never see it
    RecordingBackend.reset()

    with committed():
        if hide == "unpublish":
            story.unpublish()
        elif hide == "restrict":
            PageViewRestriction.objects.create(
                page=story, restriction_type=PageViewRestriction.LOGIN
            )
        else:
            story.title = "Flood plan shelved"
            story.save_revision().publish()

    urls = set(purged)
    for linker in (by_text, by_block, by_related):
        assert linker.get_full_url() in urls, linker
        assert f"{ROOT}/api/newsfeed/v1/articles/{linker.pk}/" in urls
    assert f"{ROOT}/api/newsfeed/v1/articles/{draft.pk}/" not in urls


def test_deleting_a_live_article_purges_its_urls(news_index, purged, committed):
    article = factories.make_article(news_index)
    expected = _article_urls(article, news_index)
    RecordingBackend.reset()
    with committed():
        article.delete()
    assert set(purged) >= expected


def test_moving_an_article_purges_old_and_new_places(news_index, purged, committed):
    other_index = factories.make_index(title="World")
    article = factories.make_article(news_index, topics=[factories.make_topic(slug="asia")])
    old_url = article.get_full_url()
    RecordingBackend.reset()
    with committed():
        article.move(other_index, pos="last-child")
    article.refresh_from_db()
    assert article.get_full_url() != old_url
    urls = set(purged)
    assert old_url in urls
    assert f"{news_index.get_full_url()}?topic=asia" in urls
    assert f"{ROOT}/newsfeed/feeds/index/{news_index.pk}.rss" in urls
    assert urls >= _article_urls(article, other_index, ["asia"])


def test_publishing_a_live_feed_purges_it_and_its_index(news_index, purged, committed):
    feed = factories.make_feed(news_index, publish=False)
    with committed():
        feed.save_revision().publish()
    assert set(purged) >= _feed_urls(feed) | {
        news_index.get_full_url(),
        f"{ROOT}/api/newsfeed/v1/feeds/",
    }


ENTRY_CHANGES = {
    "edit": lambda entry, user: entry_rules.update_entry(entry, user, headline="Edited"),
    "pin": lambda entry, user: entry_rules.set_pinned(entry, user),
    "key_event": lambda entry, user: entry_rules.set_key_event(entry, user),
    "unpublish": lambda entry, user: entry_rules.unpublish_entry(entry, user),
    "delete": lambda entry, user: entry_rules.delete_entry(entry, user),
}


def test_creating_a_live_entry_purges_the_feed_urls(
    feed, superuser, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = factories.make_entry(feed, superuser)
    assert set(purged) == _feed_urls(feed) | _entry_urls(feed, entry)


@pytest.mark.parametrize("change", sorted(ENTRY_CHANGES))
def test_each_live_entry_change_purges_the_feed_urls(
    feed, superuser, purged, django_capture_on_commit_callbacks, change
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = factories.make_entry(feed, superuser)
    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        ENTRY_CHANGES[change](entry, superuser)
    assert set(purged) == _feed_urls(feed) | _entry_urls(feed, entry)


def _entry_urls(feed, entry) -> set[str]:
    """The entry's own API URL, which a proxy may hold too, and the API's authors list and
    the entry's authors' endpoints (its byline can make them public, or no longer)."""
    return {
        f"{ROOT}/api/newsfeed/v1/feeds/{feed.pk}/entries/{entry.pk}/",
        f"{ROOT}/api/newsfeed/v1/authors/",
        *(f"{ROOT}/api/newsfeed/v1/authors/{author.slug}/" for author in entry.authors.all()),
    }


def test_a_draft_entry_change_still_purges_the_feed_only(feed, superuser, purged):
    # Purging is cheap and a draft may have been live a moment ago: feed URLs only, no index.
    urls = purging.live_feed_urls(feed)
    assert feed.get_parent().get_full_url() not in urls
    assert urls == _feed_urls(feed)


def test_nothing_is_enqueued_without_a_frontend_cache_backend(
    news_index, feed, superuser, django_capture_on_commit_callbacks
):
    purges = []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == "purge_urls_from_cache_task":
            purges.extend(task_result.args[0])

    task_enqueued.connect(record)
    try:
        article = factories.make_article(news_index)
        article.unpublish()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            entry_rules.delete_entry(factories.make_entry(feed, superuser), superuser)
        assert callbacks  # entries_changed was sent
    finally:
        task_enqueued.disconnect(record)
    # Wagtail's own handler still enqueues the page itself; ours adds nothing.
    assert purges and not [url for url in purges if "/newsfeed/" in url or "/api/" in url]
    assert purging.purge(["http://localhost/x/"]) == set()


def test_moving_an_article_purges_its_old_url_where_pages_are_served_under_a_prefix(
    news_index, purged, committed
):
    other_index = factories.make_index(title="World")
    article = factories.make_article(news_index)
    with override_settings(ROOT_URLCONF="tests.urls_pages_under_prefix"):
        old_url = article.get_full_url()
        assert old_url.startswith(f"{ROOT}/pages/")  # the control: Wagtail adds the prefix
        RecordingBackend.reset()
        with committed():
            article.move(other_index, pos="last-child")
        article.refresh_from_db()
        new_url = article.get_full_url()
    assert old_url in purged
    assert new_url in purged
    assert news_index.get_full_url().replace(ROOT, f"{ROOT}/pages", 1) in purged


def test_moving_an_article_to_another_site_purges_it_on_both(news_index, purged, committed):
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="Other home", slug="other-home")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    other_index = factories.make_index(other_root, title="Elsewhere")
    article = factories.make_article(news_index)
    old_url = article.get_full_url()
    RecordingBackend.reset()
    with committed():
        article.move(other_index, pos="last-child")
    article.refresh_from_db()
    urls = set(purged)
    assert article.get_full_url().startswith("http://other.example/")
    assert {old_url, article.get_full_url(), other_index.get_full_url()} <= urls
    assert f"{ROOT}/newsfeed/feeds/index/{news_index.pk}.rss" in urls
    # The app's own URLs (feeds, API) are purged on the host that now serves the article.
    assert f"http://other.example/api/newsfeed/v1/articles/{article.pk}/" in urls


def test_the_cached_paths_a_page_class_declares_are_purged_with_it(
    news_index, purged, monkeypatch, committed
):
    # A site's page class declares its cached variants through Wagtail's own hook.
    monkeypatch.setattr(
        type(news_index), "get_cached_paths", lambda self: ["/", "/?page=2"], raising=False
    )
    article = factories.make_article(news_index, publish=False)
    with committed():
        article.save_revision().publish()
    assert f"{news_index.get_full_url()}?page=2" in purged
    urls = purging.moved_page_urls(article, news_index, news_index.url_path + "old-slug/")
    assert f"{news_index.get_full_url()}old-slug/" in urls
    assert f"{news_index.get_full_url()}?page=2" in urls


def test_restricting_a_page_purges_it_its_descendants_and_their_listings(
    news_index, feed, purged, django_capture_on_commit_callbacks
):
    article = factories.make_article(news_index, topics=[factories.make_topic(slug="local")])
    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=news_index, restriction_type=PageViewRestriction.LOGIN
        )
    expected = _article_urls(article, news_index, ["local"]) | _feed_urls(feed)
    assert set(purged) >= expected

    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()  # public again: the "not found" copies go too
    assert set(purged) >= expected


def test_a_restriction_purges_nothing_before_it_commits(
    news_index, purged, django_capture_on_commit_callbacks
):
    factories.make_article(news_index)
    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        PageViewRestriction.objects.create(
            page=news_index, restriction_type=PageViewRestriction.LOGIN
        )
        assert purged == []
    assert callbacks


def test_restricting_a_story_purges_its_aliases_too(
    news_index, purged, django_capture_on_commit_callbacks
):
    article = factories.make_article(news_index)
    mirror = factories.make_index(title="Mirror", slug="mirror")
    alias = article.create_alias(parent=mirror, update_slug="mirrored")
    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert alias.full_url in purged and mirror.full_url in purged


def test_a_topic_author_or_source_taken_off_an_article_is_purged_too(news_index, purged, committed):
    """Their listings, feeds and API endpoints showed it before the change; they must not go
    on showing it (a topic used only by it is no longer public)."""
    old_topic, new_topic = factories.make_topic(slug="old-beat"), factories.make_topic(slug="new")
    author, source = factories.make_author(slug="sam"), factories.make_source(slug="wire")
    article = factories.make_article(
        news_index, topics=[old_topic], authors=[author], source=source
    )
    RecordingBackend.reset()

    with committed():
        article.topics.set([new_topic])
        article.article_authors.clear()
        article.source = None
        article.save_revision().publish()

    assert set(purged) >= _article_urls(article, news_index, ["old-beat", "new"]) | {
        f"{ROOT}/api/newsfeed/v1/authors/sam/",
        f"{ROOT}/api/newsfeed/v1/sources/wire/",
    }


def test_a_publish_inside_a_transaction_purges_once_it_commits(
    news_index, purged, django_capture_on_commit_callbacks
):
    """A purge sent before the commit would let a reader's request cache the old page again."""
    article = factories.make_article(news_index)
    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
        assert not [url for url in purged if "/api/" in url]
    assert set(purged) >= _article_urls(article, news_index)


@pytest.mark.parametrize("make", [factories.make_article, factories.make_feed])
def test_a_new_slug_purges_the_page_s_old_url(news_index, purged, committed, make):
    page = make(news_index)
    old_url = page.get_full_url()
    RecordingBackend.reset()

    with committed():
        page.slug = "renamed"
        page.save_revision().publish()

    page.refresh_from_db()
    assert page.get_full_url().endswith("/renamed/")
    assert {old_url, page.get_full_url()} <= set(purged)


def test_creating_an_alias_of_a_story_purges_it_like_a_publication(news_index, purged, committed):
    article = factories.make_article(news_index)
    mirror = factories.make_index(title="Mirror", slug="mirror")
    RecordingBackend.reset()
    with committed():
        alias = article.create_alias(parent=mirror, update_slug="mirrored")
    assert alias.full_url in purged and mirror.full_url in purged
