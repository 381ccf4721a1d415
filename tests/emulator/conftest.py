"""Helpers for talking to the emulator over real HTTP, as a client would."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from salesforce_emulator import Emulator
from salesforce_emulator.orgs import Org

REDIRECT_URI = "http://127.0.0.1:8000/oauth/salesforce/callback/"
VERSION = "60.0"


class Api:
    """A REST client bound to one org's instance URL and one access token."""

    def __init__(self, instance_url: str, access_token: str, version: str = VERSION) -> None:
        self.instance_url = instance_url
        self.base = f"{instance_url}/services/data/v{version}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {access_token}"

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url(path), **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.url(path), **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.patch(self.url(path), **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.put(self.url(path), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.delete(self.url(path), **kwargs)

    def create(self, object_name: str, **fields: Any) -> str:
        response = self.post(f"/sobjects/{object_name}", json=fields)
        assert response.status_code == 201, response.text
        record_id: str = response.json()["id"]
        return record_id


@pytest.fixture
def org(salesforce_emulator: Emulator) -> Org:
    return salesforce_emulator.org("production")


@pytest.fixture
def api(org: Org) -> Api:
    tokens = org.mint_tokens()
    return Api(org.instance_url, tokens["access_token"])


def pkce_pair(verifier: str = "a" * 43 + "-verifier") -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(emulator: Emulator, **extra: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": emulator.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "api refresh_token",
        "state": "st-123",
    }
    params.update(extra)
    return params


def consent_form(page: str) -> dict[str, str]:
    """The form fields of the consent page, as a browser would submit them."""
    fields = dict(re.findall(r'<input type=hidden name="([^"]+)" value="([^"]*)">', page))
    username = re.search(r'name=username value="([^"]*)"', page)
    fields["username"] = username.group(1) if username else ""
    return {
        k: v.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"') for k, v in fields.items()
    }


def approve(
    emulator: Emulator,
    org_name: str = "production",
    *,
    host: str = "login",
    username: str | None = None,
    **extra: str,
) -> requests.Response:
    """Open the authorize page on an org's host and press Allow; the redirect response."""
    base = emulator.urls[f"{org_name}_{host}"]
    page = requests.get(
        f"{base}/services/oauth2/authorize", params=authorize_params(emulator, **extra), timeout=5
    )
    assert page.status_code == 200, page.text
    form = consent_form(page.text)
    if username is not None:
        form["username"] = username
    form["action"] = "allow"
    return requests.post(f"{base}/services/oauth2/authorize", data=form, allow_redirects=False, timeout=5)


def callback_query(response: requests.Response) -> dict[str, str]:
    location = response.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(
    emulator: Emulator, code: str, org_name: str = "production", *, host: str = "login", **extra: str
) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "redirect_uri": REDIRECT_URI,
    }
    data.update(extra)
    return requests.post(f"{emulator.urls[f'{org_name}_{host}']}/services/oauth2/token", data=data, timeout=5)


def refresh(
    emulator: Emulator, refresh_token: str, org_name: str = "production", *, host: str = "login"
) -> requests.Response:
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
    return requests.post(f"{emulator.urls[f'{org_name}_{host}']}/services/oauth2/token", data=data, timeout=5)


# --- Bulk API 2.0 ---------------------------------------------------------------

CSV = {"Content-Type": "text/csv"}


def bulk_create(api: Api, object_name: str, operation: str, **spec: Any) -> dict:
    response = api.post("/jobs/ingest", json={"object": object_name, "operation": operation, **spec})
    assert response.status_code == 200, response.text
    job: dict = response.json()
    return job


def bulk_upload(api: Api, job: dict, data: str):
    return api.session.put(f"{api.instance_url}/{job['contentUrl']}", data=data.encode(), headers=CSV)


def bulk_close(api: Api, job: dict):
    return api.patch(f"/jobs/ingest/{job['id']}", json={"state": "UploadComplete"})


def bulk_wait(api: Api, job: dict) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        info: dict = api.get(f"/jobs/ingest/{job['id']}").json()
        if info["state"] in ("JobComplete", "Failed", "Aborted"):
            return info
        time.sleep(0.02)
    raise AssertionError("the job did not finish")


def bulk_run(api: Api, object_name: str, operation: str, data: str, **spec: Any) -> dict:
    job = bulk_create(api, object_name, operation, **spec)
    assert bulk_upload(api, job, data).status_code == 201
    assert bulk_close(api, job).status_code == 200
    return bulk_wait(api, job)


def bulk_result(api: Api, job: dict, kind: str) -> str:
    response = api.get(f"/jobs/ingest/{job['id']}/{kind}/")
    assert response.status_code == 200
    text: str = response.text
    return text
