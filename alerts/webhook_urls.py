"""Which webhook URLs alerts may post to: no private, loopback or link-local address.

A URL a user types makes the server send requests; without this check it
could reach the database, the metadata service of a cloud host or anything
else on the private network. Checked when the URL is saved and again before
every send (the name may resolve elsewhere by then). Private addresses are
allowed only where ``ALERT_WEBHOOK_ALLOW_PRIVATE`` says so (debug, tests).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

MAX_LENGTH = 500


class UnsafeWebhookURL(ValueError):
    """The URL cannot be posted to; the message says why."""


def check(url: str, *, allow_private: bool | None = None) -> None:
    """Raise ``UnsafeWebhookURL`` unless ``url`` is http(s) to public addresses only."""
    if allow_private is None:
        allow_private = settings.ALERT_WEBHOOK_ALLOW_PRIVATE
    if len(url) > MAX_LENGTH:
        raise UnsafeWebhookURL(f"The URL is too long: at most {MAX_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeWebhookURL(f"The URL cannot be read: {exc}.") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeWebhookURL("The URL must start with https:// (or http://).")
    if not parts.hostname:
        raise UnsafeWebhookURL("The URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("Put no user name or password in the URL; the signature proves who sent it.")
    for address in _addresses(parts.hostname, port):
        if not allow_private and not address.is_global:
            raise UnsafeWebhookURL(
                f"{parts.hostname} is a private, loopback or reserved address ({address}); "
                "alerts are only posted to public addresses."
            )


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeWebhookURL(f"{host} cannot be resolved: {exc}.") from None
    found = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # an IPv6 zone id is not part of the address
        address = ipaddress.ip_address(text)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        found.append(address)
    return found
