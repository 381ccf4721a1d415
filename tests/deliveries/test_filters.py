"""Reading the Data Out filter from query-string parameters (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliveries.filters import PARAMS, FilterError, parse

NOW = datetime(2026, 11, 29, 14, 30, tzinfo=UTC)


def test_it_reads_no_parameters_as_no_filter():
    selection = parse({}, NOW)

    assert selection.is_empty
    assert (selection.status, selection.start, selection.end, selection.search) == ("", None, None, "")


def test_it_treats_blank_parameters_as_absent():
    selection = parse({"status": "", "q": "  ", "range": ""}, NOW)

    assert selection.is_empty and selection.query_string() == ""


def test_it_reads_each_parameter():
    action = "0b6c3f53-9b1e-4c8f-a7a4-3f7a2b1e6d10"
    selection = parse(
        {"status": "failed", "action": action.upper(), "q": " ada@x.io ", "bulk_job": "7508d000001AbCd"}, NOW
    )

    assert (selection.status, selection.action_id, selection.search, selection.bulk_job) == (
        "failed",
        action,
        "ada@x.io",
        "7508d000001AbCd",
    )


@pytest.mark.parametrize(("range_", "hours"), [("1h", 1), ("24h", 24), ("7d", 168)])
def test_it_turns_a_named_range_into_a_start(range_, hours):
    selection = parse({"range": range_}, NOW)

    assert (selection.start, selection.end) == (NOW - timedelta(hours=hours), None)


def test_it_reads_a_custom_range_in_utc():
    selection = parse({"range": "custom", "from": "2026-11-28T09:15", "to": "2026-11-29T10:00"}, NOW)

    assert selection.start == datetime(2026, 11, 28, 9, 15, tzinfo=UTC)
    assert selection.end == datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_a_date_alone_as_the_end_includes_that_whole_day():
    selection = parse({"from": "2026-11-28", "to": "2026-11-28"}, NOW)

    assert (selection.start, selection.end) == (
        datetime(2026, 11, 28, tzinfo=UTC),
        datetime(2026, 11, 29, tzinfo=UTC),
    )
    assert selection.range == "custom"


def test_a_time_with_an_offset_is_converted_to_utc():
    selection = parse({"from": "2026-11-28T10:00+02:00"}, NOW)

    assert selection.start == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def test_a_named_range_wins_over_leftover_custom_times():
    # The form keeps the from/to inputs filled when the user picks "Last hour".
    selection = parse({"range": "1h", "from": "2026-01-01"}, NOW)

    assert (selection.start, selection.end) == (NOW - timedelta(hours=1), None)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "lost"}, "Unknown status 'lost'"),
        ({"action": "42"}, "'42' is not an action id"),
        ({"range": "2y"}, "Unknown time range '2y'"),
        ({"range": "custom"}, "needs a 'from' or a 'to'"),
        ({"from": "29/11/2026"}, "The 'from' time '29/11/2026' is not a date"),
        ({"from": "2026-11-29T10:00", "to": "2026-11-29T09:00"}, "must be after"),
        ({"bulk_job": "750; DROP"}, "is not a Bulk job id"),
        ({"q": "x" * 256}, "too long"),
        ({"error": "NOT A CODE"}, "is not an error code"),
        ({"to": "9999-12-31"}, "The 'to' time '9999-12-31' is out of range"),
        ({"from": "0001-01-01T00:00+05:00"}, "The 'from' time '0001-01-01T00:00\\+05:00' is out of range"),
    ],
)
def test_it_refuses_a_bad_value_with_a_message_that_says_why(query, message):
    with pytest.raises(FilterError, match=message):
        parse(query, NOW)


def test_it_reads_an_error_code():
    assert parse({"error": "REQUIRED_FIELD_MISSING"}, NOW).error == "REQUIRED_FIELD_MISSING"


def test_its_query_string_keeps_the_filter_and_adds_extras():
    selection = parse({"status": "failed", "q": "a b", "page": "ignored"}, NOW)

    assert selection.query_string(before=12) == "status=failed&q=a+b&before=12"


# Dates at the edges of what a datetime holds, beside any text.
_EDGE_TIMES = st.sampled_from(
    ["9999-12-31", "9999-12-31T23:59+00:00", "9999-12-31T23:00-05:00", "0001-01-01", "0001-01-01T00:00+05:00"]
)


@given(st.dictionaries(st.sampled_from(PARAMS), st.text(max_size=40) | _EDGE_TIMES))
def test_any_query_is_read_or_refused_with_a_filter_error(query):
    try:
        selection = parse(query, NOW)
    except FilterError as exc:
        assert str(exc)
    else:
        assert set(selection.params) <= set(PARAMS)
