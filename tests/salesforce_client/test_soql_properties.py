"""What ``soql`` writes, run by the emulator's SOQL engine: it parses and matches exactly."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from destinations.salesforce.soql import UnusableMatcher, build_lookups, quote, quote_like, url_length
from salesforce_emulator.ids import IdMinter
from salesforce_emulator.schema import Field, Schema, SObject
from salesforce_emulator.soql import execute

SCHEMA = Schema(
    [
        SObject(
            name="Lead",
            label="Lead",
            label_plural="Leads",
            key_prefix="00Q",
            fields=[
                Field("Id", "id", unique=True),
                Field("Email", "email", length=80),
                Field("Company", "string", length=255),
                Field("Member__c", "string", length=255, custom=True),
                Field("NumberOfEmployees", "int"),
                Field("Score__c", "double", custom=True),
                Field("IsDeleted", "boolean"),
            ],
        )
    ]
)
FIELD_TYPES = {"Email": "email", "Company": "string", "Member__c": "string", "NumberOfEmployees": "int"}
minter = IdMinter(pod="Zz9")


class Records:
    """A record source without indexes: every query scans, so nothing hides a parse problem."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def all(self, object_name: str) -> list[dict[str, Any]]:
        return self.records

    def lookup(self, object_name: str, field_name: str, values: Any) -> None:
        return None


def leads(**columns: list[Any]) -> list[dict[str, Any]]:
    """One record per row of the given columns."""
    names = list(columns)
    return [
        {"Id": minter.mint("00Q"), "IsDeleted": False, **dict(zip(names, row, strict=True))}
        for row in zip(*columns.values(), strict=True)
    ]


def matched(soql: str, records: list[dict[str, Any]]) -> set[str]:
    return {record_id for record_id, _ in execute(soql, SCHEMA, Records(records)).rows}


def same_text(stored: Any, value: str) -> bool:
    # Salesforce compares text case-insensitively and reads "" as null.
    return isinstance(stored, str) and stored != "" and stored.lower() == value.lower()


# Text that is hard to quote: quotes, backslashes, escapes' letters, line breaks, wildcards, unicode.
tricky = st.text(
    alphabet=st.sampled_from(list("aAbB'\"\\%_ nrtbfu\n\r\t\b\féß漢😀")), min_size=1, max_size=12
)
text_values = st.one_of(tricky, st.text(min_size=1, max_size=40))


@settings(max_examples=300, deadline=None)
@given(text_values, st.lists(text_values, max_size=5))
def test_it_matches_exactly_the_records_equal_to_any_string(value, others):
    candidates = [value, value.upper(), value.lower(), value + "x", "x" + value, *others]
    records = leads(Company=candidates)

    found = matched(f"SELECT Id FROM Lead WHERE Company = {quote(value)}", records)

    assert found == {r["Id"] for r in records if same_text(r["Company"], value)}


def test_it_turns_an_injection_attempt_into_a_harmless_literal():
    attack = "x' OR Company != '"
    records = leads(Company=["x", "Acme", attack])

    found = matched(f"SELECT Id FROM Lead WHERE Company = {quote(attack)}", records)

    assert found == {records[2]["Id"]}


@settings(max_examples=200, deadline=None)
@given(text_values, st.lists(text_values, max_size=5))
def test_it_finds_the_records_containing_a_like_pattern_literally(value, others):
    candidates = [value, "a" + value + "b", value.upper(), *others]
    records = leads(Company=candidates)

    found = matched(f"SELECT Id FROM Lead WHERE Company LIKE {quote_like(value)}", records)

    assert found == {r["Id"] for r in records if value.lower() in r["Company"].lower()}


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**8), max_value=10**8), st.lists(st.integers(-5, 5), max_size=5))
def test_it_writes_numeric_strings_bare_for_number_fields(number, others):
    records = leads(NumberOfEmployees=[number, number + 1, *others])

    found = matched(f"SELECT Id FROM Lead WHERE NumberOfEmployees = {quote(str(number), 'int')}", records)

    assert found == {r["Id"] for r in records if r["NumberOfEmployees"] == number}


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_it_writes_any_finite_float_as_a_literal_soql_reads(value):
    records = leads(Score__c=[value])

    assert matched(f"SELECT Id FROM Lead WHERE Score__c = {quote(value, 'double')}", records) == {
        records[0]["Id"]
    }


# --- Lookups for many records --------------------------------------------------------------

matcher_fields = st.sampled_from(["Email", "Company", "Member__c"])
group_values = st.one_of(st.none(), st.just(""), text_values)
groups_strategy = st.lists(
    st.dictionaries(matcher_fields, group_values, min_size=1, max_size=3), min_size=1, max_size=12
)


def expected_matches(records: list[dict[str, Any]], groups: list[dict[str, Any]], operator: str) -> set[str]:
    found = set()
    for record in records:
        for group in groups:
            present = {name: value for name, value in group.items() if value not in (None, "")}
            if not present:
                continue
            tests = [same_text(record.get(name), value) for name, value in present.items()]
            if all(tests) if operator == "AND" else any(tests):
                found.add(record["Id"])
    return found


def records_for(groups: list[dict[str, Any]], noise: list[str]) -> list[dict[str, Any]]:
    """Records built from the groups' own values (mixed up and re-cased) and some noise."""
    values = [v for group in groups for v in group.values() if v] + noise
    pool = values + [v.swapcase() for v in values] or ["none"]
    cycle = itertools.cycle(pool)
    count = min(60, 2 * len(pool))
    return leads(
        Email=[next(cycle) for _ in range(count)],
        Company=[next(cycle) for _ in range(count)],
        Member__c=[next(cycle) for _ in range(count)],
    )


@settings(max_examples=300, deadline=None)
@given(groups_strategy, st.sampled_from(["AND", "OR"]), st.lists(text_values, max_size=4))
def test_it_looks_up_exactly_the_records_of_the_groups(groups, operator, noise):
    records = records_for(groups, noise)

    queries = build_lookups("Lead", ["Company"], groups, operator, FIELD_TYPES)

    found = set().union(*(matched(q, records) for q in queries)) if queries else set()
    assert found == expected_matches(records, groups, operator)


@settings(max_examples=200, deadline=None)
@given(groups_strategy, st.sampled_from(["AND", "OR"]), st.integers(min_value=120, max_value=600))
def test_it_splits_lookups_without_losing_or_adding_a_match(groups, operator, max_length):
    records = records_for(groups, [])

    try:
        queries = build_lookups("Lead", [], groups, operator, FIELD_TYPES, max_length=max_length)
    except UnusableMatcher as refused:
        # Only a group that alone is too long may be refused.
        assert refused.field is None
        return

    assert all(len(q) <= url_length(q) <= max_length for q in queries)
    found = set().union(*(matched(q, records) for q in queries)) if queries else set()
    assert found == expected_matches(records, groups, operator)


@settings(max_examples=300, deadline=None)
@given(groups_strategy, st.sampled_from(["AND", "OR"]))
def test_it_fills_a_query_up_to_the_last_character(groups, operator):
    whole = build_lookups("Lead", [], groups, operator, FIELD_TYPES, max_length=100_000)
    if not whole:
        return

    exact = build_lookups("Lead", [], groups, operator, FIELD_TYPES, max_length=url_length(whole[0]))
    try:
        shorter = build_lookups(
            "Lead", [], groups, operator, FIELD_TYPES, max_length=url_length(whole[0]) - 1
        )
    except ValueError:
        shorter = []

    assert exact == whole
    assert shorter != whole
