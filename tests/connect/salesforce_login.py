"""A browser's part on Salesforce's (the emulator's) login and consent page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests


def consent_form(page: str) -> dict[str, str]:
    """The consent page's form fields, as a browser would submit them."""
    fields = dict(re.findall(r'<input type=hidden name="([^"]+)" value="([^"]*)">', page))
    username = re.search(r'name=username value="([^"]*)"', page)
    fields["username"] = username.group(1) if username else ""
    return {
        k: v.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"') for k, v in fields.items()
    }


@dataclass
class Consent:
    """What the emulator's consent page answered."""

    response: requests.Response

    @property
    def callback_query(self) -> dict[str, str]:
        location = self.response.headers["Location"]
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    @property
    def callback_path(self) -> str:
        location = self.response.headers["Location"]
        return urlsplit(location).path + "?" + urlsplit(location).query


def press(authorize_url: str, action: str = "allow", username: str | None = None) -> Consent:
    """Open Salesforce's authorize page and press Allow (or Deny)."""
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    form = consent_form(page.text)
    if username is not None:
        form["username"] = username
    form["action"] = action
    base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    answer = requests.post(f"{base}/services/oauth2/authorize", data=form, allow_redirects=False, timeout=5)
    return Consent(answer)
