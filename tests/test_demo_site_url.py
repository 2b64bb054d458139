"""``load_newsfeed_demo --site-url`` stores only a hostname a browser can reach and Django would
serve (labels of letters, digits and inner hyphens, IDNA for other letters, an IP address, a port
from 1 to 65535): anything else is one line naming the problem, and nothing is saved."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from wagtail_newsfeed.demo.site_address import parse_site_url, set_site_address

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_newsfeed_demo", *args, stdout=out)
    return out.getvalue()


def set_default_site(hostname: str, port: int = 80) -> None:
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = hostname, port
    site.save()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://exa mple.org;x", "--site-url has an invalid hostname 'exa mple.org;x'."),
        ("http://..", "--site-url has an invalid hostname '..'."),
        ("http://%2e%2e", "--site-url has an invalid hostname '%2e%2e'."),
        ("http://x.org;y", "--site-url has an invalid hostname 'x.org;y'."),
        ("http://-x-.org", "--site-url has an invalid hostname '-x-.org'."),
        ("http://x..org", "--site-url has an invalid hostname 'x..org'."),
        ("http://[fe80::1%25eth0]", "--site-url has an invalid IPv6 address 'fe80::1%25eth0'."),
        (
            "http://[1.2.3.4]",
            "--site-url 'http://[1.2.3.4]' is not a URL: An IPv4 address cannot be in brackets.",
        ),
        ("http://x.org:0", "--site-url has port 0; a port is 1 to 65535."),
        (
            "http://:p@x.org",
            "--site-url must be a scheme, host and port only, not 'http://:p@x.org'.",
        ),
        ("http://@x.org", "--site-url must be a scheme, host and port only, not 'http://@x.org'."),
        ("", "--site-url must look like http://127.0.0.1:8000, not ''."),
        ("http://a\udcff.org", "--site-url is not UTF-8 text."),
    ],
)
def test_a_site_url_that_is_not_a_host_is_refused_and_nothing_is_saved(url, message):
    set_default_site("news.example.org", 443)
    pages = Page.objects.count()

    with pytest.raises(CommandError) as raised:
        load_demo("--site-url", url)

    assert str(raised.value) == message
    assert Page.objects.count() == pages
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("news.example.org", 443)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://News.Example.org:8080", ("news.example.org", 8080)),
        ("http://bücher.example:8000", ("xn--bcher-kva.example", 8000)),
        ("http://[::1]:8000", ("[::1]", 8000)),
        ("http://10.0.0.2:65535", ("10.0.0.2", 65535)),
        ("http://web:8000", ("web", 8000)),
    ],
)
def test_a_good_site_url_is_stored_as_django_reads_hosts(url, address):
    """The command's two steps, without loading the whole demo for each address (the command
    itself runs below)."""
    reported: list[str] = []

    set_site_address(*parse_site_url(url), only_if_local=False, report=reported.append)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == address
    assert reported == [f"The default site's address is now {site.root_url}/."]


def test_the_command_stores_the_site_url_it_is_given():
    out = load_demo("--site-url", "http://bücher.example:8000")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("xn--bcher-kva.example", 8000)
    assert "The default site's address is now http://xn--bcher-kva.example:8000/." in out
