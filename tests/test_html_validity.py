"""The reader pages are valid HTML without a browser: html5lib's strict parser finds no parse
error, every ``<time datetime>`` follows HTML's date/time grammar, and every image has alt text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import html5lib
import pytest
from django.utils import timezone

from tests import factories
from wagtail_newsfeed.models import ArticleCorrection, Topic

pytestmark = pytest.mark.django_db

# HTML's "valid date string", "valid time string", "valid local/global date and time string"
# (https://html.spec.whatwg.org/#dates-and-times): at most three fractional digits.
_DATE = r"\d{4,}-\d\d-\d\d"
_TIME = r"\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?"
_ZONE = r"(?:Z|[+-]\d\d:?\d\d)"
VALID_DATETIME = re.compile(
    rf"^(?:{_DATE}|{_TIME}|{_DATE}[T ]{_TIME}|{_DATE}[T ]{_TIME}{_ZONE}|\d{{4,}}-\d\d)$"
)


def strict_parse(html: str):
    """The document, or a failure naming html5lib's first parse error and where it is."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        return parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        line, col = parser.errors[-1][0] if parser.errors else (0, 0)
        context = html.splitlines()[line - 1][max(0, col - 80) : col + 80] if line else ""
        pytest.fail(f"HTML parse error {error} at {line}:{col}: {context!r}")


def check_page(html: str) -> None:
    tree = strict_parse(html)
    times = [time.get("datetime") for time in tree.iter("time")]
    assert times, "the page shows no <time> (the test would prove nothing)"
    for value in times:
        assert value and VALID_DATETIME.match(value), f"invalid <time datetime={value!r}>"
    for img in tree.iter("img"):
        assert img.get("alt") is not None, f"<img src={img.get('src')!r}> has no alt"


@pytest.mark.parametrize(
    "value,valid",
    [
        ("2026-12-01T14:05:00+00:00", True),
        ("2026-12-01T14:05:00.123-05:00", True),
        ("2026-12-01", True),
        ("2026-12-01T14:05:00.123456+00:00", False),
        ("2026-12-01T14:05:00+0000x", False),
        ("1 December 2026", False),
    ],
)
def test_the_time_grammar_rule_itself(value, valid):
    assert bool(VALID_DATETIME.match(value)) is valid


@pytest.fixture
def story(news_index):
    topic = factories.make_topic("Politics")
    author = factories.make_author("Sofia Brandt", role="Reporter")
    image = factories.make_image("Hall")
    related = factories.make_article(news_index, "Earlier story", lead_image=image)
    article = factories.make_article(
        news_index,
        "Summit ends <with> a deal & more",
        topics=[topic],
        authors=[author],
        lead_image=image,
        lead_image_caption="The hall",
        body=[
            {"type": "paragraph", "value": "<p>First <b>paragraph</b>.</p>"},
            {"type": "heading", "value": {"text": "What next", "level": "h2"}},
            {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "x"}},
            {"type": "pull_quote", "value": {"text": "We agreed.", "attribution": "A leader"}},
            {"type": "key_points", "value": {"title": "Key points", "points": ["One", "Two"]}},
        ],
    )
    article.updated_at = timezone.now()
    article.save_revision().publish()
    ArticleCorrection.objects.create(
        page=article, kind="correction", noted_at=timezone.now(), text="Fixed a name."
    )
    article.related_links.create(related=related, sort_order=0)
    return article


def test_article_page_is_valid_html(client, story):
    response = client.get(story.url)

    assert response.status_code == 200
    check_page(response.content.decode())


def test_an_old_story_in_a_zone_whose_offset_then_had_seconds_has_valid_times(
    client, news_index, settings
):
    """Amsterdam was UTC+00:19:32 in 1930: HTML's offsets are hours and minutes only."""
    settings.TIME_ZONE = "Europe/Amsterdam"
    when = datetime(1930, 5, 1, 10, 0, tzinfo=UTC)
    article = factories.make_article(news_index, "From the archive", published_at=when)
    html = client.get(article.url).content.decode()
    check_page(html)
    assert 'datetime="1930-05-01T10:00:00+00:00"' in html
    assert 'content="1930-05-01T10:00:00+00:00"' in html  # article:published_time
    assert '"datePublished": "1930-05-01T10:00:00+00:00"' in html  # JSON-LD


def test_live_feed_page_is_valid_html(client, news_index):
    feed = factories.make_feed(news_index, "Election night", summary="<p>Counting.</p>")
    author = factories.make_author("Sofia Brandt")
    factories.make_entry(feed, text="Polls close", headline="Polls", is_key_event=True)
    factories.make_entry(feed, text="First result", is_pinned=True, authors=[author])
    factories.make_entry(feed, text="A <i>second</i> result")

    response = client.get(feed.url)

    assert response.status_code == 200
    check_page(response.content.decode())


@pytest.mark.indexed
def test_news_index_page_is_valid_html(client, news_index, settings):
    settings.WAGTAIL_NEWSFEED = {"ARTICLES_PER_PAGE": 2}
    topic = factories.make_topic("Science")
    image = factories.make_image()
    for i in range(3):
        factories.make_article(news_index, f"Story {i}", topics=[topic], lead_image=image)
    factories.make_feed(news_index, "Live now")

    for url in [news_index.url, f"{news_index.url}?page=2&topic={topic.slug}", "?q=nothing"]:
        response = client.get(url if url.startswith("/") else news_index.url + url)
        assert response.status_code == 200
        html = response.content.decode()
        if "<time" in html:
            check_page(html)
        else:
            strict_parse(html)


def test_strict_parse_catches_what_browsers_forgive():
    with pytest.raises(pytest.fail.Exception, match="parse error"):
        strict_parse("<!DOCTYPE html><html><head><title>x</title></head><body><p>a</b></body>")


def test_text_that_html_rejects_is_cleaned_away_on_save(client, news_index):
    """C1 controls (pasted from Windows-1252 text) and non-characters are parse errors in HTML:
    the admin's model validation drops them like the characters XML forbids."""
    topic = Topic(name="C1\x85ctl\x9f nonchar\ufdd0\U0001fffe end", slug="c1")
    topic.full_clean()
    topic.save()
    article = factories.make_article(news_index, "Story", topics=[topic])

    assert topic.name == "C1 ctl nonchar end"  # NEL separates words, the others go
    check_page(client.get(article.url).content.decode())
    check_page(client.get(news_index.url, {"topic": "c1"}).content.decode())
