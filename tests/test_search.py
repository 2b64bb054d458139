"""Search: articles and live entries through Wagtail search, never anything hidden."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests import factories
from wagtail_newsfeed import entry_rules
from wagtail_newsfeed.search import clean_query, search_articles, search_entries

# Everything here searches: its test data is indexed (tests/indexing.py).
pytestmark = [pytest.mark.django_db, pytest.mark.indexed]


def _titles(results):
    return sorted(article.title for article in results)


def test_finds_an_article_by_a_word_of_its_body(news_index):
    factories.make_article(news_index, "Harbour story", body=factories.paragraph("A narwhal swam"))
    factories.make_article(news_index, "Other story")
    assert _titles(search_articles("narwhal")) == ["Harbour story"]


def test_finds_an_article_by_headline_standfirst_and_topic(news_index):
    topic = factories.make_topic("Volcanology")
    factories.make_article(
        news_index, "Eruption warning issued", standfirst="Ash cloud drifts east.", topics=[topic]
    )
    assert _titles(search_articles("eruption")) == ["Eruption warning issued"]
    assert _titles(search_articles("ash cloud")) == ["Eruption warning issued"]
    assert _titles(search_articles("volcanology")) == ["Eruption warning issued"]


def test_does_not_find_a_draft(news_index):
    factories.make_article(news_index, "Draft", publish=False, body=factories.paragraph("okapi"))
    assert list(search_articles("okapi")) == []


def test_does_not_find_words_of_an_unpublished_revision(news_index):
    article = factories.make_article(news_index, "Live story", body=factories.paragraph("tapir"))
    article.body = factories.paragraph("embargoed quokka")
    article.save_revision()
    assert _titles(search_articles("tapir")) == ["Live story"]
    assert list(search_articles("quokka")) == []


def test_does_not_find_a_private_article(news_index):
    article = factories.make_article(news_index, "Private", body=factories.paragraph("pangolin"))
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert list(search_articles("pangolin")) == []


def test_does_not_find_an_expired_or_unpublished_article(news_index):
    expired = factories.make_article(news_index, body=factories.paragraph("axolotl"))
    type(expired).objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    gone = factories.make_article(news_index, body=factories.paragraph("axolotl"))
    gone.unpublish()
    assert list(search_articles("axolotl")) == []


def test_search_is_limited_to_an_index_and_a_queryset(news_index):
    other_index = factories.make_index(title="Sport")
    topic = factories.make_topic()
    factories.make_article(news_index, "Here", body=factories.paragraph("gecko"), topics=[topic])
    factories.make_article(news_index, "Here too", body=factories.paragraph("gecko"))
    factories.make_article(other_index, "There", body=factories.paragraph("gecko"))
    assert _titles(search_articles("gecko")) == ["Here", "Here too", "There"]
    assert _titles(search_articles("gecko", news_index)) == ["Here", "Here too"]
    within = news_index.get_articles().filter(topics=topic)
    assert _titles(search_articles("gecko", within=within)) == ["Here"]


def test_search_can_order_by_date(news_index):
    now = timezone.now()
    for days in (3, 1, 2):
        factories.make_article(
            news_index,
            f"{days} days ago",
            body=factories.paragraph("heron"),
            published_at=now - timedelta(days=days),
        )
    results = search_articles("heron", ordering="-published_at")
    assert [a.title for a in results] == ["1 days ago", "2 days ago", "3 days ago"]
    with pytest.raises(ValueError):
        search_articles("heron", ordering="title")


def test_query_is_normalised_and_capped():
    assert clean_query("  two \n words ") == "two words"
    assert len(clean_query("x" * 5000)) == 200
    assert clean_query(None) == ""


def test_live_entries_are_searchable_but_not_drafts_or_deleted(feed, superuser):
    found = factories.make_entry(feed, superuser, text="The marmoset result is in")
    factories.make_entry(feed, superuser, text="marmoset draft", status="draft")
    deleted = factories.make_entry(feed, superuser, text="marmoset retracted")
    entry_rules.delete_entry(deleted, superuser)
    assert [entry.pk for entry in search_entries("marmoset")] == [found.pk]
    assert [entry.pk for entry in search_entries("marmoset", feed)] == [found.pk]


def test_entries_of_a_hidden_feed_are_not_found(feed, superuser):
    factories.make_entry(feed, superuser, text="wombat sighting")
    feed.unpublish()
    assert list(search_entries("wombat")) == []
    assert list(search_entries("wombat", feed)) == []


def test_edited_entry_is_found_by_its_new_words(feed, superuser):
    entry = factories.make_entry(feed, superuser, text="first version")
    entry_rules.update_entry(entry, superuser, body=factories.paragraph("corrected capybara"))
    assert [e.pk for e in search_entries("capybara")] == [entry.pk]


def test_news_index_search_box_shows_only_matching_visible_articles(client, news_index):
    factories.make_article(news_index, "Bridge reopens", body=factories.paragraph("ferry chaos"))
    factories.make_article(news_index, "Budget day")
    factories.make_article(
        news_index, "Ferry draft", publish=False, body=factories.paragraph("ferry")
    )
    factories.make_article(factories.make_index(), "Elsewhere", body=factories.paragraph("ferry"))
    html = client.get(news_index.url, {"q": "ferry"}).content.decode()
    assert 'name="q" value="ferry"' in html
    assert "Bridge reopens" in html
    for absent in ("Budget day", "Ferry draft", "Elsewhere"):
        assert absent not in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "noindex" not in client.get(news_index.url).content.decode()


def test_news_index_search_combines_with_topic_and_keeps_query_in_pagination(
    client, news_index, settings
):
    settings.WAGTAIL_NEWSFEED = {"ARTICLES_PER_PAGE": 2}
    topic = factories.make_topic(slug="harbour")
    for n in range(3):
        factories.make_article(
            news_index, f"Harbour {n}", body=factories.paragraph("tide"), topics=[topic]
        )
    factories.make_article(news_index, "Untagged tide", body=factories.paragraph("tide"))
    response = client.get(news_index.url, {"q": "tide", "topic": "harbour"})
    page = response.context["articles"]
    assert page.paginator.count == 3
    assert "Untagged tide" not in response.content.decode()
    assert "q=tide&amp;page=2" in response.content.decode()


def test_news_index_search_with_no_match_says_so(client, news_index):
    factories.make_article(news_index, "Something")
    html = client.get(news_index.url, {"q": "zzzxqy"}).content.decode()
    assert "No stories match" in html


def test_news_index_search_costs_a_fixed_number_of_queries(
    client, news_index, django_assert_max_num_queries
):
    topic = factories.make_topic()
    author = factories.make_author()
    for _ in range(6):
        factories.make_article(
            news_index, body=factories.paragraph("lighthouse"), topics=[topic], authors=[author]
        )
    client.get(news_index.url, {"q": "lighthouse"})
    with django_assert_max_num_queries(20):
        response = client.get(news_index.url, {"q": "lighthouse"})
    assert response.context["articles"].paginator.count == 6


@pytest.mark.parametrize(
    "query", ['"', 'Anchorage "talks', "NOT", "(", "*", "a:b", "x" * 500, "\x00", "a\x1fb"]
)
def test_search_syntax_in_a_query_never_breaks_the_search_box(client, news_index, query):
    factories.make_article(news_index, body=factories.paragraph("Anchorage talks"))
    assert client.get(news_index.url, {"q": query}).status_code == 200
    response = client.get("/api/newsfeed/v1/articles/", {"q": query})
    # Null characters are refused by the form field (400 naming q); the rest are searched.
    if "\x00" in query:
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["q"]
    else:
        assert response.status_code == 200


def test_search_pages_finds_only_what_readers_may_see(news_index):
    """For a project's own search view (``wagtail start`` searches ``Page.objects.live()``)."""
    from wagtail_newsfeed.search import search_pages

    factories.make_article(news_index, "Quokka census")
    expired = factories.make_article(news_index, "Quokka expired")
    expired.expire_at = timezone.now() - timedelta(minutes=1)
    expired.save()
    private = factories.make_article(news_index, "Quokka members only")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    factories.make_article(news_index, "Quokka draft", publish=False)
    assert [page.title for page in search_pages("quokka")] == ["Quokka census"]
    assert list(search_pages("")) == []
