"""The one address users and Salesforce's OAuth callback reach the product at.

Unless ``PUBLIC_URL`` says otherwise, it is the address the server listens
on (``BIND``), so that the banner, the links and the callback registered
with the demo org all point where the browser can go.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]", ""}  # noqa: S104 - names, not a bind


def public_url_for(bind: str, configured: str) -> str:
    """``configured`` (without a trailing slash) when set, else ``http://{bind}``."""
    configured = configured.strip()
    return configured.rstrip("/") if configured else f"http://{bind}"


def bind_disagreement(public_url: str, bind: str, *, configured: bool) -> str | None:
    """One line saying that a configured ``PUBLIC_URL`` is not the address ``bind`` serves, or None.

    A server bound to every interface (``0.0.0.0:8000``) agrees with any
    plain-http address on its port.
    """
    if not configured:
        return None
    parts = urlsplit(public_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    bind_host, _, bind_port = bind.rpartition(":")
    same_port = bind_port == str(port) and parts.scheme == "http"
    if same_port and (
        bind_host in _WILDCARD_HOSTS or bind_host.lower() == parts.netloc.rpartition(":")[0].lower()
    ):
        return None
    return (
        f"PUBLIC_URL is {public_url} but the server listens on http://{bind}: links, the banner and the "
        "Salesforce callback use PUBLIC_URL, so it must reach this server (for example through a proxy)."
    )
