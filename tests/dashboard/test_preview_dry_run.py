"""The preview's client: real request building, answered in-process, never sent."""

import socket

import pytest

from destinations.salesforce.calls import Call
from destinations.salesforce.dry_run import NOWHERE, STAND_IN_ID, dry_run_client


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the dry run tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_it_builds_writes_as_the_client_does_and_answers_them(no_network):
    calls: list[Call] = []
    with dry_run_client("62.0", calls.append) as client:
        [created] = client.create("Lead", [{"LastName": "Doe"}])
        [updated] = client.update("Lead", [{"Id": "00Q000000000001EAA", "LastName": "Roe"}])

    assert (created.success, created.id, created.created) == (True, STAND_IN_ID, True)
    assert updated.id == "00Q000000000001EAA"
    assert [(c.method, c.path) for c in calls] == [
        ("POST", "/services/data/v62.0/composite/sobjects"),
        ("PATCH", "/services/data/v62.0/composite/sobjects"),
    ]
    assert calls[0].request_body == {
        "allOrNone": False,
        "records": [{"attributes": {"type": "Lead"}, "LastName": "Doe"}],
    }


def test_a_lookup_finds_what_it_was_given(no_network):
    calls: list[Call] = []
    found = [{"Id": STAND_IN_ID, "Email": "a@x.io"}]
    with dry_run_client("62.0", calls.append, found) as client:
        rows = client.query("SELECT Id, Email FROM Lead WHERE Email = 'a@x.io'")

    assert rows == found
    assert "q=SELECT" in calls[0].query


def test_it_is_addressed_nowhere():
    assert NOWHERE.endswith(".invalid")
