"""A bad message is refused with its reason; the rest of its batch is stored."""

from __future__ import annotations

import base64
import json

import pytest

from sources.json_input import MAX_DEPTH
from sources.models import Event


def _auth(key):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def _good(message_id):
    return json.dumps({"type": "track", "userId": "u", "event": "E", "messageId": message_id})


def _post_batch(client, source, *raw_messages):
    # Raw JSON texts: some bodies (1e999, NaN) are what a client writes, not what json.dumps does.
    body = '{"batch": [' + ", ".join(raw_messages) + "]}"
    return client.post("/v1/batch", body, content_type="application/json", **_auth(source.key))


@pytest.mark.parametrize("timestamp", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_it_refuses_a_timestamp_out_of_range_alone(source, client, timestamp):
    bad = json.dumps({"type": "track", "userId": "u", "event": "E", "timestamp": timestamp})

    response = _post_batch(client, source, _good("a"), bad, _good("b"))

    assert response.status_code == 200
    assert response.json()["accepted"] == 2
    [rejection] = response.json()["rejected"]
    assert rejection["index"] == 1
    assert "'timestamp' is out of range" in rejection["reason"]
    assert sorted(Event.objects.values_list("message_id", flat=True)) == ["a", "b"]


def test_it_refuses_a_clock_skew_correction_out_of_range_alone(source, client):
    bad = json.dumps(
        {
            "type": "track",
            "userId": "u",
            "event": "E",
            "originalTimestamp": "0001-01-01T00:00:00Z",
            "sentAt": "9999-12-31T00:00:00Z",
        }
    )

    response = _post_batch(client, source, bad, _good("a"))

    assert response.status_code == 200
    assert [r["index"] for r in response.json()["rejected"]] == [0]
    assert list(Event.objects.values_list("message_id", flat=True)) == ["a"]


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_it_refuses_a_number_that_is_not_finite_alone(source, client, number):
    bad = '{"type": "track", "userId": "u", "event": "E", "properties": {"total": ' + number + "}}"

    response = _post_batch(client, source, _good("a"), bad)

    assert response.status_code == 200
    [rejection] = response.json()["rejected"]
    assert rejection["index"] == 1
    assert f"holds the number {number}, which is not finite" in rejection["reason"]
    assert list(Event.objects.values_list("message_id", flat=True)) == ["a"]


def test_it_refuses_a_whole_batch_whose_shared_context_is_not_finite(source, client):
    body = '{"batch": [' + _good("a") + '], "context": {"x": 1e999}}'

    response = client.post("/v1/batch", body, content_type="application/json", **_auth(source.key))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_batch"
    assert not Event.objects.exists()


def _nested(depth):
    # A message whose properties hold `depth - 1` more levels (the message is level 1).
    return (
        '{"type": "track", "userId": "u", "event": "E", "properties": '
        + '{"a": ' * (depth - 2)
        + "{}"
        + "}" * (depth - 2)
        + "}"
    )


def test_it_refuses_a_message_nested_deeper_than_the_cap_alone(source, client):
    response = _post_batch(client, source, _nested(MAX_DEPTH + 1), _nested(900), _good("a"))

    assert response.status_code == 200
    assert [r["index"] for r in response.json()["rejected"]] == [0, 1]
    assert f"nested deeper than {MAX_DEPTH} levels" in response.json()["rejected"][0]["reason"]
    assert list(Event.objects.values_list("message_id", flat=True)) == ["a"]


def test_it_stores_a_message_nested_exactly_to_the_cap(source, client):
    response = _post_batch(client, source, _nested(MAX_DEPTH))

    assert response.json()["rejected"] == []
    assert Event.objects.count() == 1


def test_strict_mode_refuses_the_whole_batch_for_one_non_finite_number(source, client):
    bad = '{"type": "track", "userId": "u", "event": "E", "properties": {"total": 1e999}}'
    body = '{"batch": [' + _good("a") + ", " + bad + "]}"

    response = client.post(
        "/v1/batch", body, content_type="application/json", HTTP_X_STRICT_MODE="1", **_auth(source.key)
    )

    assert response.status_code == 400
    assert not Event.objects.exists()


def test_it_refuses_an_integer_with_too_many_digits_alone(source, client):
    bad = '{"type": "track", "userId": "u", "event": "E", "properties": {"n": 1' + "0" * 5000 + "}}"

    response = _post_batch(client, source, bad, _good("a"))

    assert response.status_code == 200
    [rejection] = response.json()["rejected"]
    assert "which has too many digits to be stored" in rejection["reason"]
    assert list(Event.objects.values_list("message_id", flat=True)) == ["a"]


def test_it_refuses_a_batch_context_that_would_nest_past_the_cap_once_merged(source, client):
    # 64 levels alone; 65 once it is the 'context' of a message.
    context = '{"a": ' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    body = '{"batch": [' + _good("a") + '], "context": ' + context + "}"

    response = client.post("/v1/batch", body, content_type="application/json", **_auth(source.key))

    assert response.status_code == 400
    assert f"nested deeper than {MAX_DEPTH - 1} levels" in response.json()["message"]
