"""One rule for absolute URLs: the Wagtail Site's root URL, the request only where no Site fits."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import html5lib
import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from wagtail.models import Page, Site

from tests import factories
from wagtail_newsfeed import jsonld, serialization
from wagtail_newsfeed.sites import absolute_url

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
SPEC = "fill-1200x675"

#: How a request reaches Django behind a proxy: an internal host name over plain http, or the
#: proxy's own host name passed on in ``X-Forwarded-Host``.
PROXIED = {
    "internal host": ({"HTTP_HOST": "10.0.0.7:8000"}, False),
    "forwarded host": ({"HTTP_X_FORWARDED_HOST": "edge.example.net"}, True),
}


@pytest.fixture
def one_rendition(settings):
    """Every surface shows the same rendition, so the image URLs can be compared as they are."""
    settings.WAGTAIL_NEWSFEED = {
        **settings.WAGTAIL_NEWSFEED,
        "SEO_IMAGE_RENDITIONS": [SPEC],
        "API_RENDITIONS": {"large": SPEC},
    }


def _share_tags(html: str) -> dict[str, str]:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    tags = {link.get("rel"): link.get("href") for link in tree.iter("link")}
    tags.update({meta.get("property"): meta.get("content") for meta in tree.iter("meta")})
    return tags


@pytest.mark.parametrize("headers,forwarded", PROXIED.values(), ids=PROXIED.keys())
def test_page_and_image_have_the_sites_address_in_every_format_behind_a_proxy(
    client, settings, news_index, public_site, one_rendition, headers, forwarded
):
    settings.USE_X_FORWARDED_HOST = forwarded
    article = factories.make_article(news_index, "Pictured", lead_image=factories.make_image())
    page_url = f"https://news.example.org{article.url}"
    image_url = f"https://news.example.org{article.lead_image.get_rendition(SPEC).url}"

    page = client.get(article.url, **headers)
    assert page.status_code == 200
    (raw,) = SCRIPT.findall(page.content.decode())
    data = json.loads(raw)
    tags = _share_tags(page.content.decode())
    api = client.get(f"/api/newsfeed/v1/articles/{article.pk}/", **headers).json()
    rss = client.get(reverse("wagtail_newsfeed:index_rss", args=[news_index.pk]), **headers)
    (item,) = ElementTree.fromstring(rss.content).iter("item")

    page_urls = {
        "JSON-LD": data["url"],
        "canonical": tags["canonical"],
        "og:url": tags["og:url"],
        "API": api["url"],
        "RSS": item.findtext("link"),
    }
    image_urls = {
        "JSON-LD": data["image"][0],
        "og:image": tags["og:image"],
        "API": api["lead_image"]["renditions"]["large"]["url"],
        "RSS": item.find("enclosure").get("url"),
    }
    assert page_urls == dict.fromkeys(page_urls, page_url)
    assert image_urls == dict.fromkeys(image_urls, image_url)


@pytest.mark.parametrize("headers,forwarded", PROXIED.values(), ids=PROXIED.keys())
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_feeds_self_link_has_the_sites_address_behind_a_proxy(
    client, settings, news_index, public_site, headers, forwarded, fmt
):
    settings.USE_X_FORWARDED_HOST = forwarded
    factories.make_article(news_index, "Syndicated")
    path = reverse(f"wagtail_newsfeed:index_{fmt}", args=[news_index.pk])

    xml = ElementTree.fromstring(client.get(f"{path}?utm_source=x", **headers).content)

    self_links = [
        link.get("href")
        for link in xml.iter()
        if link.tag.endswith("link") and link.get("rel") == "self"
    ]
    assert self_links == [f"https://news.example.org{path}"]


def test_the_site_matching_the_requests_host_gives_the_address(public_site):
    Site.objects.create(hostname="sport.example.org", port=8443, root_page=public_site.root_page)
    request = RequestFactory().get("/", HTTP_HOST="sport.example.org:8443")

    assert absolute_url("/media/a.jpg", request) == "http://sport.example.org:8443/media/a.jpg"
    # With no request the default Site is the one that serves.
    assert absolute_url("/media/a.jpg") == "https://news.example.org/media/a.jpg"


def test_the_request_gives_the_address_only_where_no_site_is_configured(public_site):
    public_site.is_default_site = False
    public_site.save()
    image = factories.make_image()
    request = RequestFactory().get("/", HTTP_HOST="proxy.example.net")
    rendition = image.get_rendition(SPEC)

    # No Site for this host and no default Site: the request's scheme and host.
    assert absolute_url(rendition.url, request) == f"http://proxy.example.net{rendition.url}"
    assert absolute_url("//cdn.example.net/a.jpg", request) == "http://cdn.example.net/a.jpg"
    json_url = serialization.image_json(image, {"request": request})["renditions"]
    assert {r["url"] for r in json_url.values()} == {
        f"http://proxy.example.net{image.get_rendition(spec).url}"
        for spec in serialization.rendition_specs().values()
    }
    assert jsonld.image_urls(image, request)[0].startswith("http://proxy.example.net/")
    # Neither a Site nor a request: the URL is left as it is rather than guessed.
    assert absolute_url(rendition.url) == rendition.url
    # A Site for the host still wins over the request.
    request = RequestFactory().get("/", HTTP_HOST="news.example.org")
    assert absolute_url(rendition.url, request) == f"https://news.example.org{rendition.url}"


def test_urls_with_a_scheme_are_left_alone_and_protocol_relative_ones_take_the_sites(
    public_site,
):
    request = RequestFactory().get("/", HTTP_HOST="10.0.0.7")

    assert absolute_url("http://cdn.example.net/a.jpg", request) == "http://cdn.example.net/a.jpg"
    assert absolute_url("//cdn.example.net/a.jpg", request) == "https://cdn.example.net/a.jpg"
    assert absolute_url("", request) == ""


# The Site of a request is kept (``sites.get_site``) ------------------------------------------


def _rss_link(client, **headers) -> str:
    response = client.get(reverse("wagtail_newsfeed:latest_rss"), **headers)
    assert response.status_code == 200
    return ElementTree.fromstring(response.content).find("channel/link").text


def test_a_sites_new_address_is_used_at_once(client, public_site):
    assert _rss_link(client, HTTP_HOST="news.example.org") == "https://news.example.org/"

    public_site.port = 8443
    public_site.save()

    assert _rss_link(client, HTTP_HOST="news.example.org") == "http://news.example.org:8443/"


def test_each_host_gets_its_own_site_and_articles(client, public_site):
    other_root = factories.make_index(Page.get_first_root_node(), title="Sport desk")
    Site.objects.create(hostname="sport.example.org", port=443, root_page=other_root)
    factories.make_article(other_root, title="Derby day")
    factories.make_article(factories.make_index(title="News desk"), title="Budget vote")

    def titles(host: str) -> set[str]:
        response = client.get(reverse("wagtail_newsfeed:latest_rss"), HTTP_HOST=host)
        return {item.text for item in ElementTree.fromstring(response.content).iter("title")}

    assert "Derby day" in titles("sport.example.org")
    assert "Budget vote" not in titles("sport.example.org")
    assert "Budget vote" in titles("news.example.org")
    assert "Derby day" not in titles("news.example.org")


def test_a_deleted_site_is_no_longer_used(client, public_site):
    other_root = factories.make_index(title="Sport desk")
    sport = Site.objects.create(hostname="sport.example.org", port=443, root_page=other_root)
    assert _rss_link(client, HTTP_HOST="sport.example.org") == "https://sport.example.org/"

    sport.delete()

    assert _rss_link(client, HTTP_HOST="sport.example.org") == "https://news.example.org/"


@pytest.mark.parametrize("headers,forwarded", PROXIED.values(), ids=PROXIED.keys())
def test_the_publishers_url_and_the_site_feeds_link_are_the_home_page(
    client, settings, news_index, public_site, headers, forwarded
):
    settings.USE_X_FORWARDED_HOST = forwarded
    article = factories.make_article(news_index, "Homed")

    (raw,) = SCRIPT.findall(client.get(article.url, **headers).content.decode())
    feed = client.get(reverse("wagtail_newsfeed:latest_rss"), **headers)
    rss = ElementTree.fromstring(feed.content)

    assert json.loads(raw)["publisher"]["url"] == "https://news.example.org/"
    assert rss.find("channel/link").text == "https://news.example.org/"


def test_the_home_page_url_keeps_the_prefix_wagtail_is_served_under(rf, news_index, public_site):
    from wagtail_newsfeed.sites import home_url

    with override_settings(ROOT_URLCONF="tests.urls_pages_under_prefix"):
        assert home_url(rf.get("/", HTTP_HOST="10.0.0.7")) == "https://news.example.org/pages/"
    assert home_url(None) == "https://news.example.org/"


def test_another_sites_index_live_and_topic_feeds_are_404_on_this_host(client, public_site):
    """Each Site's feeds on its own hostname, as its pages: on another host they name that
    Site's content with this host's address."""
    sport_root = factories.make_index(Page.get_first_root_node(), title="Sport desk")
    Site.objects.create(hostname="sport.example.org", port=443, root_page=sport_root)
    derby = factories.make_topic("Derby")
    factories.make_article(sport_root, title="Derby day", topics=[derby])
    feed = factories.make_feed(sport_root, title="Derby live")
    urls = [
        reverse("wagtail_newsfeed:index_rss", args=[sport_root.pk]),
        reverse("wagtail_newsfeed:live_atom", args=[feed.pk]),
        reverse("wagtail_newsfeed:topic_rss", args=[derby.slug]),
    ]
    for url in urls:
        assert client.get(url, HTTP_HOST="sport.example.org").status_code == 200, url
        assert client.get(url, HTTP_HOST="news.example.org").status_code == 404, url
