"""A value pasted into a query unescaped must not quietly change its meaning."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

import pytest

from salesforce_emulator.soql import SoqlError, execute

from .conftest import DictSource, ids_of, lead
from .quoting import quote

ATTACK = "x' OR Name != '"


@pytest.fixture
def records():
    return {
        "Lead": [lead(Email="a@x.com", Member_Number__c="1"), lead(Email="b@x.com", Member_Number__c="2")]
    }


def test_it_refuses_an_unescaped_value_in_an_in_list(schema, records):
    text = f"SELECT Id FROM Lead WHERE Email IN ('a@x.com', '{ATTACK}', 'b@x.com')"
    with pytest.raises(SoqlError) as caught:
        execute(text, schema, DictSource(records))
    assert caught.value.error_code == "MALFORMED_QUERY"
    assert caught.value.message.endswith("unexpected token: 'OR'")


def test_it_refuses_an_unescaped_value_in_the_destinations_and_pair(schema, records):
    text = f"SELECT Id FROM Lead WHERE (Email = '{ATTACK}' AND Member_Number__c = '1') OR (Email = 'b@x.com')"
    with pytest.raises(SoqlError) as caught:
        execute(text, schema, DictSource(records))
    # The injected OR meets the pair's AND at one level, which SOQL refuses.
    assert caught.value.error_code == "MALFORMED_QUERY"
    assert caught.value.message.endswith("unexpected token: 'AND'")


def test_it_refuses_a_value_ending_in_a_backslash_that_swallows_the_quote(schema, records):
    text = "SELECT Id FROM Lead WHERE Email = 'C:\\' AND Member_Number__c = '1'"
    with pytest.raises(SoqlError) as caught:
        execute(text, schema, DictSource(records))
    assert caught.value.error_code == "MALFORMED_QUERY"


def test_it_reads_the_escaped_attack_as_a_harmless_literal(schema, records):
    text = f"SELECT Id FROM Lead WHERE Email IN ('a@x.com', {quote(ATTACK)}) AND Member_Number__c = '2'"
    assert execute(text, schema, DictSource(records)).rows == []
    text = f"SELECT Id FROM Lead WHERE Email = {quote(ATTACK)}"
    assert execute(text, schema, DictSource(records)).rows == []


def test_it_matches_the_escaped_attack_only_to_a_record_holding_it(schema, records):
    holder = lead(Email=ATTACK)
    records["Lead"].append(holder)
    text = f"SELECT Id FROM Lead WHERE Email = {quote(ATTACK)}"
    assert ids_of(execute(text, schema, DictSource(records))) == [holder["Id"]]
