"""RSS and Atom feeds: valid XML listing exactly the visible items, with absolute URLs."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from tests import factories, tools
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.fragments import renders_changed

feedparser = tools.import_or_missing("feedparser")

pytestmark = pytest.mark.django_db


def _get(client, name, *args):
    response = client.get(reverse(f"wagtail_newsfeed:{name}", args=args))
    assert response.status_code == 200, response.content[:500]
    ElementTree.fromstring(response.content)  # well-formed XML
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return response, parsed


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_latest_feed_lists_exactly_the_visible_articles_newest_first(client, news_index, fmt):
    now = timezone.now()
    old = factories.make_article(news_index, "Older", published_at=now - timedelta(hours=2))
    new = factories.make_article(news_index, "Newer", published_at=now - timedelta(hours=1))
    factories.make_hidden_articles(news_index)
    _, parsed = _get(client, f"latest_{fmt}")
    assert [e.title for e in parsed.entries] == ["Newer", "Older"]
    assert [e.link for e in parsed.entries] == [new.get_full_url(), old.get_full_url()]
    assert all(e.link.startswith("http://") for e in parsed.entries)
    assert parsed.feed.title == "Test Newsroom: latest news"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_article_items_carry_dates_authors_topics_and_summary(client, news_index, fmt):
    published = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    topic = factories.make_topic("Elections")
    author = factories.make_author("Ada Reporter")
    factories.make_article(
        news_index,
        "Count begins",
        standfirst="Polls have closed.",
        published_at=published,
        topics=[topic],
        authors=[author],
    )
    _, parsed = _get(client, f"latest_{fmt}")
    (item,) = parsed.entries
    assert item.summary == "Polls have closed."
    assert item.author == "Ada Reporter"
    assert [tag.term for tag in item.tags] == ["Elections"]
    assert datetime(*item.published_parsed[:6], tzinfo=UTC) == published


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_lead_image_is_an_absolute_enclosure_with_length_and_type(client, news_index, fmt):
    image = factories.make_image(width=1600, height=900)
    factories.make_article(news_index, "With picture", lead_image=image)
    factories.make_article(news_index, "Without picture")
    _, parsed = _get(client, f"latest_{fmt}")
    by_title = {e.title: e for e in parsed.entries}
    (enclosure,) = by_title["With picture"].enclosures
    rendition = image.get_rendition("fill-1200x675")
    assert enclosure.href == f"http://localhost{rendition.url}"
    assert int(enclosure.length) == rendition.file.size > 0
    assert enclosure.type == "image/png"
    assert by_title["Without picture"].enclosures == []


def test_latest_feed_costs_a_fixed_number_of_queries(
    client, news_index, django_assert_max_num_queries
):
    topic = factories.make_topic()
    author = factories.make_author()
    image = factories.make_image()
    for _ in range(8):
        factories.make_article(news_index, lead_image=image, topics=[topic], authors=[author])
    client.get(reverse("wagtail_newsfeed:latest_rss"))  # renditions generated once
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wagtail_newsfeed:latest_rss"))
    assert response.status_code == 200


def test_articles_without_a_standfirst_are_summed_up_by_their_body_in_one_query(
    client, news_index, django_assert_max_num_queries
):
    # A process that has rendered before: each change then costs it the same one re-read of
    # Wagtail's Site root paths (``fragments.render_generation``), before 2 articles and 10.
    client.get(reverse("wagtail_newsfeed:latest_rss"))
    for n in range(2):
        factories.make_article(news_index, standfirst="", body=factories.paragraph(f"Body {n}"))
    renders_changed()  # nothing kept: every item is read afresh
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("wagtail_newsfeed:latest_rss"))
    for n in range(2, 10):
        factories.make_article(news_index, standfirst="", body=factories.paragraph(f"Body {n}"))

    renders_changed()
    with django_assert_max_num_queries(len(few.captured_queries)):
        _response, parsed = _get(client, "latest_rss")

    assert sorted(entry.summary for entry in parsed.entries) == sorted(
        f"Body {n}" for n in range(10)
    )


def test_feed_items_are_kept_between_renders_and_a_publish_shows_its_new_state(
    client, news_index, django_assert_max_num_queries
):
    articles = [factories.make_article(news_index, f"Story {n}") for n in range(5)]
    _get(client, "latest_rss")
    with django_assert_max_num_queries(3):  # the list of versions; every item kept
        _get(client, "latest_rss")

    changed = articles[2]
    changed.title = "Story 2, updated"
    changed.save_revision().publish()

    _response, parsed = _get(client, "latest_rss")
    assert sorted(entry.title for entry in parsed.entries) == sorted(
        ["Story 0", "Story 1", "Story 2, updated", "Story 3", "Story 4"]
    )


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_index_feed_lists_only_that_indexs_visible_articles(client, news_index, fmt):
    factories.make_article(news_index, "Ours")
    factories.make_hidden_articles(news_index)
    factories.make_article(factories.make_index(title="Sport"), "Theirs")
    _, parsed = _get(client, f"index_{fmt}", news_index.pk)
    assert [e.title for e in parsed.entries] == ["Ours"]
    assert parsed.feed.link == news_index.get_full_url()


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_topic_feed_lists_the_topics_visible_articles(client, news_index, fmt):
    topic = factories.make_topic("Weather", slug="weather")
    factories.make_article(news_index, "Storm", topics=[topic])
    factories.make_article(news_index, "Budget")
    factories.make_article(news_index, "Secret storm", topics=[topic], publish=False)
    _, parsed = _get(client, f"topic_{fmt}", "weather")
    assert [e.title for e in parsed.entries] == ["Storm"]
    assert parsed.feed.title == "Weather"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_live_feed_lists_its_published_entries_with_permalinks(client, feed, superuser, fmt):
    first = factories.make_entry(feed, superuser, headline="Polls open", text="Doors open.")
    second = factories.make_entry(feed, superuser, text="Turnout is high in the north.")
    factories.make_entry(feed, superuser, headline="Draft", status="draft")
    gone = factories.make_entry(feed, superuser, headline="Deleted")
    entry_rules.delete_entry(gone, superuser)
    _, parsed = _get(client, f"live_{fmt}", feed.pk)
    assert [e.title for e in parsed.entries] == ["Turnout is high in the north.", "Polls open"]
    assert [e.link for e in parsed.entries] == [
        f"{feed.get_full_url()}?entry={second.pk}#entry-{second.pk}",
        f"{feed.get_full_url()}?entry={first.pk}#entry-{first.pk}",
    ]
    assert "Doors open." in parsed.entries[1].summary


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_topic_feed_is_404_for_a_topic_no_visible_article_uses(client, news_index, fmt):
    hidden = {kind: factories.make_topic(slug=f"{kind}-only") for kind in ("draft", "private")}
    hidden["unused"] = factories.make_topic(slug="unused")
    factories.make_article(news_index, "Draft", topics=[hidden["draft"]], publish=False)
    private = factories.make_article(news_index, "Private", topics=[hidden["private"]])
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    factories.make_article(news_index, "Visible, other topic", topics=[factories.make_topic()])
    for topic in hidden.values():
        response = client.get(reverse(f"wagtail_newsfeed:topic_{fmt}", args=[topic.slug]))
        assert response.status_code == 404, topic.slug


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_topic_feed_is_404_once_its_only_article_expires(client, news_index, fmt):
    topic = factories.make_topic(slug="fading")
    article = factories.make_article(news_index, "Soon gone", topics=[topic])
    url = reverse(f"wagtail_newsfeed:topic_{fmt}", args=["fading"])
    assert client.get(url).status_code == 200
    # Still marked live: publish_scheduled has not run since it expired.
    type(article).objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name,arg",
    [("index_rss", 999999), ("live_atom", 999999), ("topic_rss", "no-such-topic")],
)
def test_unknown_things_are_404(client, db, name, arg):
    assert client.get(reverse(f"wagtail_newsfeed:{name}", args=[arg])).status_code == 404


def test_hidden_index_and_feed_are_404(client, news_index, feed):
    factories.make_entry(feed, text="Secret")
    PageViewRestriction.objects.create(
        page=news_index, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    for name, page in [("index_rss", news_index), ("live_rss", feed), ("live_atom", feed)]:
        assert client.get(reverse(f"wagtail_newsfeed:{name}", args=[page.pk])).status_code == 404
    unpublished = factories.make_feed(factories.make_index(), publish=False)
    assert (
        client.get(reverse("wagtail_newsfeed:live_rss", args=[unpublished.pk])).status_code == 404
    )
    # The index page id is not a live feed, and vice versa.
    assert client.get(reverse("wagtail_newsfeed:live_rss", args=[news_index.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_an_index_and_feed_outside_every_site_are_404(client, db, fmt):
    """Wagtail lets a superuser add a news index beside the Sites' roots: readers cannot reach
    it (it has no URL), so neither are its feeds."""
    orphan = factories.make_index(Page.get_first_root_node(), "Outside every Site")
    factories.make_article(orphan)
    feed = factories.make_feed(orphan)
    factories.make_entry(feed, text="Nobody can reach this")
    assert orphan.get_url() is None
    for name, page in [(f"index_{fmt}", orphan), (f"live_{fmt}", feed)]:
        assert client.get(reverse(f"wagtail_newsfeed:{name}", args=[page.pk])).status_code == 404


def test_a_feed_is_served_with_its_content_type(client, news_index):
    rss = client.get(reverse("wagtail_newsfeed:latest_rss"))
    atom = client.get(reverse("wagtail_newsfeed:latest_atom"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")


def test_feeds_are_public_for_proxies_live_ones_briefly(client, news_index, feed, settings):
    settings.WAGTAIL_NEWSFEED = {"PAGE_CACHE_MAX_AGE": 90, "LIVE_PAGE_CACHE_MAX_AGE": 4}
    factories.make_article(news_index)

    latest = client.get(reverse("wagtail_newsfeed:latest_atom"))
    live_feed = client.get(reverse("wagtail_newsfeed:live_rss", args=[feed.pk]))

    assert latest["Cache-Control"] == "public, max-age=90"
    assert live_feed["Cache-Control"] == "public, max-age=4"


def test_each_feed_has_an_atom_id_and_link_of_its_own(client, news_index, feed):
    """RFC 4287: a feed's id is unique; readers that dedupe by id would merge topic feeds."""
    climate = factories.make_topic("Climate", slug="climate")
    economy = factories.make_topic("Economy", slug="economy")
    factories.make_article(news_index, "Heatwave", topics=[climate])
    factories.make_article(news_index, "Rates", topics=[economy])
    factories.make_entry(feed, text="Polls close")
    feeds = {
        "latest": ("latest_atom",),
        "index": ("index_atom", news_index.pk),
        "climate": ("topic_atom", "climate"),
        "economy": ("topic_atom", "economy"),
        "live": ("live_atom", feed.pk),
    }

    ids = {name: _get(client, *args)[1].feed.id for name, args in feeds.items()}

    index_url = news_index.get_full_url()
    assert ids["climate"] == f"{index_url}?topic=climate"
    assert ids["economy"] == f"{index_url}?topic=economy"
    assert ids["live"] == feed.get_full_url()
    assert len(set(ids.values())) == len(ids), ids


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_topic_feed_links_to_the_topic_on_the_first_index_that_lists_it(client, news_index, fmt):
    topic = factories.make_topic("Climate", slug="climate")
    sport = factories.make_index(title="Sport")
    factories.make_article(sport, "Heat stops play", topics=[topic])
    factories.make_article(news_index, "Another story")

    _, parsed = _get(client, f"topic_{fmt}", "climate")

    assert parsed.feed.link == f"{sport.get_full_url()}?topic=climate"
    assert client.get(f"{sport.url}?topic=climate").status_code == 200
