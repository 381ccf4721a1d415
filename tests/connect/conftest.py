"""Helpers to drive the OAuth flow against the emulator, as a browser would."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from destinations.models import Destination
from destinations.salesforce.oauth import OAuthApp
from salesforce_emulator import Emulator

from .salesforce_login import press


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


def _delivery(destination, source, status):
    from django.utils import timezone

    from actions.models import Action, Kind
    from deliveries.models import Delivery
    from sources.models import Event

    action = Action.objects.create(destination=destination, kind=Kind.LEAD, name="Lead")
    now = timezone.now()
    event = Event.objects.create(
        source=source.source, message_id="m1", type="identify", timestamp=now, received_at=now, payload={}
    )
    return Delivery.objects.create(
        action=action, destination=destination, event=event, status=status, due_at=now
    )


@pytest.fixture
def held_delivery(destination, source):
    """A delivery of the destination that is held (as while it needs reconnecting)."""
    return _delivery(destination, source, "held")


@pytest.fixture
def waiting_delivery(destination, source):
    """A delivery of the destination waiting to be sent."""
    return _delivery(destination, source, "pending")
