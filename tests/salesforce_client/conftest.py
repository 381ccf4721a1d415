"""The client against the emulator over loopback, with a token source that refreshes for real."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from destinations.salesforce.calls import Call
from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.connection import Connection
from destinations.salesforce.errors import ErrorKind, SalesforceError
from salesforce_emulator import Emulator
from salesforce_emulator.orgs import Org

API_VERSION = "62.0"


class EmulatorTokens:
    """A token pair minted by the org, refreshed through the emulator's token endpoint.

    Test code: production refresh lives with the connect flow.
    """

    def __init__(self, emulator: Emulator, org: Org) -> None:
        self.emulator = emulator
        self.org = org
        minted = org.mint_tokens()
        self.current = minted["access_token"]
        self.refresh_token = minted["refresh_token"]
        self.refreshed_for: list[str] = []

    def access_token(self) -> str:
        return self.current

    def refresh(self, rejected: str) -> str:
        self.refreshed_for.append(rejected)
        if rejected != self.current:
            return self.current
        response = requests.post(
            f"{self.org.login_url}/services/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.refresh_token,
                "client_id": self.emulator.client_id,
                "client_secret": self.emulator.client_secret,
            },
            timeout=5,
        )
        if response.status_code != 200:
            body = response.json()
            raise SalesforceError(
                ErrorKind.AUTH,
                status=response.status_code,
                error_code=body.get("error", ""),
                message=body.get("error_description", ""),
            )
        answer = response.json()
        self.current = answer["access_token"]
        self.refresh_token = answer.get("refresh_token", self.refresh_token)
        return self.current


@pytest.fixture
def org(salesforce_emulator: Emulator) -> Org:
    return salesforce_emulator.org("production")


@pytest.fixture
def tokens(salesforce_emulator: Emulator, org: Org) -> EmulatorTokens:
    return EmulatorTokens(salesforce_emulator, org)


@pytest.fixture
def calls() -> list[Call]:
    return []


@pytest.fixture
def connection(org: Org, tokens: EmulatorTokens) -> Connection:
    return Connection(org.instance_url, API_VERSION, tokens)


@pytest.fixture
def client(connection: Connection, calls: list[Call]) -> Any:
    with SalesforceClient(connection, on_call=calls.append, timeout=5) as made:
        yield made


def api_requests(org: Org) -> list[Any]:
    """The org's logged data API requests (not OAuth)."""
    return [r for r in org.requests() if r.path.startswith("/services/data/")]


def token_requests(org: Org) -> list[Any]:
    return [r for r in org.requests() if r.path == "/services/oauth2/token"]
