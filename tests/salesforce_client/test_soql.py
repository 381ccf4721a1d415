"""SOQL literals and lookups, as text."""

# The tests compare SOQL text on purpose; no database is behind it.

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from destinations.salesforce.soql import UnusableMatcher, build_lookups, quote, quote_like, url_length

TYPES = {
    "Email": "email",
    "LastName": "string",
    "NumberOfEmployees": "int",
    "HasOptedOutOfEmail": "boolean",
    "Colors__c": "multipicklist",
}


def test_it_quotes_and_escapes_a_string():
    assert quote("O'Brien") == r"'O\'Brien'"


def test_it_escapes_the_backslash_before_the_quote():
    assert quote("\\'") == r"'\\\''"


def test_it_escapes_double_quotes_and_control_characters():
    assert quote('a"b\nc\rd\te\bf\fg') == r"'a\"b\nc\rd\te\bf\fg'"


def test_it_leaves_percent_and_underscore_alone_outside_like():
    assert quote("50%_off") == "'50%_off'"


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (-1.5, "-1.5"),
        (1e-7, "0.0000001"),
        (Decimal("12.50"), "12.5"),
        (date(2024, 5, 1), "2024-05-01"),
        (datetime(2024, 5, 1, 15, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T13:00:00Z"),
        (datetime(2024, 5, 1, 13, 0, 0, 999000, tzinfo=UTC), "2024-05-01T13:00:00Z"),
    ],
)
def test_it_writes_other_values_bare(value, literal):
    assert quote(value) == literal


@pytest.mark.parametrize(
    ("value", "field_type", "literal"),
    [
        ("1000", "int", "1000"),
        (12.0, "long", "12"),
        ("12.5", "double", "12.5"),
        ("1e3", "currency", "1000"),
        ("true", "boolean", "true"),
        ("2024-05-01T23:30:00-05:00", "date", "2024-05-02"),
        ("2024-05-01T13:00:00.250Z", "datetime", "2024-05-01T13:00:00Z"),
        (12345, "phone", "'12345'"),
        (["a", "b"], "multipicklist", "'a;b'"),
        ("001550V000WOQZi", "reference", "'001550V000WOQZi'"),
    ],
)
def test_it_writes_the_literal_of_the_field_type(value, field_type, literal):
    assert quote(value, field_type) == literal


@pytest.mark.parametrize(
    ("value", "field_type", "message"),
    [
        ("12.5", "int", 'int field expects a whole number; got "12.5"'),
        ("abc", "double", 'double field expects a number; got "abc"'),
        ("maybe", "boolean", 'boolean field expects true or false; got "maybe"'),
        ("01/05/2024", "date", "date field expects a date"),
        ("x' OR Id != '", "id", "id field expects a Salesforce record id"),
        ({"a": 1}, "string", "string field expects text; got an object"),
        ("x", "base64", "base64 field cannot be compared"),
    ],
)
def test_it_refuses_a_value_that_does_not_fit_the_type(value, field_type, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        quote(value, field_type)


def test_it_refuses_a_value_without_a_literal():
    with pytest.raises(ValueError, match="a list has no SOQL literal"):
        quote([1, 2])


def test_it_refuses_a_string_longer_than_4000_characters():
    assert len(quote("x" * 4000)) == 4002
    with pytest.raises(ValueError, match="at most 4000 characters"):
        quote("x" * 4001)


def test_it_refuses_an_unpaired_surrogate():
    with pytest.raises(ValueError, match="surrogate"):
        quote("a\ud800b")


@pytest.mark.parametrize(
    ("match", "pattern"),
    [
        ("contains", r"'%50\%\_off%'"),
        ("prefix", r"'50\%\_off%'"),
        ("suffix", r"'%50\%\_off'"),
        ("exact", r"'50\%\_off'"),
    ],
)
def test_it_escapes_wildcards_in_a_like_pattern(match, pattern):
    assert quote_like("50%_off", match) == pattern


def test_it_joins_matchers_with_and_inside_parentheses():
    groups = [{"Email": "a@x.com", "LastName": "A"}, {"Email": "b@x.com", "LastName": "B"}]

    assert build_lookups("Lead", ["Email", "LastName"], groups, "AND", TYPES) == [
        "SELECT Id, Email, LastName FROM Lead WHERE (Email = 'a@x.com' AND LastName = 'A') "
        "OR (Email = 'b@x.com' AND LastName = 'B')"
    ]


def test_it_flattens_or_matchers_into_one_in_list_per_field():
    groups = [{"Email": "a@x.com", "LastName": "A"}, {"Email": "b@x.com", "LastName": "B"}]

    assert build_lookups("Lead", ["Email", "LastName"], groups, "OR", TYPES) == [
        "SELECT Id, Email, LastName FROM Lead WHERE Email IN ('a@x.com','b@x.com') OR LastName IN ('A','B')"
    ]


def test_it_uses_equals_for_a_single_value():
    assert build_lookups("Lead", [], [{"Email": "a@x.com"}], "OR", TYPES) == [
        "SELECT Id, Email FROM Lead WHERE Email = 'a@x.com'"
    ]


def test_it_flattens_single_matcher_groups_under_and_too():
    groups = [{"Email": "a@x.com"}, {"Email": "b@x.com", "LastName": "B"}]

    assert build_lookups("Lead", [], groups, "AND", TYPES) == [
        "SELECT Id, Email, LastName FROM Lead WHERE (Email = 'b@x.com' AND LastName = 'B') OR Email = 'a@x.com'"
    ]


def test_it_selects_id_and_the_matchers_once():
    queries = build_lookups("Lead", ["Id", "email", "Company"], [{"Email": "a@x.com"}], "OR", TYPES)

    assert queries[0].startswith("SELECT Id, email, Company FROM Lead WHERE")


def test_it_skips_absent_and_empty_values_and_empty_groups():
    groups = [{"Email": None, "LastName": ""}, {}, {"Email": "a@x.com", "LastName": None}]

    assert build_lookups("Lead", [], groups, "AND", TYPES) == [
        "SELECT Id, Email FROM Lead WHERE Email = 'a@x.com'"
    ]


def test_it_builds_nothing_when_no_group_has_a_value():
    assert build_lookups("Lead", [], [{"Email": None}], "OR", TYPES) == []


def test_it_writes_each_value_once():
    groups = [{"Email": "a@x.com"}, {"Email": "a@x.com"}]

    assert build_lookups("Lead", [], groups, "OR", TYPES) == [
        "SELECT Id, Email FROM Lead WHERE Email = 'a@x.com'"
    ]


def test_it_types_values_by_field():
    groups: list[dict[str, object]] = [{"NumberOfEmployees": "10"}, {"NumberOfEmployees": 20.0}]

    assert build_lookups("Lead", [], groups, "OR", TYPES) == [
        "SELECT Id, NumberOfEmployees FROM Lead WHERE NumberOfEmployees IN (10,20)"
    ]


@pytest.mark.parametrize("field", ["HasOptedOutOfEmail", "Colors__c"])
def test_it_uses_equals_where_soql_allows_no_in(field):
    value = {"HasOptedOutOfEmail": (True, False), "Colors__c": ("a;b", "c")}[field]
    groups = [{field: value[0]}, {field: value[1]}]

    where = build_lookups("Lead", [], groups, "OR", TYPES)[0].split(" WHERE ")[1]

    assert " IN " not in where and where.count(f"{field} = ") == 2


def test_it_splits_lookups_to_stay_within_the_length():
    groups = [{"Email": f"person{n}@example.com"} for n in range(100)]

    queries = build_lookups("Lead", [], groups, "OR", TYPES, max_length=300)

    assert len(queries) > 1
    assert all(url_length(q) <= 300 for q in queries)
    assert sum(q.count("@example.com") for q in queries) == 100


def test_it_names_a_single_group_longer_than_the_length():
    groups = [{"Email": "a@x.com"}, {"Email": "x" * 200}]

    with pytest.raises(UnusableMatcher, match="longer than 100 characters") as raised:
        build_lookups("Lead", [], groups, "OR", TYPES, max_length=100)

    assert (raised.value.group_index, raised.value.field) == (1, None)


def test_it_names_the_group_and_field_of_a_value_longer_than_4000_characters():
    with pytest.raises(UnusableMatcher, match=r"^Email: .*4000") as raised:
        build_lookups("Lead", [], [{"Email": "a@x.com"}, {"Email": "x" * 4001}], "OR", TYPES)

    assert (raised.value.group_index, raised.value.field) == (1, "Email")


@pytest.mark.parametrize(
    ("sobject", "field"),
    [("Lead; DELETE", "Email"), ("Lead", "Email = 'x' OR Id"), ("Lead", ""), ("Le ad", "Email")],
)
def test_it_refuses_names_that_are_not_names(sobject, field):
    with pytest.raises(ValueError, match=r"not an? (object|field) name"):
        build_lookups(sobject, [], [{field: "a"}], "OR", TYPES)


def test_it_refuses_an_unknown_operator():
    with pytest.raises(ValueError, match="AND or OR"):
        build_lookups("Lead", [], [{"Email": "a"}], "XOR", TYPES)  # type: ignore[arg-type]


def test_it_names_the_group_and_field_of_a_value_that_does_not_fit():
    with pytest.raises(UnusableMatcher) as raised:
        build_lookups("Lead", [], [{"NumberOfEmployees": "many"}], "OR", TYPES)

    assert str(raised.value) == 'NumberOfEmployees: int field expects a whole number; got "many"'
    assert (raised.value.group_index, raised.value.field) == (0, "NumberOfEmployees")
