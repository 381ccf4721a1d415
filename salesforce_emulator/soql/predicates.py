"""A bound WHERE clause: callables over a record, plus what narrows them.

Each predicate may carry a ``plan``: keys on fields of the FROM object such
that every record the predicate accepts holds one of a key's values. The
planner turns a plan into ``RecordSource.lookup`` calls; an OR uses its
children's plans to evaluate only the branches a record can satisfy, so a
200-branch OR costs one dictionary probe per record instead of 200 tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .values import Normalizer

Record = dict[str, Any]
Accessor = Callable[[Record], Any]


@dataclass(frozen=True)
class Key:
    """``normalize(record[field]) in matches`` holds for every accepted record."""

    field: str  # canonical name on the FROM object
    normalize: Normalizer
    matches: frozenset[Any]
    lookup: frozenset[str]  # the values to ask the record source for
    selective: bool  # an id, unique or external-id field: few records per value

    def merged(self, other: Key) -> Key:
        return Key(
            self.field,
            self.normalize,
            self.matches | other.matches,
            self.lookup | other.lookup,
            self.selective and other.selective,
        )


Plan = tuple[Key, ...]


class Predicate(ABC):
    plan: Plan | None = None

    @abstractmethod
    def __call__(self, record: Record) -> bool:
        """Whether the record satisfies the condition."""


class Test(Predicate):
    """One field expression: ``check(normalize(access(record)))``."""

    def __init__(
        self, access: Accessor, normalize: Normalizer, check: Callable[[Any], bool], plan: Plan | None
    ) -> None:
        self.access = access
        self.normalize = normalize
        self.check = check
        self.plan = plan

    def __call__(self, record: Record) -> bool:
        return self.check(self.normalize(self.access(record)))


class AllOf(Predicate):
    def __init__(self, children: Iterable[Predicate]) -> None:
        self.children = tuple(children)
        # One covered child is enough to narrow an AND; take the cheapest.
        plans = [child.plan for child in self.children if child.plan is not None]
        self.plan = min(plans, key=_cost) if plans else None

    def __call__(self, record: Record) -> bool:
        return all(child(record) for child in self.children)


class AnyOf(Predicate):
    def __init__(self, children: Iterable[Predicate]) -> None:
        self.children = tuple(children)
        self.plan = None
        self._dispatch: list[tuple[str, Normalizer, dict[Any, list[Predicate]]]] = []
        if all(child.plan is not None for child in self.children):
            self._build_dispatch()

    def _build_dispatch(self) -> None:
        keys: dict[str, Key] = {}
        tables: dict[str, dict[Any, list[Predicate]]] = {}
        for child in self.children:
            for key in child.plan or ():
                keys[key.field] = keys[key.field].merged(key) if key.field in keys else key
                table = tables.setdefault(key.field, {})
                for value in key.matches:
                    bucket = table.setdefault(value, [])
                    if not bucket or bucket[-1] is not child:
                        bucket.append(child)
        self.plan = tuple(keys.values())
        self._dispatch = [(name, keys[name].normalize, table) for name, table in tables.items()]

    def __call__(self, record: Record) -> bool:
        if not self._dispatch:
            return any(child(record) for child in self.children)
        for name, normalize, table in self._dispatch:
            for child in table.get(normalize(record.get(name)), ()):
                if child(record):
                    return True
        return False


class NoneOf(Predicate):
    """``NOT child``: never narrows, the complement is most of the object."""

    def __init__(self, child: Predicate) -> None:
        self.child = child

    def __call__(self, record: Record) -> bool:
        return not self.child(record)


def _cost(plan: Plan) -> tuple[int, int]:
    return (0 if all(key.selective for key in plan) else 1, sum(len(key.lookup) for key in plan))
