"""Matching a Bulk API 2.0 job's result files back to its rows (pure: no Django, no I/O).

Result rows come back in any order. Each echoes the cells that were
uploaded, so a row is found by its key cell (the external id value, or the
record Id), which is unique in a job because deliveries that target the same
record were merged into one row first. A row sent without a key (Salesforce
rejects it alone) is found by all of its cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deliveries.execution import RECORD_NOT_FOUND, outcome_of_error
from deliveries.outcomes import Outcome, Result
from destinations.salesforce.bulk import row_error

SUCCESSES = "successfulResults"
FAILURES = "failedResults"
UNPROCESSED = "unprocessedrecords"

Cells = Mapping[str, str]


@dataclass(frozen=True)
class Found:
    kind: str  # which file the row's result is in
    result: dict[str, str]  # the result row, sf__ columns included


def match(
    key_field: str, rows: Sequence[Cells], files: Mapping[str, list[dict[str, str]]]
) -> dict[int, Found]:
    """For each row position that has a result, the result."""
    by_key: dict[str, int] = {}
    by_cells: dict[frozenset[tuple[str, str]], list[int]] = {}
    for position, cells in enumerate(rows):
        key = cells.get(key_field, "")
        if key:
            by_key[key] = position
        else:
            by_cells.setdefault(_signature(cells), []).append(position)
    found: dict[int, Found] = {}
    for kind in (SUCCESSES, FAILURES, UNPROCESSED):
        for result in files.get(kind, []):
            at = _position(result, key_field, by_key, by_cells)
            if at is not None and at not in found:
                found[at] = Found(kind, result)
    return found


def _position(
    result: Cells,
    key_field: str,
    by_key: dict[str, int],
    by_cells: dict[frozenset[tuple[str, str]], list[int]],
) -> int | None:
    key = result.get(key_field, "")
    if key:
        return by_key.get(key)
    # Identical keyless rows are interchangeable: each takes one result.
    waiting = by_cells.get(_signature(result), [])
    return waiting.pop(0) if waiting else None


def outcome(found: Found | None, *, operation: str, unprocessed: Outcome) -> Outcome:
    """The outcome of one row's result; ``unprocessed`` for a row never attempted (or not reported)."""
    if found is None or found.kind == UNPROCESSED:
        return Outcome(
            **{**unprocessed.__dict__, "requests": [], "responses": [], "shared": [], "fields": []}
        )
    record_id = found.result.get("sf__Id", "")
    if found.kind == SUCCESSES:
        created = found.result.get("sf__Created", "").lower() == "true"
        return Outcome(Result.DELIVERED, 201 if created else 200, record_id=record_id, created=created)
    failed = outcome_of_error(row_error(found.result.get("sf__Error", "")))
    failed.record_id = record_id
    if failed.result is Result.FAILED:
        # As a REST call for this one record would have answered: a record
        # to update that is not there is 404, anything else 400.
        missing = operation == "update" and failed.error_code in RECORD_NOT_FOUND
        failed.status_code = 404 if missing else 400
    return failed


def result_body(found: Found | None) -> dict[str, Any] | None:
    """What the Data Out row shows as the record's answer: its result row's ``sf__`` cells."""
    if found is None:
        return None
    return {"file": found.kind, **{k: v for k, v in found.result.items() if k.startswith("sf__")}}


def _signature(cells: Cells) -> frozenset[tuple[str, str]]:
    return frozenset((name, value) for name, value in cells.items() if value and not name.startswith("sf__"))
