"""Every payload shape of the tracking API, one fixture file each."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sources.models import Event
from tests.sources.payloads import auth_headers, contains, fixture_names, load, request_body


def _send(client: Client, spec: dict[str, Any], key: str) -> Any:
    headers = auth_headers(spec, key)
    if spec.get("method", "POST") == "GET":
        return client.get(spec["path"], headers=headers)
    return client.post(
        spec["path"], data=request_body(spec, key), content_type="application/json", headers=headers
    )


def _stored(row: Event) -> dict[str, Any]:
    return {
        "type": row.type,
        "message_id": row.message_id,
        "name": row.name,
        "user_id": row.user_id,
        "anonymous_id": row.anonymous_id,
        "group_id": row.group_id,
        "email": row.email,
        "payload": row.payload,
    }


@pytest.mark.parametrize("name", fixture_names())
def test_it_answers_each_payload_shape_as_its_fixture_says(name, source, client):
    spec = load(name)
    expect = spec["expect"]

    response = _send(client, spec, source.key)

    assert response.status_code == expect["status"], response.content
    assert response["Content-Type"] == "application/json"
    assert contains(response.json(), expect["json"]), response.json()
    stored = [_stored(e) for e in Event.objects.order_by("id")]
    if "stored" in expect:
        assert contains(stored, expect["stored"]), stored
    for key in expect.get("absent_payload_keys", []):
        assert all(key not in row["payload"] for row in stored)


def test_it_stores_what_every_message_needs(source, client):
    spec = load("identify")

    _send(client, spec, source.key)

    event = Event.objects.get()
    assert event.source_id == source.source.pk
    assert event.payload["messageId"] == event.message_id
    assert len(event.message_id) == 36
    assert event.payload["receivedAt"] == event.received_at.isoformat()
    assert event.timestamp == event.received_at
