"""The product's one HTTP call that does not go to Salesforce: a POST to an address a user gave (an alert webhook).

It lives beside the Salesforce transport so that the product has one HTTP
client, set up one way (``transport.new_session``: no retries, a timeout on
every call) and imported in one package. Redirects are never followed: the
caller checked the address it gave, not where a redirect would lead.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests

from destinations.salesforce.transport import new_session


class NoAnswer(Exception):
    """The address gave no HTTP answer (refused, timed out, reset); ``kind`` names how."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    """POST ``body`` to ``url``; the answer's status code."""
    with new_session() as session:
        try:
            response = session.post(
                url, data=body, headers=dict(headers), timeout=timeout, allow_redirects=False
            )
        except requests.RequestException as exc:
            raise NoAnswer(type(exc).__name__) from None
        return response.status_code
