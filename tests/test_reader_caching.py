"""Reader pages as a proxy and the fragment cache see them: who may keep a page and for how long
(``http_caching``), and rendered pieces that never outlive what they show (``fragments``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed import entry_rules


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part}


# Cache-Control ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_readers_get_public_pages_with_the_max_age_of_their_kind(client, settings):
    settings.WAGTAIL_NEWSFEED = {"PAGE_CACHE_MAX_AGE": 120, "LIVE_PAGE_CACHE_MAX_AGE": 7}
    index = factories.make_index()
    article = factories.make_article(index)
    feed = factories.make_feed(index)

    for page, max_age in ((index, 120), (article, 120), (feed, 7)):
        response = client.get(page.url)
        assert response.status_code == 200
        assert cache_control(response) == {"public", f"max-age={max_age}"}, page
        assert "cookie" in vary(response)
        assert "Set-Cookie" not in response  # nothing per reader that a proxy would keep


@pytest.mark.django_db
def test_signed_in_users_get_private_pages(client, news_index):
    article = factories.make_article(news_index)
    client.force_login(factories.make_superuser())

    response = client.get(article.url)

    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)


@pytest.mark.django_db
def test_a_page_behind_a_password_is_private_for_the_reader_who_gave_it(client, news_index):
    article = factories.make_article(news_index, title="Embargoed")
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    form_url = f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    client.post(form_url, {"password": "s3cret", "return_url": article.url})

    response = client.get(article.url)

    assert response.status_code == 200
    assert b"Embargoed" in response.content
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)


@pytest.mark.django_db
def test_max_age_zero_keeps_pages_out_of_shared_caches(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"PAGE_CACHE_MAX_AGE": 0}
    article = factories.make_article(news_index)

    response = client.get(article.url)

    assert cache_control(response) == {"private", "no-cache"}


@pytest.mark.django_db
def test_a_preview_is_never_public(admin_client, news_index):
    article = factories.make_article(news_index)
    revision = article.latest_revision

    response = admin_client.get(f"/admin/pages/{article.pk}/revisions/{revision.pk}/view/")

    assert response.status_code == 200
    assert "public" not in cache_control(response)


# Fragments ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_live_page_read_again_without_changes_does_not_read_its_entries(client, feed):
    for n in range(3):
        factories.make_entry(feed, text=f"Update {n}")
    client.get(feed.url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(feed.url)

    assert b"Update 2" in response.content
    assert not [q for q in queries if "wagtail_newsfeed_liveentry" in q["sql"]]


@pytest.mark.django_db
def test_an_edited_entry_is_shown_at_once_on_a_cached_live_page(client, feed):
    entry = factories.make_entry(feed, headline="First words")
    factories.make_entry(feed, text="Other")
    assert b"First words" in client.get(feed.url).content

    entry_rules.update_entry(entry, factories._system_user(), headline="Corrected words")

    html = client.get(feed.url).content
    assert b"Corrected words" in html
    assert b"First words" not in html


@pytest.mark.django_db
def test_an_unpublished_entry_leaves_the_cached_page_its_json_ld_and_fragments(client, feed):
    entry = factories.make_entry(feed, headline="Soon withdrawn")
    assert b"Soon withdrawn" in client.get(feed.url).content

    entry_rules.unpublish_entry(entry, factories._system_user())

    assert b"Soon withdrawn" not in client.get(feed.url).content
    fragments = client.get(f"/newsfeed/live/{feed.pk}/fragments/?ids={entry.pk}").json()
    assert fragments["entries"] == {}


@pytest.mark.django_db
def test_an_author_renamed_is_shown_at_once_on_a_cached_live_page(client, feed):
    author = factories.make_author("Jane Smith")
    factories.make_entry(feed, authors=[author])
    assert b"Jane Smith" in client.get(feed.url).content

    author.name = "Jane Doe"
    author.save()

    html = client.get(feed.url).content
    assert b"Jane Doe" in html
    assert b"Jane Smith" not in html


@pytest.mark.django_db
def test_a_republished_article_is_shown_at_once(client, news_index):
    article = factories.make_article(news_index, body=factories.paragraph("Old paragraph."))
    assert b"Old paragraph." in client.get(article.url).content

    article.body = factories.paragraph("New paragraph.")
    article.save_revision().publish()

    html = client.get(article.url).content
    assert b"New paragraph." in html
    assert b"Old paragraph." not in html


@pytest.mark.django_db
def test_a_cached_article_follows_the_pages_it_links_to(client, news_index):
    target = factories.make_article(news_index, slug="first-home")
    body = [{"type": "paragraph", "value": f'<p><a linktype="page" id="{target.pk}">See</a></p>'}]
    article = factories.make_article(news_index, body=body)
    assert b'href="/news' in client.get(article.url).content
    assert f"/{target.slug}/".encode() in client.get(article.url).content

    target.slug = "new-home"
    target.save_revision().publish()

    assert b"/new-home/" in client.get(article.url).content


@pytest.mark.django_db
def test_an_index_lists_a_newly_published_article_at_once(client, news_index):
    factories.make_article(news_index, title="Earlier story")
    assert b"Earlier story" in client.get(news_index.url).content

    factories.make_article(news_index, title="Later story")

    assert b"Later story" in client.get(news_index.url).content


@pytest.mark.django_db
def test_an_unpublished_article_leaves_the_cached_index(client, news_index):
    article = factories.make_article(news_index, title="Withdrawn story")
    assert b"Withdrawn story" in client.get(news_index.url).content

    article.unpublish()

    assert b"Withdrawn story" not in client.get(news_index.url).content


@pytest.mark.django_db
def test_a_draft_preview_renders_afresh_not_from_the_cache(admin_client, news_index):
    article = factories.make_article(news_index, body=factories.paragraph("Published text."))
    admin_client.get(article.url)  # the published body is now cached
    article.body = factories.paragraph("Draft text.")
    draft = article.save_revision()  # a draft: the live page keeps its cache key

    preview = admin_client.get(f"/admin/pages/{article.pk}/revisions/{draft.pk}/view/")
    live_page = admin_client.get(article.url)

    assert b"Draft text." in preview.content
    assert b"Published text." in live_page.content


# Revalidation -------------------------------------------------------------------------------

#: Feeds and sitemaps: an ``ETag`` of their content, and a 304 when a reader sends it back.
REVALIDATED = [
    "/newsfeed/feeds/latest.rss",
    "/newsfeed/feeds/latest.atom",
    "/newsfeed/feeds/index/{index}.rss",
    "/newsfeed/feeds/topics/climate.rss",
    "/newsfeed/feeds/live/{feed}.atom",
    "/sitemap.xml",
    "/news-sitemap.xml",
]


def seeded(path: str, news_index, feed) -> str:
    """``path`` for the index and feed, with a story, a topic and an entry for it to list."""
    climate = factories.make_topic("Climate", slug="climate")
    factories.make_article(news_index, "Heatwave", topics=[climate])
    factories.make_entry(feed, text="Polls close")
    return path.format(index=news_index.pk, feed=feed.pk)


def revalidation_headers(response) -> dict[str, str | None]:
    return {name: response.get(name) for name in ("ETag", "Cache-Control", "Vary")}


@pytest.mark.django_db
@pytest.mark.parametrize("path", REVALIDATED)
def test_a_feed_or_sitemap_answers_304_to_its_own_etag(client, news_index, feed, path):
    url = seeded(path, news_index, feed)
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    for send in (client.get, client.head):
        for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):  # compared weakly
            again = send(url, HTTP_IF_NONE_MATCH=sent)
            assert again.status_code == 304, (send, sent)
            assert again.content == b""
            assert revalidation_headers(again) == revalidation_headers(first)
    changed = client.get(url, HTTP_IF_NONE_MATCH='"other"')
    assert changed.status_code == 200
    assert (changed["ETag"], changed.content) == (etag, first.content)


@pytest.mark.django_db
@pytest.mark.parametrize("path", REVALIDATED)
def test_a_feed_or_sitemap_ignores_if_unmodified_since(client, news_index, feed, path):
    """They send no ``Last-Modified`` (``http_caching.public_by_content``): RFC 9110 §13.1.4."""
    url = seeded(path, news_index, feed)
    plain = client.get(url)
    for date in ("Thu, 01 Jan 2099 00:00:00 GMT", "Mon, 01 Jan 2001 00:00:00 GMT"):
        response = client.get(url, HTTP_IF_UNMODIFIED_SINCE=date)
        assert response.status_code == 200
        assert (response["ETag"], response.content) == (plain["ETag"], plain.content)


@pytest.mark.django_db
def test_reader_pages_send_no_etag_to_revalidate(client, news_index, feed):
    """Pages are not revalidated (no ``ETag``, no ``Last-Modified``): publishing purges them."""
    article = factories.make_article(news_index)
    for url in (article.url, news_index.url, feed.url):
        response = client.get(url, HTTP_IF_NONE_MATCH="*")
        assert response.status_code == 200
        assert not response.has_header("ETag") and not response.has_header("Last-Modified")
