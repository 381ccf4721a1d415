"""A destination connected to the emulator's production org, and helpers to
send events through intake and run the sender, as the workers would."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from actions import catalog
from actions.models import Action
from deliveries import sender
from deliveries.lease import ensure_rows
from deliveries.models import Delivery, SenderLease
from destinations.models import ConnectionState, Destination
from destinations.salesforce import describe
from salesforce_emulator.control_guard import TOKEN_HEADER
from tests.conftest import KeyedSource


@dataclass
class Org:
    """The emulated org, seen from a test: its records and the API calls spent."""

    emulator: Any
    org: Any
    marks: list[int] = field(default_factory=list)

    def records(self, sobject: str) -> list[dict[str, Any]]:
        return self.org.records(sobject)

    def api_calls(self) -> int:
        """Calls counted against the org's quota since the last ``reset_calls``."""
        return sum(1 for r in self.org.requests() if r.counted and r.id > self._mark)

    def data_requests(self) -> list[Any]:
        return [r for r in self.org.requests() if r.id > self._mark]

    def reset_calls(self) -> None:
        entries = self.org.requests()
        self.marks.append(entries[-1].id if entries else 0)

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the org's control API over HTTP, as a fault-injecting operator does (with its token)."""
        answer = requests.request(
            method,
            f"{self.emulator.urls['control']}/orgs/production{path}",
            headers={TOKEN_HEADER: self.emulator.control_token},
            timeout=5,
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json() if answer.content else None

    @property
    def _mark(self) -> int:
        return self.marks[-1] if self.marks else 0


@pytest.fixture
def sf(salesforce_emulator, settings) -> Org:
    urls = salesforce_emulator.urls
    settings.SALESFORCE_CLIENT_ID = salesforce_emulator.client_id
    settings.SALESFORCE_CLIENT_SECRET = salesforce_emulator.client_secret
    settings.SALESFORCE_LOGIN_URL = urls["production_login"]
    settings.SALESFORCE_SANDBOX_LOGIN_URL = urls["sandbox_login"]
    settings.SALESFORCE_EXTRA_INSTANCE_HOSTS = [urlsplit(u).netloc for u in urls.values()]
    return Org(salesforce_emulator, salesforce_emulator.org("production"))


@pytest.fixture
def person_org(sf) -> Org:
    """The emulated org with Person Accounts switched on (ask for it before ``destination``)."""
    sf.control("PATCH", "/features", json={"person_accounts": True})
    return sf


@pytest.fixture
def destination(sf, team, source: KeyedSource) -> Destination:
    tokens = sf.org.mint_tokens()
    destination = Destination.objects.create(
        workspace=team.workspace,
        name="Acme production",
        enabled=True,
        state=ConnectionState.CONNECTED,
        instance_url=tokens["instance_url"],
        org_id=sf.org.org_id,
        sf_user_id=sf.org.user_id,
        sf_username=sf.org.username,
        connected_at=timezone.now(),
    )
    destination.store_tokens(tokens["access_token"], tokens["refresh_token"])
    destination.save()
    destination.sources.add(source.source)
    # Describe is read once an hour, not per chunk: warm it so that the calls
    # a test counts are the sender's own.
    for sobject in ("Lead", "Contact", "Account", "Case", "Opportunity", "Subscription__c"):
        describe.fields(destination, sobject)
    return destination


def make_action(destination: Destination, kind: str, operation: str, **settings: Any) -> Action:
    spec = catalog.kind(kind)
    values: dict[str, Any] = {
        "name": settings.pop("name", f"{spec.title} {operation}"),
        "kind": kind,
        "operation": operation,
        "trigger": settings.pop("trigger", spec.default_trigger or 'type = "track"'),
        "fields": settings.pop("fields", spec.default_fields()),
    }
    if "matchers" in settings:
        values["record_matchers"] = [{"field": f, "mapping": m} for f, m in settings.pop("matchers")]
    values.update(settings)
    return Action.objects.create(destination=destination, **values)


def path(p: str) -> dict[str, str]:
    return {"@path": f"$.{p}"}


def send(source: KeyedSource, *messages: dict[str, Any]) -> dict[str, Any]:
    """Messages through the real intake endpoint, as one batch."""
    auth = "Basic " + base64.b64encode(f"{source.key}:".encode()).decode()
    response = Client().post(
        "/v1/batch",
        json.dumps({"batch": list(messages)}),
        content_type="application/json",
        headers={"Authorization": auth},
    )
    assert response.status_code == 200, response.content
    answer: dict[str, Any] = response.json()
    assert answer["rejected"] == [], answer
    return answer


def identify(user: str, **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": user, "traits": traits}


def deliver(action: Action) -> list[Delivery]:
    """Run the action's sender to the end; the deliveries, oldest first."""
    sender.run(str(action.pk))
    return list(Delivery.objects.filter(action=action).order_by("id"))


def seed_records(destination: Destination, source: KeyedSource, *messages: dict[str, Any]) -> None:
    """Records put in the org by a throwaway Lead create action, so a test starts with them there."""
    seed = make_action(destination, "lead", "create", name="seed", trigger='type = "identify"')
    send(source, *messages)
    deliver(seed)
    seed.delete()


def lane_lease(action: Action | Any, lane: int = 0) -> QuerySet[SenderLease]:
    """The lease row of one lane of the action (or action id), made if missing, to read or change."""
    action_id = action.pk if isinstance(action, Action) else action
    ensure_rows(str(action_id), [lane])
    return SenderLease.objects.filter(action_id=action_id, lane=lane)
