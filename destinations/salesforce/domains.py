"""Which addresses may serve Salesforce's OAuth endpoints and API for us.

Tokens and the client secret are only ever sent to an https host under one
of Salesforce's own domains, or to a ``host:port`` the operator listed in
``SALESFORCE_EXTRA_INSTANCE_HOSTS`` (the emulator, tests), which may be plain
http. Everything else, look-alikes included, is refused before any request.

The suffixes are those Salesforce's own CLI accepts as Salesforce-owned
(``isSalesforceDomain`` in @salesforce/core, after the help article "Allow
the Required Domains"), narrowed to the ones that serve logins and the API,
plus the documented My Domain suffixes of the government cloud
(``*.my.salesforce.mil``) and of Salesforce on Alibaba Cloud
(``*.my.sfcrmproducts.cn``):

- ``*.salesforce.com``: login., test., My Domains (``acme.my.salesforce.com``,
  ``acme--dev.sandbox.my.salesforce.com``, ``acme.develop.my.salesforce.com``)
  and legacy instances (``na85.salesforce.com``)
- ``*.force.com`` and ``*.cloudforce.com``: older org and My Domain hosts
- ``*.salesforce.mil``, ``*.sfcrmproducts.cn``
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

SALESFORCE_DOMAINS = ("salesforce.com", "force.com", "cloudforce.com", "salesforce.mil", "sfcrmproducts.cn")

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


class UntrustedUrl(ValueError):
    """An address we will not send Salesforce credentials to."""


def is_salesforce_host(host: str) -> bool:
    """Whether ``host`` (lower case, no port) is a name under one of Salesforce's domains."""
    labels = host.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        return False
    return any(host.endswith("." + domain) for domain in SALESFORCE_DOMAINS)


def trusted_origin(url: str, extra_hosts: Iterable[str] = ()) -> str:
    """The ``scheme://host[:port]`` of ``url`` when we may talk to it; raises ``UntrustedUrl``.

    A Salesforce host must be https on the default port. A listed extra host
    (``host:port``) may be http or https, on exactly that port.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UntrustedUrl(f"{url!r} is not a valid address") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise UntrustedUrl(f"{url!r} is not an http or https address")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UntrustedUrl(f"{url!r} carries a user name; Salesforce addresses never do")
    if parts.query or parts.fragment or parts.path not in ("", "/"):
        raise UntrustedUrl(f"{url!r} must be an address alone, without a path")
    default_port = 443 if parts.scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    host_port = f"{name}:{port or default_port}"
    if host_port in {h.lower() for h in extra_hosts}:
        return f"{parts.scheme}://{host_port}"
    if not is_salesforce_host(host):
        raise UntrustedUrl(f"{host} is not a Salesforce host")
    if parts.scheme != "https":
        raise UntrustedUrl(f"{url!r} must use https")
    if port not in (None, 443):
        raise UntrustedUrl(f"{url!r} must use the standard https port")
    return f"https://{host}"
