"""A webhook payload names exactly what the CDN purge drops for the same change (both come from
``invalidation``), the API is purged on every Site's host, a renamed topic, author or source
purges what shows its name, and a view restriction above a live feed purges its entries' API URLs.
"""

from __future__ import annotations

import socket

import pytest
from wagtail.models import Page, PageViewRestriction, Site

from tests import factories
from tests.purge_backend import RecordingBackend
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
API = f"{ROOT}/api/newsfeed/v1"


@pytest.fixture
def endpoint(settings):
    """An endpoint subscribed to everything, on a loopback port nobody listens on: deliveries
    are recorded (their payloads are what is checked) and their sending fails at once."""
    settings.WAGTAIL_NEWSFEED = {
        **getattr(settings, "WAGTAIL_NEWSFEED", {}),
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": ["127.0.0.0/8"],
        "WEBHOOK_COALESCE_SECONDS": 0,
        "WEBHOOK_TIMEOUT": 1,
    }
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    return WebhookEndpoint.objects.create(
        name="Frontend", url=f"http://127.0.0.1:{port}/hook", events=list(WebhookEvent.values)
    )


def payload(event_type: str) -> dict:
    (delivery,) = WebhookDelivery.objects.filter(event_type=event_type)
    return delivery.payload["data"]


def urls_named_by(data: dict) -> set[str]:
    """The absolute URLs a payload names: its paths on its site (and other sites), its API URLs
    on every Site's host (the API answers on each)."""
    site = data["site"]
    roots = {s.root_url for s in Site.objects.all()}
    urls = {site + path for path in data["paths"]}
    urls |= {root + path for root, paths in data.get("other_sites", {}).items() for path in paths}
    api_paths = [url.removeprefix(site) for url in data["api_urls"]]
    return urls | {root + path for root in roots for path in api_paths}


def test_an_article_publish_payload_names_every_url_the_purge_drops(
    news_index, purged, endpoint, committed
):
    world = factories.make_topic("World", slug="world")
    europe = factories.make_topic("Europe", slug="europe", parent=world)
    author, source = factories.make_author(slug="sam"), factories.make_source(slug="wire")
    article = factories.make_article(
        news_index, publish=False, topics=[europe], authors=[author], source=source
    )
    RecordingBackend.reset()
    with committed():
        article.save_revision().publish()

    data = payload("article.published")
    assert set(purged) == urls_named_by(data)
    assert data["paths"][:2] == [article.url, news_index.url]
    assert {
        f"{news_index.url}?topic=europe",
        f"{news_index.url}?topic=world",
        "/newsfeed/feeds/topics/europe.rss",
        "/newsfeed/feeds/latest.atom",
        "/news-sitemap.xml",
    } <= set(data["paths"])
    assert {
        f"{API}/articles/{article.pk}/",
        f"{API}/articles/find/?path=%2F{article.url.strip('/').replace('/', '%2F')}%2F",
        f"{API}/topics/europe/",
        f"{API}/authors/sam/",
        f"{API}/sources/wire/",
    } <= set(data["api_urls"])


def test_a_topic_taken_off_a_live_article_is_in_the_payload_and_the_purge(
    news_index, purged, endpoint, committed
):
    article = factories.make_article(news_index, topics=[factories.make_topic(slug="old-beat")])
    WebhookDelivery.objects.all().delete()
    RecordingBackend.reset()
    with committed():
        article.topics.set([factories.make_topic(slug="new-beat")])
        article.save_revision().publish()

    data = payload("article.updated")
    assert set(purged) == urls_named_by(data)
    assert {f"{news_index.url}?topic=old-beat", f"{news_index.url}?topic=new-beat"} <= set(
        data["paths"]
    )


def test_an_article_unpublish_payload_names_every_url_the_purge_drops(
    news_index, purged, endpoint, committed
):
    article = factories.make_article(news_index, topics=[factories.make_topic(slug="sport")])
    RecordingBackend.reset()
    with committed():
        article.unpublish()

    data = payload("article.unpublished")
    assert set(purged) == urls_named_by(data)
    assert f"{ROOT}{news_index.url}?topic=sport" in purged


def test_an_entry_change_payload_names_every_url_the_purge_drops(
    feed, superuser, purged, endpoint, committed
):
    author = factories.make_author(slug="reporter")
    with committed():
        entry = factories.make_entry(feed, superuser, authors=[author])
    WebhookDelivery.objects.all().delete()
    RecordingBackend.reset()
    with committed():
        entry_rules.update_entry(entry, superuser, headline="Edited")

    data = payload("entry.changed")
    assert set(purged) == urls_named_by(data)
    assert {
        f"{API}/feeds/{feed.pk}/entries/",
        f"{API}/feeds/{feed.pk}/entries/{entry.pk}/",
        f"{API}/authors/reporter/",
    } <= set(data["api_urls"])


@pytest.mark.parametrize(
    ("make", "kind"),
    [(factories.make_topic, "topics"), (factories.make_author, "authors")],
)
def test_a_taxonomy_rename_payload_names_every_url_the_purge_drops(
    news_index, purged, endpoint, committed, make, kind
):
    term = make("Climate", slug="climate")
    links = {"topics": [term]} if kind == "topics" else {"authors": [term]}
    factories.make_article(news_index, **links)
    WebhookDelivery.objects.all().delete()
    RecordingBackend.reset()
    with committed():
        term.name, term.slug = "Climate and energy", "climate-energy"
        term.save()

    data = payload("taxonomy.changed")
    assert set(purged) == urls_named_by(data)
    assert {news_index.url, "/newsfeed/feeds/latest.rss"} <= set(data["paths"])
    assert {
        f"{API}/{kind}/",
        f"{API}/{kind}/climate-energy/",
        f"{API}/{kind}/climate/",
        f"{API}/articles/",
    } <= set(data["api_urls"])
    if kind == "topics":
        assert {
            f"{news_index.url}?topic=climate",
            f"{news_index.url}?topic=climate-energy",
            "/newsfeed/feeds/topics/climate.rss",
            "/newsfeed/feeds/topics/climate-energy.atom",
        } <= set(data["paths"])


def test_a_taxonomy_rename_names_no_private_index(news_index, purged, endpoint, committed):
    members = factories.make_index(title="Members only", slug="members-only")
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    topic = factories.make_topic("Climate", slug="climate")
    factories.make_article(news_index, topics=[topic])
    WebhookDelivery.objects.all().delete()
    RecordingBackend.reset()
    with committed():
        topic.name = "Climate and energy"
        topic.save()

    assert f"{ROOT}{news_index.url}" in purged
    assert "members-only" not in str(payload("taxonomy.changed"))
    assert not [url for url in purged if "members-only" in url]


def test_only_a_topic_readers_can_see_is_purged_and_sent_when_renamed(
    news_index, purged, endpoint, committed
):
    public = factories.make_topic("Elections", slug="elections")
    embargoed = factories.make_topic("Embargoed merger", slug="embargoed")
    factories.make_article(news_index, topics=[public])
    factories.make_article(news_index, publish=False, topics=[embargoed])
    RecordingBackend.reset()
    WebhookDelivery.objects.all().delete()
    with committed():
        for topic in (public, embargoed):
            topic.name = f"{topic.name} (renamed)"
            topic.save()

    assert f"{API}/topics/elections/" in purged
    assert not [url for url in purged if "embargoed" in url]
    assert payload("taxonomy.changed")["id"] == public.pk
    assert "embargoed" not in str(WebhookDelivery.objects.get().payload)


def test_unpublishing_purges_the_api_on_every_site_s_host(news_index, purged, committed):
    other_home = Page.get_first_root_node().add_child(
        instance=Page(title="Other newsroom", slug="other-newsroom")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    article = factories.make_article(news_index)
    RecordingBackend.reset()
    with committed():
        article.unpublish()

    urls = set(purged)
    for root in (ROOT, "http://other.example"):
        assert {
            f"{root}/api/newsfeed/v1/articles/",
            f"{root}/api/newsfeed/v1/articles/{article.pk}/",
            f"{root}/api/newsfeed/v1/articles/find/",
        } <= urls
    # The reader page and the Site's own feeds are its Site's alone.
    assert article.get_full_url() in urls
    assert not [u for u in urls if u.startswith("http://other.example/") and "/api/" not in u]


def test_a_restriction_above_a_feed_purges_its_entries_api_urls(
    news_index, superuser, purged, django_capture_on_commit_callbacks
):
    section = factories.make_index(news_index, title="Elections", slug="elections")
    feed = factories.make_feed(section, "Results night")
    author = factories.make_author(slug="desk")
    with django_capture_on_commit_callbacks(execute=True):
        shown = factories.make_entry(feed, superuser, authors=[author])
        gone = factories.make_entry(feed, superuser)
        entry_rules.delete_entry(gone, superuser)
    RecordingBackend.reset()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=news_index, restriction_type=PageViewRestriction.LOGIN
        )

    urls = set(purged)
    assert {
        f"{API}/feeds/{feed.pk}/",
        f"{API}/feeds/{feed.pk}/entries/",
        f"{API}/feeds/{feed.pk}/entries/{shown.pk}/",
        f"{API}/authors/",
        f"{API}/authors/desk/",
    } <= urls
    assert f"{API}/feeds/{feed.pk}/entries/{gone.pk}/" not in urls  # was never readable since


def test_a_coalesced_entry_delivery_names_the_api_url_of_each_entry_it_carries(
    feed, superuser, endpoint, settings, committed
):
    settings.WAGTAIL_NEWSFEED = {**settings.WAGTAIL_NEWSFEED, "WEBHOOK_COALESCE_SECONDS": 60}
    with committed():
        factories.make_entry(feed, superuser)  # the leading delivery, sent at once
    with committed():
        second = factories.make_entry(feed, superuser)
    with committed():
        third = factories.make_entry(feed, superuser)

    trailing = WebhookDelivery.objects.filter(event_type="entry.changed").order_by("pk").last()
    data = trailing.payload["data"]
    assert data["entries"]["created"] == [second.pk, third.pk]
    assert {
        f"{API}/feeds/{feed.pk}/entries/{second.pk}/",
        f"{API}/feeds/{feed.pk}/entries/{third.pk}/",
    } <= set(data["api_urls"])


def test_a_move_to_another_site_names_and_purges_the_old_sites_listings_there(
    news_index, purged, endpoint, committed
):
    other_home = Page.get_first_root_node().add_child(
        instance=Page(title="Other newsroom", slug="other-newsroom")
    )
    Site.objects.create(hostname="other.example", port=8080, root_page=other_home)
    other_index = factories.make_index(other_home, title="World", slug="world")
    article = factories.make_article(
        news_index, slug="mover", topics=[factories.make_topic(slug="mv")]
    )
    old_url, index_path = article.get_url_parts()[2], news_index.get_url_parts()[2]
    WebhookDelivery.objects.all().delete()
    RecordingBackend.reset()

    with committed():
        article.move(other_index, pos="last-child")

    data = payload("article.updated")
    assert data["site"] == "http://other.example:8080"
    assert data["previous_site"] == ROOT
    old_paths = set(data["other_sites"][ROOT])
    assert {
        old_url,
        index_path,
        f"{index_path}?topic=mv",
        "/newsfeed/feeds/latest.rss",
        "/newsfeed/feeds/topics/mv.atom",
        "/news-sitemap.xml",
    } <= old_paths
    assert old_url not in data["paths"]  # not a path of the new Site
    assert {ROOT + path for path in old_paths} <= set(purged)
