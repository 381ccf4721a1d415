from datetime import UTC, datetime, timedelta

import pytest

from sources.messages import Envelope, InvalidMessage, InvalidRequest, drop_nulls, normalize, split_request

RECEIVED = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


NO_ENVELOPE = Envelope()


def _normalize(raw, implied_type=None, envelope=NO_ENVELOPE):
    return normalize(raw, implied_type=implied_type, envelope=envelope, received_at=RECEIVED)


def test_it_keeps_a_supplied_timestamp_for_backfills():
    message = _normalize({"type": "track", "userId": "u", "event": "E", "timestamp": "2020-01-02T03:04:05Z"})
    assert message.timestamp == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_it_reads_offsets_and_naive_times_as_utc():
    with_offset = _normalize(
        {"type": "track", "userId": "u", "event": "E", "timestamp": "2020-01-02T05:04:05+02:00"}
    )
    naive = _normalize({"type": "track", "userId": "u", "event": "E", "timestamp": "2020-01-02T03:04:05"})
    assert with_offset.timestamp == naive.timestamp == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_it_corrects_the_client_clock_skew():
    # The client's clock runs 10 minutes fast: it says it sent at 12:10 what happened at 12:09.
    message = _normalize(
        {
            "type": "track",
            "userId": "u",
            "event": "E",
            "originalTimestamp": "2026-11-28T12:09:00Z",
            "sentAt": "2026-11-28T12:10:00Z",
        }
    )
    assert message.timestamp == RECEIVED - timedelta(minutes=1)


def test_it_uses_the_receive_time_when_the_client_gave_none():
    message = _normalize({"type": "track", "userId": "u", "event": "E"})
    assert message.timestamp == RECEIVED
    assert message.payload["timestamp"] == RECEIVED.isoformat()
    assert message.payload["receivedAt"] == RECEIVED.isoformat()


def test_it_overrides_a_client_supplied_received_at():
    message = _normalize({"type": "track", "userId": "u", "event": "E", "receivedAt": "1999-01-01T00:00:00Z"})
    assert message.payload["receivedAt"] == RECEIVED.isoformat()


def test_it_generates_a_message_id_when_absent_or_blank():
    first = _normalize({"type": "track", "userId": "u", "event": "E"})
    second = _normalize({"type": "track", "userId": "u", "event": "E", "messageId": "  "})
    assert first.message_id != second.message_id
    assert len(first.message_id) == 36


def test_it_turns_numeric_ids_into_strings():
    message = _normalize({"type": "group", "userId": 7, "groupId": 12.0, "messageId": 99})
    assert (message.user_id, message.group_id, message.message_id) == ("7", "12", "99")


def test_it_treats_an_empty_id_as_absent():
    with pytest.raises(InvalidMessage, match="needs a 'userId' or an 'anonymousId'"):
        _normalize({"type": "track", "userId": "", "event": "E"})


def test_it_takes_the_type_from_the_single_message_endpoint():
    message = _normalize({"type": "identify", "userId": "u", "event": "E"}, implied_type="track")
    assert message.type == "track"
    assert message.payload["type"] == "track"


def test_it_adds_the_batch_sent_at_to_each_message_without_one():
    envelope = Envelope(sent_at="2026-11-28T11:59:00Z")
    message = _normalize({"type": "track", "userId": "u", "event": "E"}, envelope=envelope)
    assert message.payload["sentAt"] == "2026-11-28T11:59:00Z"


def test_it_refuses_ids_longer_than_a_column_holds():
    with pytest.raises(InvalidMessage, match="at most 255"):
        _normalize({"type": "track", "userId": "u" * 256, "event": "E"})


def test_it_refuses_text_that_is_not_unicode():
    with pytest.raises(InvalidMessage, match="not valid Unicode"):
        _normalize({"type": "track", "userId": "u", "event": "E", "properties": {"x": "\ud800"}})


def test_it_refuses_an_envelope_context_that_is_not_unicode():
    with pytest.raises(InvalidRequest, match="not valid Unicode"):
        split_request({"batch": [], "context": {"x": "\udfff"}}, None)


def test_it_drops_only_top_level_nulls():
    assert drop_nulls({"a": None, "b": {"c": None}}) == {"b": {"c": None}}


def test_it_finds_the_email_in_context_traits():
    message = _normalize(
        {"type": "track", "userId": "u", "event": "E", "context": {"traits": {"email": "c@x.io"}}}
    )
    assert message.email == "c@x.io"
