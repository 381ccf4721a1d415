"""Mapped values brought to their field's Salesforce type, from plain describe entries."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from destinations.salesforce.types import ConversionError, convert


def field(name="Field__c", field_type="string", **extra):
    return {"name": name, "type": field_type, **extra}


def refusal(value, described):
    with pytest.raises(ConversionError) as raised:
        convert(value, described)
    return raised.value


EMPLOYEES = field("NumberOfEmployees", "int", digits=8)


@pytest.mark.parametrize(
    ("value", "expected"), [("1000", 1000), (12.0, 12), (7, 7), (" 42 ", 42), ("12.0", 12)]
)
def test_it_converts_whole_numbers(value, expected):
    assert convert(value, EMPLOYEES) == expected


def test_it_refuses_a_fraction_for_a_whole_number():
    assert str(refusal("12.5", EMPLOYEES)) == 'NumberOfEmployees expects a whole number; got "12.5"'


def test_it_says_which_field_refused_and_why():
    error = refusal("many", EMPLOYEES)

    assert error.field_name == "NumberOfEmployees"
    assert error.message == 'NumberOfEmployees expects a whole number; got "many"'


def test_it_refuses_a_boolean_for_a_number():
    assert "expects a whole number; got true" in str(refusal(True, EMPLOYEES))


def test_it_refuses_more_digits_than_the_field_holds():
    assert "at most 8 digits" in str(refusal(123456789, EMPLOYEES))


@pytest.mark.parametrize(
    ("value", "expected"), [("12.5", 12.5), (3, 3), ("1e3", 1000), (0.1, 0.1), ("-4.25", -4.25)]
)
def test_it_converts_decimal_numbers(value, expected):
    assert convert(value, field("Amount", "currency", precision=18, scale=2)) == expected


@pytest.mark.parametrize("value", ["NaN", float("inf"), "1,5", "", [1], {"a": 1}])
def test_it_refuses_what_is_not_a_finite_number(value):
    assert "Score__c expects a number" in str(refusal(value, field("Score__c", "double")))


def test_it_refuses_a_number_too_large_for_its_precision():
    assert "at most 3 digits before the decimal point" in str(
        refusal(1234.5, field("Rate__c", "percent", precision=5, scale=2))
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("false", False), ("TRUE", True), (1, True), (0, False), ("0", False)],
)
def test_it_converts_booleans(value, expected):
    assert convert(value, field("Opted__c", "boolean")) is expected


@pytest.mark.parametrize("value", ["yes", 2, 1.5, ""])
def test_it_refuses_what_is_not_a_boolean(value):
    assert "Opted__c expects true or false" in str(refusal(value, field("Opted__c", "boolean")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", "2024-05-01"),
        ("2024-05-01T23:30:00-05:00", "2024-05-02"),
        ("2024-05-01T10:00:00Z", "2024-05-01"),
        (date(2024, 5, 1), "2024-05-01"),
        (datetime(2024, 5, 1, 23, 0, tzinfo=UTC), "2024-05-01"),
    ],
)
def test_it_converts_dates_to_their_utc_day(value, expected):
    assert convert(value, field("CloseDate", "date")) == expected


@pytest.mark.parametrize("value", ["05/01/2024", "2024-02-30", "2024-W01-1", 1714521600, "0999-01-01"])
def test_it_refuses_what_is_not_a_date(value):
    assert str(refusal(value, field("CloseDate", "date"))).startswith("CloseDate expects a date")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T13:00:00Z", "2024-05-01T13:00:00.000+0000"),
        ("2024-05-01T15:00:00.250+02:00", "2024-05-01T13:00:00.250+0000"),
        ("2024-05-01T13:00:00+0000", "2024-05-01T13:00:00.000+0000"),
        ("2024-05-01 13:00", "2024-05-01T13:00:00.000+0000"),
        ("2024-05-01", "2024-05-01T00:00:00.000+0000"),
    ],
)
def test_it_converts_datetimes_in_salesforce_style(value, expected):
    assert convert(value, field("Seen__c", "datetime")) == expected


def test_it_reads_a_timestamp_without_offset_as_utc():
    assert (
        convert(datetime(2024, 5, 1, 13, 0), field("Seen__c", "datetime")) == "2024-05-01T13:00:00.000+0000"
    )


def test_it_refuses_what_is_not_a_datetime():
    assert "Seen__c expects a date and time" in str(refusal("yesterday", field("Seen__c", "datetime")))


def test_it_converts_a_time_of_day():
    assert convert("13:30", field("Opens__c", "time")) == "13:30:00.000Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345, "12345"), (12.0, "12"), (12.5, "12.5"), (True, "true"), ("as is", "as is")],
)
def test_it_writes_numbers_and_booleans_as_text(value, expected):
    assert convert(value, field("Phone", "phone")) == expected


@pytest.mark.parametrize(("value", "shown"), [({"a": 1}, "an object"), ([1, 2], "a list")])
def test_it_refuses_objects_and_lists_for_text(value, shown):
    assert str(refusal(value, field("Title", "string"))) == f"Title expects text; got {shown}"


def test_it_refuses_text_longer_than_the_field():
    assert str(refusal("x" * 41, field("FirstName", "string", length=40))) == (
        "FirstName expects at most 40 characters; got 41"
    )


@pytest.mark.parametrize("value", ["001000000000001", "001000000000001AAA"])
def test_it_accepts_15_and_18_character_ids(value):
    assert convert(value, field("AccountId", "reference")) == value


@pytest.mark.parametrize("value", ["001", "001000000000001XYZ", 1, "001 00000000001"])
def test_it_refuses_what_is_not_an_id(value):
    assert "AccountId expects a Salesforce record id" in str(refusal(value, field("AccountId", "reference")))


def test_it_joins_a_list_for_a_multi_select_picklist():
    assert convert(["Red", "Blue"], field("Colors__c", "multipicklist")) == "Red;Blue"


RESTRICTED = field(
    "Status",
    "picklist",
    restrictedPicklist=True,
    picklistValues=[
        {"value": "Open", "active": True},
        {"value": "Closed", "active": True},
        {"value": "Old", "active": False},
    ],
)


def test_it_uses_salesforce_spelling_of_a_restricted_picklist_value():
    assert convert("open", RESTRICTED) == "Open"


def test_it_refuses_a_value_outside_a_restricted_picklist():
    assert str(refusal("Old", RESTRICTED)) == 'Status expects one of Open, Closed; got "Old"'


def test_it_takes_any_value_for_an_unrestricted_picklist():
    assert convert("Anything", field("LeadSource", "picklist")) == "Anything"


def test_it_passes_none_through():
    assert convert(None, EMPLOYEES) is None


def test_it_passes_types_without_a_rule_through():
    assert convert({"city": "Paris"}, field("BillingAddress", "address")) == {"city": "Paris"}


def test_it_cuts_a_long_value_in_a_message():
    assert str(refusal("y" * 500, EMPLOYEES)).endswith('"' + "y" * 60 + '…"')


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_it_round_trips_any_integer_written_as_text(number):
    assert convert(str(number), field("Big__c", "long")) == number


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.lists(st.integers())))
def test_it_either_converts_or_explains(value):
    for field_type in (
        "int",
        "double",
        "boolean",
        "date",
        "datetime",
        "string",
        "reference",
        "multipicklist",
    ):
        try:
            convert(value, field("F", field_type))
        except ConversionError as refused:
            assert refused.message.startswith("F expects")
