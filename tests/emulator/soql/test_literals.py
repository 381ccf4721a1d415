"""Literals as Salesforce reads them: escapes, unicode, numbers, dates, null."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

from datetime import UTC, datetime

import pytest

from salesforce_emulator.soql import SoqlError, execute, temporal

from .conftest import DictSource, ids_of, lead, run


def only(schema, records, text):
    return ids_of(run(schema, {"Lead": records}, text))


def test_it_reads_an_escaped_single_quote(schema):
    obrien, other = lead(LastName="O'Brien"), lead(LastName="OBrien")
    assert only(schema, [obrien, other], "SELECT Id FROM Lead WHERE LastName = 'O\\'Brien'") == [obrien["Id"]]


def test_it_reads_an_escaped_double_quote(schema):
    quoted = lead(LastName='the "best"')
    assert only(schema, [quoted], "SELECT Id FROM Lead WHERE LastName = 'the \\\"best\\\"'") == [quoted["Id"]]


def test_it_reads_an_escaped_backslash_as_one_backslash(schema):
    path, doubled = lead(Company="C:\\data"), lead(Company="C:\\\\data")
    assert only(schema, [path, doubled], "SELECT Id FROM Lead WHERE Company = 'C:\\\\data'") == [path["Id"]]


@pytest.mark.parametrize(
    ("escape", "char"),
    [
        ("\\n", "\n"),
        ("\\N", "\n"),
        ("\\r", "\r"),
        ("\\R", "\r"),
        ("\\t", "\t"),
        ("\\T", "\t"),
        ("\\b", "\b"),
        ("\\B", "\b"),
        ("\\f", "\f"),
        ("\\F", "\f"),
    ],
)
def test_it_reads_control_character_escapes_in_either_case(schema, escape, char):
    target, plain = lead(Company=f"line one{char}line two"), lead(Company="line oneline two")
    text = f"SELECT Id FROM Lead WHERE Company = 'line one{escape}line two'"
    assert only(schema, [target, plain], text) == [target["Id"]]


def test_it_reads_a_unicode_escape(schema):
    cafe = lead(Company="Café Zoë")
    assert only(schema, [cafe], "SELECT Id FROM Lead WHERE Company = 'Caf\\u00e9 Zo\\u00EB'") == [cafe["Id"]]


def test_it_reads_literal_non_ascii_text_case_insensitively(schema):
    cafe = lead(Company="Café Zoë")
    assert only(schema, [cafe], "SELECT Id FROM Lead WHERE Company = 'CAFÉ ZOË'") == [cafe["Id"]]


def test_it_reads_a_raw_newline_inside_a_literal(schema):
    two_lines = lead(Company="a\nb")
    assert only(schema, [two_lines], "SELECT Id FROM Lead WHERE Company = 'a\nb'") == [two_lines["Id"]]


def test_it_reads_escaped_like_wildcards_as_themselves(schema):
    percent, other = lead(Company="100% Cotton"), lead(Company="100 Cotton")
    text = "SELECT Id FROM Lead WHERE Company LIKE '100\\% Cotton'"
    assert only(schema, [percent, other], text) == [percent["Id"]]
    underscore, letter = lead(Company="a_b"), lead(Company="axb")
    text = "SELECT Id FROM Lead WHERE Company LIKE 'a\\_b'"
    assert only(schema, [underscore, letter], text) == [underscore["Id"]]


def test_it_reads_percent_and_underscore_as_plain_text_outside_like(schema):
    percent, other = lead(Company="100%_x"), lead(Company="100 x")
    assert only(schema, [percent, other], "SELECT Id FROM Lead WHERE Company = '100%_x'") == [percent["Id"]]


@pytest.mark.parametrize("written", ["true", "TRUE", "True", "tRuE"])
def test_it_reads_booleans_in_any_case(schema, written):
    opted, other = lead(HasOptedOutOfEmail=True), lead(HasOptedOutOfEmail=False)
    text = f"SELECT Id FROM Lead WHERE HasOptedOutOfEmail = {written}"
    assert only(schema, [opted, other], text) == [opted["Id"]]


def test_it_reads_signed_and_decimal_numbers(schema):
    low, high = lead(Score__c=-1.5), lead(Score__c=2)
    assert only(schema, [low, high], "SELECT Id FROM Lead WHERE Score__c = -1.5") == [low["Id"]]
    assert only(schema, [low, high], "SELECT Id FROM Lead WHERE Score__c > -1") == [high["Id"]]
    assert only(schema, [low, high], "SELECT Id FROM Lead WHERE Score__c = 2.00") == [high["Id"]]


def test_it_reads_a_date_literal(schema):
    may, june = lead(Birthdate__c="2024-05-01"), lead(Birthdate__c="2024-06-01")
    assert only(schema, [may, june], "SELECT Id FROM Lead WHERE Birthdate__c = 2024-05-01") == [may["Id"]]
    assert only(schema, [may, june], "SELECT Id FROM Lead WHERE Birthdate__c > 2024-05-01") == [june["Id"]]


@pytest.mark.parametrize(
    "written",
    [
        "2024-05-01T13:00:00Z",
        "2024-05-01T15:00:00+02:00",
        "2024-05-01T08:00:00-05:00",
        "2024-05-01T13:00:00.000+0000",
    ],
)
def test_it_reads_datetime_literals_as_instants(schema, written):
    one_pm = lead(LastTouch__c="2024-05-01T13:00:00.000+0000")
    other = lead(LastTouch__c="2024-05-01T14:00:00.000+0000")
    assert only(schema, [one_pm, other], f"SELECT Id FROM Lead WHERE LastTouch__c = {written}") == [
        one_pm["Id"]
    ]


def test_it_refuses_an_impossible_date(schema):
    with pytest.raises(SoqlError) as caught:
        execute("SELECT Id FROM Lead WHERE Birthdate__c = 2024-02-30", schema, DictSource({}))
    assert caught.value.error_code == "MALFORMED_QUERY"
    assert caught.value.message.endswith("\nInvalid date: 2024-02-30")


@pytest.fixture
def noon_on_may_15(monkeypatch):
    monkeypatch.setattr(temporal, "now", lambda: datetime(2024, 5, 15, 12, 0, tzinfo=UTC))


@pytest.mark.usefixtures("noon_on_may_15")
@pytest.mark.parametrize(
    ("literal", "expected_days"),
    [
        ("TODAY", ["2024-05-15"]),
        ("YESTERDAY", ["2024-05-14"]),
        ("TOMORROW", ["2024-05-16"]),
        ("LAST_N_DAYS:2", ["2024-05-13", "2024-05-14", "2024-05-15"]),
        ("NEXT_N_DAYS:2", ["2024-05-16", "2024-05-17"]),
        ("THIS_MONTH", ["2024-05-01", "2024-05-13", "2024-05-14", "2024-05-15", "2024-05-16", "2024-05-17"]),
    ],
)
def test_it_reads_relative_date_literals_as_ranges_of_days(schema, literal, expected_days):
    days = ["2024-04-30", "2024-05-01", "2024-05-13", "2024-05-14", "2024-05-15", "2024-05-16", "2024-05-17"]
    records = [lead(Birthdate__c=day) for day in days]
    found = only(schema, records, f"SELECT Id FROM Lead WHERE Birthdate__c = {literal}")
    assert sorted(r["Birthdate__c"] for r in records if r["Id"] in found) == expected_days


@pytest.mark.usefixtures("noon_on_may_15")
def test_it_compares_a_datetime_with_a_relative_literal_in_utc_days(schema):
    late_yesterday = lead(LastTouch__c="2024-05-14T23:59:59.000+0000")
    early_today = lead(LastTouch__c="2024-05-15T00:00:00.000+0000")
    records = [late_yesterday, early_today]
    assert only(schema, records, "SELECT Id FROM Lead WHERE LastTouch__c = TODAY") == [early_today["Id"]]
    assert only(schema, records, "SELECT Id FROM Lead WHERE LastTouch__c < TODAY") == [late_yesterday["Id"]]
    assert only(schema, records, "SELECT Id FROM Lead WHERE LastTouch__c >= YESTERDAY") == ids_of_all(records)


def ids_of_all(records):
    return [record["Id"] for record in records]
