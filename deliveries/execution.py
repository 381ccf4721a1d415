"""Running a chunk's plan against Salesforce and deciding each delivery's outcome.

No database here: the sender hands in rendered items and gets one Outcome per
delivery back. Each Salesforce call's cost is shared by the deliveries it
served, and each delivery keeps its own part of every request and response
(its record, its result), so a Data Out row never holds a whole batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from deliveries.concurrent_calls import Done, Waves, waves_of
from deliveries.outcomes import MATCHES_KEPT, Outcome, Result, SharedCall, refused
from deliveries.planner import (
    Item,
    Spec,
    Strategy,
    Target,
    Verdict,
    Writes,
    lookup_groups,
    missing_matcher_verdict,
    plan_after_lookup,
    plan_direct,
    strategy,
)
from deliveries.rendering import Describe, missing_required
from deliveries.shared_keys import list_shared_keys
from destinations.salesforce.calls import Call
from destinations.salesforce.client import RecordResult, SalesforceClient
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.salesforce.soql import UnusableMatcher, build_lookups
from destinations.salesforce.transport import REQUEST_TIME_LIMIT

COLLECTION_SIZE = 200
# Characters of one lookup in the URL: Salesforce caps a request line and its
# headers at 16 KB; this leaves room for the headers.
LOOKUP_LENGTH = 12_000
# A shared lookup query is kept whole on a delivery only when it is short.
_SOQL_KEPT_WHOLE = 2000

# Row errors that mean the record to write does not exist (or was deleted).
RECORD_NOT_FOUND = frozenset(
    {"NOT_FOUND", "ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "INVALID_ID_FIELD"}
)

_RESULT_OF_KIND = {
    ErrorKind.PERMANENT: Result.FAILED,
    ErrorKind.TRANSIENT: Result.RETRY,
    ErrorKind.RATE_LIMITED: Result.RATE_LIMITED,
    ErrorKind.AUTH: Result.HELD,
}


class CallTrace:
    """Collects the calls a client makes, so each can be charged to its deliveries.

    Calls are gathered per thread: the calls of a chunk run at once, and
    each thread takes the calls it made itself.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        # The org's API usage as the last answer reported it: (used, max).
        self.last_usage: tuple[int, int] | None = None
        # Calls charged to the org's quota so far (``take`` does not reset it).
        self.spent = 0

    @property
    def calls(self) -> list[Call]:
        """The calls this thread made and has not taken yet."""
        calls: list[Call] | None = getattr(self._local, "calls", None)
        if calls is None:
            calls = self._local.calls = []
        return calls

    def __call__(self, call: Call) -> None:
        self.calls.append(call)
        with self._lock:
            if call.counted:
                self.spent += 1
            if call.api_usage is not None:
                self.last_usage = call.api_usage

    def take(self) -> list[Call]:
        taken, self._local.calls = self.calls, []
        return taken


def outcome_of_error(error: SalesforceError) -> Outcome:
    return Outcome(
        result=_RESULT_OF_KIND[error.kind],
        status_code=error.status,
        error_code=error.error_code,
        message=error.message,
        fields=list(error.fields),
        retry_after=error.retry_after,
    )


def outcome_of_unknown(error: SalesforceError, waited_seconds: float, request_time_limit: float) -> Outcome:
    """A write that got no answer: look again once Salesforce can no longer be working on it."""
    return Outcome(
        result=Result.UNKNOWN,
        status_code=None,
        error_code=error.error_code,
        message=error.message,
        # Salesforce ends a request at its time limit; the request began
        # ``waited_seconds`` ago. A small margin covers clocks and queues.
        retry_after=max(0.0, request_time_limit - waited_seconds) + UNKNOWN_MARGIN_SECONDS,
    )


# Added to the wait for a write whose outcome is unknown.
UNKNOWN_MARGIN_SECONDS = 5.0


def outcome_of_verdict(verdict: Verdict) -> Outcome:
    if verdict.status_code is None:
        return refused(verdict.error_code, verdict.message, list(verdict.fields))
    result = Result.MULTIPLE_MATCHES if verdict.status == "multiple_matches" else Result.FAILED
    return Outcome(
        result=result,
        status_code=verdict.status_code,
        error_code=verdict.error_code,
        message=verdict.message,
        fields=list(verdict.fields),
        matched_record_ids=list(verdict.record_ids[:MATCHES_KEPT]),
    )


class ChunkRun:
    """One chunk of one action: lookup if needed, then the writes."""

    def __init__(
        self,
        client: SalesforceClient,
        trace: CallTrace,
        spec: Spec,
        describe: Describe,
        required_fallback: tuple[str, ...] = (),
        *,
        may_start: Callable[[], bool] | None = None,
        before_write: Callable[[list[int]], None] | None = None,
        request_time_limit: float = REQUEST_TIME_LIMIT,
        waves: Waves | None = None,
        calls_left: Callable[[], int | None] | None = None,
    ) -> None:
        self.client, self.trace, self.spec, self.describe = client, trace, spec, describe
        self.required_fallback = required_fallback
        # Asked before every call: once it says no (the sender's deadline has
        # come, its lease is in doubt), no call is started and the part not
        # sent stays due for the next sender.
        self.may_start = may_start
        # Told which deliveries a write is about to carry, before it is sent,
        # so that a worker killed during the write leaves a trace of it.
        self.before_write = before_write
        self.request_time_limit = request_time_limit
        # The lookups run at once, then the writes at once, ``waves.limit`` at
        # a time; without waves, one call at a time.
        self._waves = waves
        # How many more calls the destination's API budget allows (None: no
        # limit): a wave never starts more calls than that, since the calls
        # of a wave are all started before any of them is counted.
        self.calls_left = calls_left
        self.outcomes: dict[int, Outcome] = {}
        # The shared lookup's part of each delivery's trace and cost.
        self._lookup_requests: dict[int, list[dict[str, Any]]] = {}
        self._lookup_responses: dict[int, list[dict[str, Any]]] = {}
        self._lookup_share: dict[int, float] = {}
        self._lookup_calls: dict[int, list[SharedCall]] = {}

    def run(self, items: Sequence[Item]) -> dict[int, Outcome]:
        if self._waves is not None:
            return self._run(items)
        with Waves(1, self.trace.take) as self._waves:
            return self._run(items)

    def _run(self, items: Sequence[Item]) -> dict[int, Outcome]:
        if strategy(self.spec) is Strategy.LOOKUP:
            writes = self._lookup_then_plan(items)
        else:
            writes = plan_direct(self.spec, items)
        for delivery_id, verdict in writes.verdicts.items():
            self._finish(delivery_id, outcome_of_verdict(verdict))
        self._check_required(writes)
        self._write(writes)
        return self.outcomes

    def _lookup_then_plan(self, items: Sequence[Item]) -> Writes:
        items = list(items)
        queries = self._lookup_queries(items)
        # The lookup is theirs only for the deliveries whose values are in it:
        # one without a matcher value is refused on its own, having sent nothing.
        waiting = [item.delivery_id for item in items if missing_matcher_verdict(self.spec, item) is None]
        records: list[dict[str, Any]] = []
        for wave in waves_of(queries, self._wave_runner().limit):
            # A lookup is all or nothing for the chunk: without room for the
            # whole wave, none of it is sent.
            if self._out_of_time() or self._room_for(len(wave)) < len(wave):
                for delivery_id in waiting:
                    self._finish(delivery_id, _not_sent())
                looked_up = set(waiting)
                return plan_after_lookup(self.spec, [i for i in items if i.delivery_id not in looked_up], [])
            ends = self._wave_runner().run([partial(self.client.query, query) for query in wave])
            failed: SalesforceError | None = None
            for query, done in zip(wave, ends, strict=True):
                error = _salesforce_error(done)
                if error is None:
                    found = done.value or []
                    records.extend(found)
                    self._trace_lookup(waiting, query, done.calls, {"totalSize": len(found)})
                    continue
                self._trace_lookup(
                    waiting, query, done.calls, {"errorCode": error.error_code, "message": error.message}
                )
                failed = failed or error
            if failed is not None:
                for delivery_id in waiting:
                    self._finish(delivery_id, outcome_of_error(failed))
                # Those without a value are still refused for what they lack.
                looked_up = set(waiting)
                refusals = [item for item in items if item.delivery_id not in looked_up]
                return plan_after_lookup(self.spec, refusals, [])
        return plan_after_lookup(self.spec, items, records)

    def _wave_runner(self) -> Waves:
        assert self._waves is not None, "calls are made within run()"
        return self._waves

    def _lookup_queries(self, items: list[Item]) -> list[str]:
        """The lookups for the items; an item whose values cannot be queried fails alone.

        ``items`` loses the items that failed.
        """
        field_types = {m.field: m.type for m in self.spec.matchers}
        select = [m.field for m in self.spec.matchers if m.field != "Id"]
        while True:
            looked_up = [item for item in items if missing_matcher_verdict(self.spec, item) is None]
            groups = lookup_groups(self.spec, looked_up)
            try:
                return build_lookups(
                    self.spec.sobject, select, groups, self.spec.operator, field_types, LOOKUP_LENGTH
                )
            except UnusableMatcher as unusable:
                bad = looked_up[unusable.group_index]
                fields = [unusable.field] if unusable.field else []
                self._finish(bad.delivery_id, refused("INVALID_MATCHER_VALUE", str(unusable), fields))
                items.remove(bad)

    def _check_required(self, writes: Writes) -> None:
        if self.spec.operation not in ("create", "upsert"):
            return
        ready = []
        for target in writes.creates:
            missing = missing_required(target.fields, self.describe, self.required_fallback)
            if missing:
                verdict = Verdict(
                    "failed",
                    None,
                    "REQUIRED_FIELD_MISSING",
                    f"Required fields are missing: [{', '.join(missing)}]",
                    fields=missing,
                )
                for delivery_id in target.delivery_ids:
                    self._finish(delivery_id, outcome_of_verdict(verdict))
            else:
                ready.append(target)
        writes.creates = ready

    def _write(self, writes: Writes) -> None:
        sobject = self.spec.sobject
        batches = _batches(
            writes.creates, "POST", lambda batch: self.client.create(sobject, [t.fields for t in batch])
        )
        nothing_to_change = [t for t in writes.updates if not t.fields]
        for target in nothing_to_change:
            # Matched, but the event sets no field: nothing to send.
            for delivery_id in target.delivery_ids:
                self._finish(
                    delivery_id,
                    Outcome(Result.DELIVERED, 200, record_id=target.record_id or "", created=False),
                )
        updates = [t for t in writes.updates if t.fields]
        batches += _batches(
            updates,
            "PATCH",
            lambda batch: self.client.update(sobject, [{"Id": t.record_id, **t.fields} for t in batch]),
        )
        if writes.upserts:
            external = self.spec.matchers[0].field
            batches += _batches(
                writes.upserts,
                "PATCH",
                lambda batch: self.client.upsert(sobject, external, [t.fields for t in batch]),
            )
        batches += _batches(
            writes.deletes, "DELETE", lambda batch: self.client.delete([str(t.record_id) for t in batch])
        )
        for wave in waves_of(batches, self._wave_runner().limit, keys=_records_written):
            self._write_wave(wave)
        if writes.upserts and not self._out_of_time():
            # Upserts refused for a key that several records share become multiple matches.
            list_shared_keys(
                self.client,
                self.trace.take,
                sobject,
                self.spec.matchers[0],
                writes.upserts,
                self.outcomes,
            )

    def _write_wave(self, wave: list[_Batch]) -> None:
        room = 0 if self._out_of_time() else self._room_for(len(wave))
        for batch in wave[room:]:
            for delivery_id in batch.served:
                self._finish(delivery_id, _not_sent())
        wave = wave[:room]
        if not wave:
            return
        if self.before_write is not None:
            self.before_write([d for batch in wave for d in batch.served])
        ends = self._wave_runner().run([partial(batch.send, batch.targets) for batch in wave])
        for batch, done in zip(wave, ends, strict=True):
            error = _salesforce_error(done)
            share = _share(done.calls, batch.served)
            if error is not None:
                if error.outcome_unknown:
                    outcome = outcome_of_unknown(error, done.seconds, self.request_time_limit)
                else:
                    outcome = outcome_of_error(error)
                for target in batch.targets:
                    self._settle(target, outcome, done.calls, share, batch.method)
                continue
            results = done.value or []
            for target, result in zip(batch.targets, results, strict=True):
                self._settle(
                    target, _outcome_of_result(result, target, batch.method), done.calls, share, batch.method
                )

    def _room_for(self, wanted: int) -> int:
        """How many of ``wanted`` calls may start now, as the API budget allows."""
        left = self.calls_left() if self.calls_left is not None else None
        return wanted if left is None else max(0, min(wanted, left))

    def _out_of_time(self) -> bool:
        return self.may_start is not None and not self.may_start()

    def _settle(self, target: Target, outcome: Outcome, calls: list[Call], share: float, method: str) -> None:
        path = calls[-1].path if calls else ""
        status = calls[-1].status if calls else None
        for delivery_id in target.delivery_ids:
            each = Outcome(
                **{
                    **outcome.__dict__,
                    "requests": [],
                    "responses": [],
                    "shared": [],
                    "fields": list(outcome.fields),
                }
            )
            each.requests.append({"method": method, "path": path, "body": _body(target, method)})
            each.responses.append({"status": status, "body": _result_body(outcome)})
            each.api_calls = share
            self._finish(delivery_id, each)

    def _trace_lookup(
        self, waiting: list[int], query: str, calls: list[Call], answer: dict[str, Any]
    ) -> None:
        request = {
            "method": "GET",
            "path": calls[-1].path if calls else "",
            "soql": _kept(query, len(waiting)),
        }
        response = {"status": calls[-1].status if calls else None, "body": answer}
        shared = SharedCall(request, response, calls[-1].duration_ms if calls else None)
        share = _share(calls, waiting)
        for delivery_id in waiting:
            self._lookup_calls.setdefault(delivery_id, []).append(shared)
            self._lookup_requests.setdefault(delivery_id, []).append(request)
            self._lookup_responses.setdefault(delivery_id, []).append(response)
            self._lookup_share[delivery_id] = self._lookup_share.get(delivery_id, 0) + share

    def _finish(self, delivery_id: int, outcome: Outcome) -> None:
        outcome.requests[:0] = self._lookup_requests.get(delivery_id, [])
        outcome.responses[:0] = self._lookup_responses.get(delivery_id, [])
        outcome.api_calls += self._lookup_share.get(delivery_id, 0)
        outcome.shared = [*self._lookup_calls.get(delivery_id, []), *outcome.shared]
        if outcome.requests:
            # An upsert whose lookup found nothing, refused before creating:
            # the lookup was sent for it, so "nothing was sent" would be untrue.
            outcome.refused_before_sending = False
        self.outcomes[delivery_id] = outcome


@dataclass(frozen=True)
class _Batch:
    """One Collections call to make: its records, in order, and how to send them."""

    targets: list[Target]
    method: str
    send: Callable[[list[Target]], list[RecordResult]]

    @property
    def served(self) -> list[int]:
        return [d for t in self.targets for d in t.delivery_ids]


def _batches(
    targets: list[Target], method: str, send: Callable[[list[Target]], list[RecordResult]]
) -> list[_Batch]:
    return [
        _Batch(targets[start : start + COLLECTION_SIZE], method, send)
        for start in range(0, len(targets), COLLECTION_SIZE)
    ]


def _records_written(batch: _Batch) -> set[Any]:
    """The records a batch writes, as far as they are known before writing it."""
    keys: set[Any] = {("Id", t.record_id) for t in batch.targets if t.record_id}
    keys |= {("external", t.external_id) for t in batch.targets if t.external_id is not None}
    return keys


def _salesforce_error(done: Done[Any]) -> SalesforceError | None:
    """The call's Salesforce error; anything else it raised is raised again here."""
    if done.error is None:
        return None
    if isinstance(done.error, SalesforceError):
        return done.error
    raise done.error


def _not_sent() -> Outcome:
    return Outcome(Result.NOT_SENT, message="Not sent yet: the sender ran out of time; it goes out next.")


def _outcome_of_result(result: RecordResult, target: Target, method: str) -> Outcome:
    if result.success:
        created = result.created
        if created is None and method != "DELETE":
            # An update of a record we found: known not to be new.
            created = target.record_id is None
        return Outcome(
            Result.DELIVERED,
            201 if created else 200,
            record_id=result.id or target.record_id or "",
            created=created,
        )
    assert result.error is not None
    outcome = outcome_of_error(result.error)
    outcome.record_id = target.record_id or ""
    if outcome.result is Result.FAILED and outcome.status_code is None:
        # A row of a Collections call has no status of its own; report what
        # the single-record call would have answered. A record that is not
        # there (any more) is the seed's "no match": 404.
        outcome.status_code = 404 if target.record_id and outcome.error_code in RECORD_NOT_FOUND else 400
    return outcome


def _share(calls: list[Call], served: list[int]) -> float:
    counted = sum(1 for call in calls if call.counted)
    return counted / len(served) if served else 0.0


def _kept(query: str, sharers: int) -> str:
    if len(query) <= _SOQL_KEPT_WHOLE:
        return query
    return f"{query[:_SOQL_KEPT_WHOLE]}… ({len(query):,} characters, one lookup for {sharers} events)"


def _body(target: Target, method: str) -> Any:
    if method == "DELETE":
        return {"id": target.record_id}
    if target.record_id:
        return {"Id": target.record_id, **target.fields}
    return target.fields


def _result_body(outcome: Outcome) -> dict[str, Any]:
    if outcome.result is Result.DELIVERED:
        return {"id": outcome.record_id, "success": True, "created": outcome.created}
    return {
        "success": False,
        "errors": [{"statusCode": outcome.error_code, "message": outcome.message, "fields": outcome.fields}],
    }
