"""The paths found in recent events, offered by the editor's value pickers (no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_DEPTH = 5
MAX_PATHS = 400


def paths_in(events: Iterable[Mapping[str, Any]], limit: int = MAX_PATHS) -> list[str]:
    """``$.``-paths of the leaves of ``events`` (an array's first item stands for all), sorted."""
    found: set[str] = set()
    for event in events:
        _walk(event, "$", found, 0)
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


def _walk(value: Any, prefix: str, found: set[str], depth: int) -> None:
    if isinstance(value, Mapping) and value and depth < MAX_DEPTH:
        for key, member in value.items():
            if isinstance(key, str) and key and not any(c in key for c in ".[]"):
                _walk(member, f"{prefix}.{key}", found, depth + 1)
    elif isinstance(value, list) and value and depth < MAX_DEPTH:
        _walk(value[0], f"{prefix}[0]", found, depth + 1)
    elif prefix != "$":
        found.add(prefix)
