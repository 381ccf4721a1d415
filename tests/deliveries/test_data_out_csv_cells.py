"""CSV building for the Data Out export: formula guard and streamed lines."""

from __future__ import annotations

import csv
import io

import pytest

from deliveries.data_out import CSV_COLUMNS, csv_cell, csv_lines


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["ada@x.io", "", "a=b", -1, 3.5, None, True])
def test_everything_else_is_left_as_it_is(value):
    assert csv_cell(value) == value


def test_it_streams_a_header_then_one_line_per_row_ignoring_extra_keys():
    lines = list(csv_lines([{"id": 1, "user_id": "=x", "attempt_log": []}]))

    assert len(lines) == 2
    [row] = list(csv.DictReader(io.StringIO("".join(lines))))
    assert list(row) == list(CSV_COLUMNS)
    assert (row["id"], row["user_id"], row["status"]) == ("1", "'=x", "")
