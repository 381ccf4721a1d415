"""Whatever arrives, intake answers 200, 400, 401 or 413 with JSON, and stores
exactly the messages it reports as accepted."""

from __future__ import annotations

import base64
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.messages import MESSAGE_TYPES
from sources.models import Event

# Floats include NaN and the infinities, which json.dumps writes as NaN and
# Infinity: a message holding one is refused alone.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Messages that are often nearly valid, so that validation paths are exercised.
message_like = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(MESSAGE_TYPES) | st.text(max_size=6),
        "userId": st.none() | st.text(max_size=6) | st.integers() | json_values,
        "anonymousId": st.none() | st.text(max_size=6),
        "event": st.none() | st.text(max_size=6) | json_values,
        "groupId": st.none() | st.text(max_size=6),
        "previousId": st.none() | st.text(max_size=6),
        "messageId": st.none() | st.text(max_size=6) | st.integers(),
        "timestamp": st.none()
        | st.text(max_size=30)
        | st.sampled_from(
            ["2026-11-28T10:00:00Z", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00", "1e999"]
        ),
        "originalTimestamp": st.sampled_from(["0001-01-01T00:00:00Z", "2026-11-28T10:00:00Z"]),
        "sentAt": st.sampled_from(["9999-12-31T23:59:59Z", "2026-11-28T10:00:00Z"]),
        "traits": json_values,
        "properties": json_values,
        "context": json_values,
    },
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"batch": st.lists(message_like | json_values, max_size=6)}, optional={"context": json_values}
    ),
    message_like,
)
PATHS = ["/v1/batch", *(f"/v1/{t}" for t in MESSAGE_TYPES)]
ALLOWED = {200, 400, 401, 413}
hypothesis_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _auth(key):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def _check(response, stored_before, strict=False):
    assert response.status_code in ALLOWED, response.content
    answer = json.loads(response.content)
    assert isinstance(answer, dict)
    stored_now = Event.objects.count()
    if response.status_code == 200:
        assert stored_now - stored_before == answer["accepted"]
        if strict:
            assert answer["rejected"] == []
    else:
        assert set(answer) >= {"code", "message"}
        assert stored_now == stored_before


@hypothesis_settings
@given(body=bodies, path=st.sampled_from(PATHS), strict=st.booleans())
def test_it_answers_any_json_with_a_known_status_and_stores_only_what_it_accepts(
    source, client, body, path, strict
):
    before = Event.objects.count()
    headers = _auth(source.key) | ({"HTTP_X_STRICT_MODE": "1"} if strict else {})

    response = client.post(path, json.dumps(body), content_type="application/json", **headers)

    _check(response, before, strict)


@hypothesis_settings
@given(raw=st.binary(max_size=300), authorised=st.booleans(), gzipped=st.booleans())
def test_it_answers_any_bytes_with_a_known_status(source, client, raw, authorised, gzipped):
    before = Event.objects.count()
    headers = _auth(source.key) if authorised else {}
    if gzipped:
        headers["HTTP_CONTENT_ENCODING"] = "gzip"

    response = client.post("/v1/batch", raw, content_type="application/json", **headers)

    _check(response, before)


@hypothesis_settings
@given(depth=st.integers(min_value=1, max_value=100_000), opener=st.sampled_from(["[", '{"a":']))
def test_it_answers_any_unclosed_or_deep_nesting_without_a_server_error(source, client, depth, opener):
    before = Event.objects.count()
    body = '{"batch": [{"type": "track", "userId": "u", "event": "E", "properties": ' + opener * depth

    response = client.post("/v1/batch", body, content_type="application/json", **_auth(source.key))

    _check(response, before)
