"""An upsert by an external id that several records share: a multiple match, each record listed.

An external id is unique only when its field says so. When records share a
value, a Collections upsert on it fails that row with DUPLICATE_EXTERNAL_ID
(the single-record upsert answers 300). The sender merges deliveries that
name the same key before sending, so here the code can only mean that the
value matched several records already in the org: one lookup finds them,
and each such delivery ends as a multiple match listing them, as one found
by a lookup-first action does. It is final: retrying would match them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deliveries.matching import match_key
from deliveries.outcomes import MATCHES_KEPT, Outcome, Result
from deliveries.planner import Matcher, Target
from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.errors import SalesforceError
from destinations.salesforce.soql import build_lookups

SHARED_KEY = "DUPLICATE_EXTERNAL_ID"
LOOKUP_LENGTH = 16_000


def list_shared_keys(
    client: SalesforceClient,
    take_calls: Callable[[], list[Any]],
    sobject: str,
    key: Matcher,
    upserts: list[Target],
    outcomes: dict[int, Outcome],
) -> None:
    """Turn the upserts Salesforce failed for a shared key into multiple matches naming the records.

    ``take_calls`` gives the calls made since it was last asked (the lookup's,
    charged to the deliveries it served). When the lookup cannot be made,
    or finds fewer than two records, the outcomes stay as Salesforce gave them.
    """
    failed = [t for t in upserts if any(_shared(outcomes.get(d)) for d in t.delivery_ids)]
    if not failed:
        return
    take_calls()
    records: list[dict[str, Any]] = []
    try:
        queries = build_lookups(
            sobject,
            [],
            [{key.field: t.external_id} for t in failed],
            "OR",
            {key.field: key.type},
            LOOKUP_LENGTH,
        )
        for query in queries:
            records.extend(client.query(query))
    except (SalesforceError, ValueError):
        # The writes are done: nothing here may keep their outcomes from being recorded.
        return
    calls = take_calls()
    found: dict[Any, list[str]] = {}
    for record in records:
        found.setdefault(_key(key, record.get(key.field)), []).append(str(record["Id"]))
    served = [d for t in failed for d in t.delivery_ids]
    for target in failed:
        matched = sorted(set(found.get(_key(key, target.external_id), [])))
        if len(matched) < 2:
            continue
        for delivery_id in target.delivery_ids:
            outcome = outcomes[delivery_id]
            outcome.result = Result.MULTIPLE_MATCHES
            outcome.status_code = 300
            outcome.error_code = "MULTIPLE_MATCHES"
            outcome.message = (
                f'{len(matched)} {sobject} records have {key.field} "{target.external_id}": the external id '
                "is not unique in your org, so the upsert could not choose one; nothing was written."
            )
            outcome.fields = [key.field]
            outcome.matched_record_ids = matched[:MATCHES_KEPT]
            path = calls[-1].path if calls else ""
            outcome.requests.append({"method": "GET", "path": path, "soql": queries[0]})
            outcome.responses.append(
                {"status": calls[-1].status if calls else None, "body": {"totalSize": len(records)}}
            )
            outcome.api_calls += sum(1 for c in calls if c.counted) / len(served)


def _shared(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.result is Result.FAILED and outcome.error_code == SHARED_KEY


def _key(key: Matcher, value: Any) -> Any:
    return match_key(value, key.type, key.case_sensitive)
