"""Helpers to drive the OAuth flow against the emulator, as a browser would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from destinations.models import Destination
from destinations.salesforce.oauth import OAuthApp
from salesforce_emulator import Emulator


def host_port(url: str) -> str:
    return urlsplit(url).netloc


@pytest.fixture
def emulator(salesforce_emulator: Emulator, settings) -> Emulator:
    """The emulator, with the product's settings pointing at it."""
    urls = salesforce_emulator.urls
    settings.SALESFORCE_CLIENT_ID = salesforce_emulator.client_id
    settings.SALESFORCE_CLIENT_SECRET = salesforce_emulator.client_secret
    settings.SALESFORCE_LOGIN_URL = urls["production_login"]
    settings.SALESFORCE_SANDBOX_LOGIN_URL = urls["sandbox_login"]
    settings.SALESFORCE_EXTRA_INSTANCE_HOSTS = [
        host_port(urls[name])
        for name in ("production_login", "production_instance", "sandbox_login", "sandbox_instance")
    ]
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    return salesforce_emulator


@pytest.fixture
def app(emulator: Emulator) -> OAuthApp:
    return OAuthApp.from_settings()


@pytest.fixture
def destination(team) -> Destination:
    return Destination.objects.create(workspace=team.workspace, name="Salesforce")


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


def start_connect(client: Client, destination: Destination):
    url = reverse(
        "destinations:connect",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return client.post(url)


def connect(client: Client, destination: Destination, *, action: str = "allow", username: str | None = None):
    """The whole flow: Connect, Salesforce's consent page, the callback; the callback's response."""
    started = start_connect(client, destination)
    assert started.status_code == 302, started
    consent = press(started["Location"], action, username)
    assert consent.response.status_code == 302, consent.response.text
    return client.get(consent.callback_path)


@pytest.fixture
def held_delivery(destination, source):
    """A delivery of the destination that is held (as while it needs reconnecting)."""
    from django.utils import timezone

    from actions.models import Action, Kind
    from deliveries.models import Delivery, Status
    from sources.models import Event

    action = Action.objects.create(destination=destination, kind=Kind.LEAD, name="Lead")
    now = timezone.now()
    event = Event.objects.create(
        source=source.source, message_id="m1", type="identify", timestamp=now, received_at=now, payload={}
    )
    return Delivery.objects.create(
        action=action, destination=destination, event=event, status=Status.HELD, due_at=now
    )
