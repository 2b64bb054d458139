"""Where the demo is served (``--site-url``): reading the address and pointing the default Wagtail
Site at it, so the demo's feeds, sitemaps and JSON-LD link to where it runs.

The address is checked before anything is written, and only a hostname Django would serve and a
browser reach is stored: a wrong one would make every absolute link of the demo unreachable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_ipv4_address, validate_ipv6_address
from django.utils.translation import gettext as _
from wagtail.models import Site

#: Where ``make demo`` (and the README) serves the demo.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"

#: One label of a hostname, as Django's URLValidator reads one (ASCII once IDNA-encoded).
HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)


def parse_site_url(url: str) -> tuple[str, int]:
    """``(hostname, port)`` of an ``http(s)://host[:port]`` URL, as Wagtail's Site stores it
    (its root URL is https only on port 443). The hostname must be one Django would serve and a
    browser reach: dot-separated labels of letters, digits and inner hyphens (other letters
    IDNA-encoded), an IPv4 address, or an IPv6 address in brackets; the port 1 to 65535."""
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes on the command line
        raise CommandError(_("--site-url is not UTF-8 text.")) from None
    try:
        parts = urlsplit(url.strip())
        hostname, port = parts.hostname, parts.port
    except ValueError as error:
        raise CommandError(f"--site-url {url!r} is not a URL: {error}.") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise CommandError(f"--site-url must look like http://127.0.0.1:8000, not {url!r}.")
    if parts.path.strip("/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise CommandError(f"--site-url must be a scheme, host and port only, not {url!r}.")
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    if not 1 <= port <= 65535:
        raise CommandError(
            _("--site-url has port %(port)d; a port is 1 to 65535.") % {"port": port}
        )
    if parts.scheme == "https" and port != 443:
        raise CommandError("Wagtail serves https sites on port 443 only; use http or port 443.")
    if len(hostname) > 255:
        raise CommandError("--site-url has a hostname longer than 255 characters.")
    if "[" in parts.netloc:
        try:
            if "%" in hostname:  # a zone id is local to one machine; no Host header holds one
                raise ValidationError(hostname)
            validate_ipv6_address(hostname)
        except ValidationError:
            raise CommandError(
                _("--site-url has an invalid IPv6 address %(host)r.") % {"host": hostname}
            ) from None
        return f"[{hostname}]", port
    return _ascii_hostname(hostname), port


def _ascii_hostname(hostname: str) -> str:
    """``hostname`` as a Host header carries it (IDNA), or a CommandError naming it."""
    invalid = CommandError(_("--site-url has an invalid hostname %(host)r.") % {"host": hostname})
    try:
        ascii_name = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise invalid from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise invalid
    if labels[-1].isdigit():  # only an IPv4 address may end in a number
        try:
            validate_ipv4_address(ascii_name)
        except ValidationError:
            raise invalid from None
    return ascii_name


def set_site_address(
    hostname: str, port: int, *, only_if_local: bool, report: Callable[[str], None]
) -> None:
    """Point the default Wagtail Site at where the demo runs (see ``--site-url``); the default
    address is applied only to a site still called ``localhost`` (``only_if_local``), never over
    an address someone set."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return
    if only_if_local and site.hostname != "localhost":
        return
    if Site.objects.exclude(pk=site.pk).filter(hostname=hostname, port=port).exists():
        raise CommandError(f"Another Wagtail Site already uses {hostname}:{port}.")
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    report(f"The default site's address is now {site.root_url}/.")
