"""The Bulk CSV builder: Salesforce's quoting, header and null rules, and the size split."""

import csv
import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from destinations.salesforce.bulk_csv import NULL, build, cell, header, split


def parsed(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline="")))


def test_it_takes_the_union_of_the_columns_in_first_seen_order():
    assert header([{"Id": 1, "Title": "x"}, {"Email": "e", "Id": 2}, {"Phone": "p"}]) == [
        "Id",
        "Title",
        "Email",
        "Phone",
    ]


def test_it_leaves_a_column_absent_from_a_row_empty():
    data = build([{"Id": "a", "Title": "CEO"}, {"Id": "b", "Email": "b@x.io"}], clear_on_null=False)

    assert data == "Id,Title,Email\na,CEO,\nb,,b@x.io\n"


def test_it_writes_na_for_an_explicit_null_only_when_clearing_fields_on_null():
    records = [{"Id": "a", "Title": None}]

    assert build(records, clear_on_null=True) == f"Id,Title\na,{NULL}\n"
    assert build(records, clear_on_null=False) == "Id,Title\na,\n"


def test_it_quotes_delimiters_quotes_and_line_breaks_only():
    assert cell('the "gold" standard', clear_on_null=False) == '"the ""gold"" standard"'
    assert cell("a,b", clear_on_null=False) == '"a,b"'
    assert cell("one\ntwo", clear_on_null=False) == '"one\ntwo"'
    assert cell("one\r\ntwo", clear_on_null=False) == '"one\r\ntwo"'
    assert cell("  spaced  ", clear_on_null=False) == "  spaced  "


def test_it_writes_booleans_numbers_and_dates_as_salesforce_reads_them():
    assert cell(True, clear_on_null=False) == "true"
    assert cell(False, clear_on_null=False) == "false"
    assert cell(42, clear_on_null=False) == "42"
    assert cell(0.00001, clear_on_null=False) == "0.00001"
    assert cell(date(2024, 5, 1), clear_on_null=False) == "2024-05-01"


def test_it_keeps_a_one_column_row_that_has_no_value():
    assert parsed(build([{"Id": None}, {"Id": "a"}], clear_on_null=False)) == [["Id"], [""], ["a"]]


def test_it_splits_a_batch_into_files_under_the_size_limit():
    records = [{"Id": f"r{n}", "Description": "x" * 40} for n in range(10)]

    uploads = split(records, clear_on_null=False, max_bytes=200)

    assert len(uploads) > 1
    assert all(len(u.data.encode()) <= 200 for u in uploads)
    assert [p for u in uploads for p in u.positions] == list(range(10))
    for upload in uploads:
        rows = parsed(upload.data)
        assert rows[0] == ["Id", "Description"]
        assert [r[0] for r in rows[1:]] == [f"r{p}" for p in upload.positions]


def test_it_gives_each_file_the_header_of_its_own_records():
    records = [{"Id": "a", "Title": "t" * 50}, {"Id": "b", "Email": "e" * 50}]

    uploads = split(records, clear_on_null=False, max_bytes=80)

    assert [parsed(u.data)[0] for u in uploads] == [["Id", "Title"], ["Id", "Email"]]


def test_it_sends_a_record_larger_than_the_limit_alone():
    uploads = split([{"Id": "a"}, {"Id": "b" * 100}, {"Id": "c"}], clear_on_null=False, max_bytes=50)

    assert [u.positions for u in uploads] == [(0,), (1,), (2,)]


def test_it_makes_no_file_for_no_records():
    assert split([], clear_on_null=False) == []


names = st.text(st.characters(categories=("L", "N"), include_characters="_"), min_size=1, max_size=12)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(min_size=1, max_size=30),
)
records = st.lists(st.dictionaries(names, values, min_size=1, max_size=5), min_size=1, max_size=8)


def expected_cell(value, clear_on_null):
    if value is None:
        return NULL if clear_on_null else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@given(records, st.booleans())
def test_a_csv_parser_reads_back_every_value_in_its_column(batch, clear_on_null):
    rows = parsed(build(batch, clear_on_null=clear_on_null))

    columns = header(batch)
    assert rows[0] == columns
    assert len(rows) == len(batch) + 1
    for record, row in zip(batch, rows[1:], strict=True):
        assert len(row) == len(columns)
        for name, value in zip(columns, row, strict=False):
            wanted = expected_cell(record[name], clear_on_null) if name in record else ""
            assert value == wanted


@given(records, st.integers(min_value=20, max_value=400))
def test_split_files_hold_every_record_once_in_order_and_within_the_limit(batch, max_bytes):
    uploads = split(batch, clear_on_null=True, max_bytes=max_bytes)

    assert [p for u in uploads for p in u.positions] == list(range(len(batch)))
    for upload in uploads:
        if len(upload.positions) > 1:
            assert len(upload.data.encode()) <= max_bytes
        assert len(parsed(upload.data)) == len(upload.positions) + 1
