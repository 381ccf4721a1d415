"""Storing accepted events: deduplication, sources kept apart, database outages."""

from __future__ import annotations

import base64
import json
import threading

import pytest
import requests
from django.db import OperationalError

from sources.models import Event
from sources.provisioning import create_source


def _auth(key):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def _batch(*message_ids):
    return json.dumps(
        {"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": m} for m in message_ids]}
    )


def test_it_counts_a_repeated_message_id_as_a_duplicate(source, client):
    client.post("/v1/batch", _batch("a", "b"), content_type="application/json", **_auth(source.key))

    response = client.post(
        "/v1/batch", _batch("b", "c"), content_type="application/json", **_auth(source.key)
    )

    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert response.json()["duplicates"] == 1
    assert sorted(Event.objects.values_list("message_id", flat=True)) == ["a", "b", "c"]


def test_it_keeps_the_same_message_id_of_two_sources_apart(source, team, client):
    _, other_key = create_source(team.workspace, "backend")

    client.post("/v1/batch", _batch("m"), content_type="application/json", **_auth(source.key))
    client.post("/v1/batch", _batch("m"), content_type="application/json", **_auth(other_key))

    assert Event.objects.filter(message_id="m").count() == 2


def test_it_answers_503_and_stores_nothing_when_the_database_fails(source, client, monkeypatch):
    def failing_bulk_create(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Event.objects, "bulk_create", failing_bulk_create)

    response = client.post("/v1/batch", _batch("x"), content_type="application/json", **_auth(source.key))

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert not Event.objects.exists()


def test_it_stops_accepting_the_old_key_once_its_grace_period_is_ended(source, client):
    from sources.provisioning import end_grace, rotate_key

    new_key = rotate_key(source.source)
    end_grace(source.source)

    old = client.post("/v1/batch", _batch("x"), content_type="application/json", **_auth(source.key))
    new = client.post("/v1/batch", _batch("y"), content_type="application/json", **_auth(new_key))

    assert (old.status_code, new.status_code) == (401, 200)


@pytest.mark.django_db(transaction=True)
def test_it_stores_a_message_once_when_clients_retry_concurrently(live_server, team):
    source, key = create_source(team.workspace, "concurrent")
    ids = [f"m-{i}" for i in range(50)]
    answers = []

    def post():
        answers.append(
            requests.post(f"{live_server.url}/v1/batch", data=_batch(*ids), auth=(key, ""), timeout=30).json()
        )

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Event.objects.filter(source=source).count() == 50
    assert sum(a["accepted"] for a in answers) == 50
    assert sum(a["duplicates"] for a in answers) == 150
