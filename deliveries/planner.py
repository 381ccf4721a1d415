"""Planning the fewest Salesforce calls for a chunk of deliveries (pure).

The seed's per-record semantics are kept exactly: create makes one record per
event; update, upsert and delete find the record through the record matchers
(joined by OR or AND): no match fails update and delete (404) and makes
upsert create; one match is written; several match nothing is written
(status 300, never retried). What changes is the cost: a chunk shares one
lookup and Collections calls of up to 200 records, and deliveries that target
the same record are merged, in arrival order, into one write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from deliveries.matching import match_key


class Strategy(StrEnum):
    CREATE = "create"
    # update or delete whose only matcher is the record Id: no lookup.
    BY_ID = "by_id"
    # upsert whose only matcher is an external-id field: Salesforce matches.
    BY_EXTERNAL_ID = "by_external_id"
    # any other matcher set: one SOQL lookup for the chunk, then writes.
    LOOKUP = "lookup"


@dataclass(frozen=True)
class Matcher:
    field: str
    type: str = "string"
    case_sensitive: bool = False
    createable: bool = True
    external_id: bool = False

    def key(self, value: Any) -> Any:
        return match_key(value, self.type, self.case_sensitive)


@dataclass(frozen=True)
class Spec:
    sobject: str
    operation: str
    matchers: tuple[Matcher, ...] = ()
    operator: Literal["AND", "OR"] = "OR"


@dataclass(frozen=True)
class Item:
    """One rendered delivery: its field values and its matcher values (present ones only)."""

    delivery_id: int
    fields: dict[str, Any]
    matchers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Target:
    """One record to write, and the deliveries that asked for it, in order."""

    delivery_ids: list[int]
    fields: dict[str, Any]
    record_id: str | None = None
    external_id: Any = None


@dataclass(frozen=True)
class Verdict:
    """A delivery's final outcome, decided without writing anything."""

    status: str  # "failed" or "multiple_matches"
    # What Salesforce answers in the same case (404 no match, 300 several);
    # None for a refusal by our own checks, which Salesforce never sees.
    status_code: int | None
    error_code: str
    message: str
    record_ids: tuple[str, ...] = ()
    fields: list[str] = field(default_factory=list)


@dataclass
class Writes:
    creates: list[Target] = field(default_factory=list)
    updates: list[Target] = field(default_factory=list)
    upserts: list[Target] = field(default_factory=list)
    deletes: list[Target] = field(default_factory=list)
    verdicts: dict[int, Verdict] = field(default_factory=dict)


def strategy(spec: Spec) -> Strategy:
    if spec.operation == "create":
        return Strategy.CREATE
    only = spec.matchers[0] if len(spec.matchers) == 1 else None
    if only is not None and only.field == "Id" and spec.operation in ("update", "delete"):
        return Strategy.BY_ID
    if only is not None and only.external_id and spec.operation == "upsert":
        return Strategy.BY_EXTERNAL_ID
    return Strategy.LOOKUP


def missing_matcher_verdict(spec: Spec, item: Item) -> Verdict | None:
    """A failure when the event lacks the matcher values its operator needs."""
    if spec.operation == "create":
        return None
    names = [m.field for m in spec.matchers]
    absent = [name for name in names if item.matchers.get(name) is None]
    if spec.operator == "AND" and absent:
        return Verdict(
            "failed",
            None,
            "MISSING_MATCHER_VALUE",
            f"Record matcher {', '.join(absent)} has no value in this event.",
        )
    if len(absent) == len(names):
        return Verdict(
            "failed",
            None,
            "MISSING_MATCHER_VALUE",
            f"No record matcher has a value in this event ({', '.join(names)}).",
        )
    return None


def plan_direct(spec: Spec, items: Sequence[Item]) -> Writes:
    """Writes for the strategies that need no lookup."""
    writes = Writes()
    kind = strategy(spec)
    usable = _with_matcher_values(spec, items, writes)
    if kind is Strategy.CREATE:
        writes.creates = [Target([item.delivery_id], dict(item.fields)) for item in usable]
    elif kind is Strategy.BY_ID:
        matcher = spec.matchers[0]
        targets = _merge_by_key(usable, lambda item: matcher.key(item.matchers["Id"]))
        for target, first in targets:
            target.record_id = first.matchers["Id"]
        (writes.deletes if spec.operation == "delete" else writes.updates).extend(t for t, _ in targets)
    elif kind is Strategy.BY_EXTERNAL_ID:
        matcher = spec.matchers[0]
        for target, first in _merge_by_key(usable, lambda item: matcher.key(item.matchers[matcher.field])):
            target.external_id = first.matchers[matcher.field]
            target.fields[matcher.field] = target.external_id
            writes.upserts.append(target)
    else:
        raise ValueError("a lookup strategy is planned with lookup_groups and plan_after_lookup")
    return writes


def lookup_groups(spec: Spec, items: Sequence[Item]) -> list[dict[str, Any]]:
    """The matcher values to look up, one group per item that has them."""
    return [
        {name: value for name, value in item.matchers.items() if value is not None}
        for item in items
        if missing_matcher_verdict(spec, item) is None
    ]


def plan_after_lookup(spec: Spec, items: Sequence[Item], records: Iterable[dict[str, Any]]) -> Writes:
    """Writes once the lookup has returned the records the chunk's matchers match."""
    writes = Writes()
    usable = _with_matcher_values(spec, items, writes)
    index = _index(spec, records)
    creates: list[Item] = []
    updates: list[tuple[str, Item]] = []
    for item in usable:
        matched = _matches(spec, item, index)
        if len(matched) > 1:
            ids = tuple(sorted(matched))
            writes.verdicts[item.delivery_id] = Verdict(
                "multiple_matches",
                300,
                "MULTIPLE_MATCHES",
                f"{len(ids)} {spec.sobject} records match {_describe(spec, item)}; nothing was written.",
                ids,
            )
        elif matched:
            updates.append((next(iter(matched)), item))
        elif spec.operation == "upsert":
            creates.append(item)
        else:
            writes.verdicts[item.delivery_id] = Verdict(
                "failed", 404, "NOT_FOUND", f"No {spec.sobject} record matches {_describe(spec, item)}."
            )
    record_of = _record_of(updates)
    for target, first in _merge_by_key([item for _, item in updates], record_of):
        target.record_id = record_of(first)
        if spec.operation == "delete":
            target.fields = {}
            writes.deletes.append(target)
        else:
            writes.updates.append(target)
    writes.creates = _plan_creates(spec, creates)
    return writes


def _with_matcher_values(spec: Spec, items: Sequence[Item], writes: Writes) -> list[Item]:
    usable = []
    for item in items:
        verdict = missing_matcher_verdict(spec, item)
        if verdict is None:
            usable.append(item)
        else:
            writes.verdicts[item.delivery_id] = verdict
    return usable


def _merge_by_key(items: Sequence[Item], key_of: Any) -> list[tuple[Target, Item]]:
    """Targets for items grouped by key, fields merged in order (the later event wins)."""
    targets: dict[Any, tuple[Target, Item]] = {}
    for item in items:
        key = key_of(item)
        if key in targets:
            target, _ = targets[key]
            target.delivery_ids.append(item.delivery_id)
            target.fields.update(item.fields)
        else:
            targets[key] = (Target([item.delivery_id], dict(item.fields)), item)
    return list(targets.values())


def _record_of(updates: list[tuple[str, Item]]) -> Any:
    by_delivery = {item.delivery_id: record_id for record_id, item in updates}
    return lambda item: by_delivery[item.delivery_id]


Index = dict[tuple[str, Any], set[str]]


def _index(spec: Spec, records: Iterable[dict[str, Any]]) -> Index:
    index: Index = {}
    for record in records:
        for matcher in spec.matchers:
            value = record.get(matcher.field)
            if value is not None:
                index.setdefault((matcher.field, matcher.key(value)), set()).add(record["Id"])
    return index


def _matches(spec: Spec, item: Item, index: Index) -> set[str]:
    found: list[set[str]] = [
        index.get((matcher.field, matcher.key(item.matchers[matcher.field])), set())
        for matcher in spec.matchers
        if item.matchers.get(matcher.field) is not None
    ]
    if spec.operator == "AND":
        return set.intersection(*found) if found else set()
    return set().union(*found)


def _plan_creates(spec: Spec, items: list[Item]) -> list[Target]:
    """One record per set of events that would all have matched it.

    With AND, events with equal matcher values share a record; with OR,
    events sharing any matcher value do (transitively), so that the next
    event finds one record, not several.
    """
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Any, int] = {}
    for position, item in enumerate(items):
        keys = _create_keys(spec, item)
        for key in keys:
            if key in owner:
                parent[root(position)] = root(owner[key])
            else:
                owner[key] = position
        root(position)
    groups: dict[int, Target] = {}
    for position, item in enumerate(items):
        seed = {
            m.field: item.matchers[m.field]
            for m in spec.matchers
            if m.createable and m.field in item.matchers
        }
        group = root(position)
        if group in groups:
            groups[group].delivery_ids.append(item.delivery_id)
            groups[group].fields.update(seed | item.fields)
        else:
            groups[group] = Target([item.delivery_id], seed | dict(item.fields))
    return list(groups.values())


def _create_keys(spec: Spec, item: Item) -> list[Any]:
    present = [
        (m.field, m.key(item.matchers[m.field]))
        for m in spec.matchers
        if item.matchers.get(m.field) is not None
    ]
    return [tuple(present)] if spec.operator == "AND" else present


def _describe(spec: Spec, item: Item) -> str:
    joiner = f" {spec.operator} "
    return joiner.join(
        f"{m.field} = {json.dumps(item.matchers[m.field], ensure_ascii=False)}"
        for m in spec.matchers
        if item.matchers.get(m.field) is not None
    )
