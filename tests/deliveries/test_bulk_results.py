"""Matching a Bulk job's result rows back to the rows sent, in any order."""

import random

from hypothesis import given
from hypothesis import strategies as st

from deliveries.bulk_results import FAILURES, SUCCESSES, UNPROCESSED, match, outcome
from deliveries.outcomes import Outcome, Result

UNSENT = Outcome(Result.RETRY, message="not processed")


def success(key, record_id, created="true", **cells):
    return {"sf__Id": record_id, "sf__Created": created, "External_Id__c": key, **cells}


def test_it_finds_each_rows_result_by_its_key_in_any_order():
    rows = [{"External_Id__c": "a", "LastName": "A"}, {"External_Id__c": "b", "LastName": "B"}]
    files = {
        FAILURES: [{"sf__Id": "", "sf__Error": "X:bad:--", "External_Id__c": "b", "LastName": "B"}],
        SUCCESSES: [success("a", "003A", LastName="A")],
    }

    found = match("External_Id__c", rows, files)

    assert (found[0].kind, found[0].result["sf__Id"]) == (SUCCESSES, "003A")
    assert found[1].kind == FAILURES


def test_it_finds_a_keyless_row_by_all_of_its_cells():
    rows = [{"Id": "", "Title": "CTO"}, {"Id": "", "Title": "CEO"}, {"Id": "00Q1", "Title": "CEO"}]
    failed = [
        {"sf__Id": "", "sf__Error": "MISSING_ARGUMENT:Id not specified:--", "Id": "", "Title": "CEO"},
        {"sf__Id": "", "sf__Error": "MISSING_ARGUMENT:Id not specified:--", "Id": "", "Title": "CTO"},
    ]

    found = match(
        "Id",
        rows,
        {
            FAILURES: failed,
            SUCCESSES: [{"sf__Id": "00Q1", "sf__Created": "false", "Id": "00Q1", "Title": "CEO"}],
        },
    )

    assert found[0].result["Title"] == "CTO" and found[0].kind == FAILURES
    assert found[1].result["Title"] == "CEO" and found[1].kind == FAILURES
    assert found[2].kind == SUCCESSES


def test_a_row_without_a_result_is_unprocessed():
    assert match("Id", [{"Id": "00Q1"}], {}) == {}
    assert outcome(None, operation="update", unprocessed=UNSENT).result is Result.RETRY


def test_it_reads_created_record_id_and_errors():
    rows = [{"External_Id__c": "a"}, {"External_Id__c": "b"}, {"External_Id__c": "c"}]
    found = match(
        "External_Id__c",
        rows,
        {
            SUCCESSES: [success("a", "003A", created="false")],
            FAILURES: [
                {
                    "sf__Id": "",
                    "sf__Error": "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --",
                    "External_Id__c": "b",
                }
            ],
            UNPROCESSED: [{"External_Id__c": "c"}],
        },
    )

    updated = outcome(found[0], operation="upsert", unprocessed=UNSENT)
    assert (updated.result, updated.status_code, updated.record_id, updated.created) == (
        Result.DELIVERED,
        200,
        "003A",
        False,
    )
    failed = outcome(found[1], operation="upsert", unprocessed=UNSENT)
    assert (failed.result, failed.status_code, failed.error_code, failed.fields) == (
        Result.FAILED,
        400,
        "REQUIRED_FIELD_MISSING",
        ["LastName"],
    )
    assert failed.message == "Required fields are missing: [LastName]"
    assert outcome(found[2], operation="upsert", unprocessed=UNSENT).message == "not processed"


@given(st.lists(st.text(min_size=1, max_size=8), unique=True, max_size=30), st.randoms())
def test_every_row_gets_its_own_result_however_the_results_are_ordered(keys, rng: random.Random):
    rows = [{"External_Id__c": key, "LastName": f"L-{key}"} for key in keys]
    results = [success(key, f"id-{key}", LastName=f"L-{key}") for key in keys]
    rng.shuffle(results)

    found = match("External_Id__c", rows, {SUCCESSES: results})

    assert {position: f.result["sf__Id"] for position, f in found.items()} == {
        position: f"id-{key}" for position, key in enumerate(keys)
    }
