"""Which webhook targets may be called: public addresses only, checked when the endpoint is saved
and again, after resolving the name afresh, right before each request.

The request then connects to the very address that was checked (``deliveries`` pins it), so a
name that resolves to a public address for the check and to ``127.0.0.1`` a moment later (DNS
rebinding) gains nothing. Non-public networks a site trusts can be allowed with the
``WEBHOOK_ALLOWED_PRIVATE_NETWORKS`` setting (the tests allow loopback).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from ..conf import bounded, settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The ASCII a host name may hold ("_" occurs in real DNS names; "%", "<" or "/" never do); other
# scripts are left to the IDNA codec, which knows their letters and marks.
_NAME_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
# Unicode categories a URL must not contain: controls (NUL, line breaks, tabs, DEL, C1), format
# characters (zero-width space, bidi overrides, dropped silently when a name is encoded) and
# spaces. The parser drops some (tabs, breaks) and the resolver stops at others (NUL, a space), so
# the host called would not be the one written.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_LABEL = re.compile(r"[^.]{1,63}")


class TargetRefused(ValueError):
    """The URL may never be called (a bad URL or a non-public address): do not retry."""


class TargetUnreachable(TargetRefused):
    """The name does not resolve now; it may later."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The configured networks; a malformed entry allows nothing (it must not turn an endpoint
    save into a 500, and refusing is the safe side)."""
    networks = []
    for cidr in settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except (TypeError, ValueError):
            continue
    return networks


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to: ``::ffff:a.b.c.d`` (mapped), ``2002:aabb:ccdd::``
    (6to4) or a Teredo client; a 6to4 relay forwards to the embedded address, so
    ``2002:7f00:1::`` reaches ``127.0.0.1`` as surely as ``::ffff:127.0.0.1`` does."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    return address.teredo[1] if address.teredo is not None else None


def _is_global(address: IPAddress) -> bool:
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        # IPv6 site-local (fec0::/10): deprecated, still routed inside some networks.
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        or address.is_private
    )


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is a global unicast address (not private, loopback, link-local,
    site-local, multicast, reserved, unspecified or shared), and so is the IPv4 address it
    embeds, if any."""
    embedded = embedded_ipv4(address)
    if embedded is None:
        return _is_global(address)
    # The prefixes themselves (``::ffff:0:0/96``, 6to4, Teredo) are not "global" in every
    # Python (3.13 follows IANA's registry): the IPv4 address they lead to decides.
    return _is_global(embedded)


def is_allowed(address: IPAddress) -> bool:
    if is_public(address):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in _allowed_networks())


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` is itself, in any form the resolver reads without DNS (``10.0.0.1``,
    ``::1``, ``0x7f000001``, ``127.1``); ``None`` for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):  # ValueError: a NUL, or a character outside ASCII
            return None


def has_unsafe_character(text: str) -> bool:
    """Whether ``text`` holds a control or format character or a space of any kind."""
    return any(unicodedata.category(char) in _UNSAFE_CATEGORIES for char in text)


def _check_name(host: str) -> None:
    """Refuse a host name no resolver could look up as written, before any lookup: an unusable
    character, an empty label, a label over 63 or a name over 253 octets once encoded."""
    if any(char.isascii() and char not in _NAME_ASCII for char in host):
        raise TargetRefused(_("%(host)s is not a valid host name.") % {"host": host})
    try:
        encoded = host.encode("idna").decode("ascii")  # the codec getaddrinfo itself uses
    except UnicodeError as error:
        raise TargetRefused(_("%(host)s is not a valid host name.") % {"host": host}) from error
    name = encoded[:-1] if encoded.endswith(".") else encoded
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise TargetRefused(_("%(host)s is not a valid host name.") % {"host": host})


def _not_public_name(host: str) -> str:
    """One message for a name that does not resolve and one that leads to a non-public address:
    two would make the endpoint form a way to learn which names internal DNS knows."""
    return _("The host name %(host)s must resolve to a public address.") % {"host": host}


def resolve(host: str, port: int, timeout: float) -> list[Any]:
    """``socket.getaddrinfo`` for ``host``, waiting at most ``timeout`` seconds: the lookup blocks
    and takes no timeout of its own (a dead nameserver holds it for 10 to 30 s), so it runs in a
    thread of its own, left to finish by itself when it takes too long."""
    outcome: list[Any] = []

    def look_up() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as error:  # handed to the caller
            outcome.append(error)

    thread = threading.Thread(target=look_up, name="webhook-dns", daemon=True)
    thread.start()
    thread.join(max(timeout, 0.001))
    if not outcome:
        raise TimeoutError(f"looking up {host} took longer than {timeout:g} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def check_url(url: str, timeout: float | None = None) -> Target:
    """Parse ``url`` and resolve its host within ``timeout`` seconds (``WEBHOOK_TIMEOUT`` if not
    given); refuse it unless every address it resolves to is allowed (one bad record is enough
    to refuse: the resolver picks which one is used)."""
    if has_unsafe_character(url):  # before parsing: the parser drops tabs and line breaks
        raise TargetRefused(
            _("The URL contains a space or a control character (such as a NUL or a line break).")
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetRefused(_("This is not a valid URL.")) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("Give an http:// or https:// URL with a host name."))
    literal = literal_address(parts.hostname)
    if literal is None:
        _check_name(parts.hostname)
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(_("Put credentials in the secret, not in the URL."))
    if port == 0:  # not "the default": a request to port 0 goes nowhere
        raise TargetRefused(_("Port 0 cannot be called: give a port from 1 to 65535."))
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    timeout = bounded("WEBHOOK_TIMEOUT") if timeout is None else timeout
    try:
        infos = resolve(parts.hostname, port, timeout)
    except TimeoutError as error:  # before OSError: it is one
        raise TargetUnreachable(
            _("Looking up the host name %(host)s (DNS) took longer than %(seconds)s s.")
            % {"host": parts.hostname, "seconds": f"{timeout:g}"}
        ) from error
    except (OSError, ValueError) as error:  # UnicodeError is a ValueError
        raise TargetUnreachable(_not_public_name(parts.hostname)) from error
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        if not is_allowed(ipaddress.ip_address(text)):
            if literal is None:
                # Not which address: the form must not become a way to look up internal names.
                raise TargetRefused(_not_public_name(parts.hostname))
            raise TargetRefused(
                _("%(host)s resolves to %(address)s, which is not a public address.")
                % {"host": parts.hostname, "address": text}
            )
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise TargetUnreachable(_not_public_name(parts.hostname))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # A URL field takes IRIs (``/café``); a request line is ASCII, so send them percent-encoded
    # (existing escapes are kept), or every attempt would fail before a byte went out.
    return Target(parts.scheme, parts.hostname, port, iri_to_uri(path), tuple(addresses))
