"""Building mappings for the kinds' defaults, and reading them for the action editor."""

from __future__ import annotations

from typing import Any

from actions.mapping import chains, paths, templates
from actions.mapping.evaluation import directive_name


def path(p: str) -> dict[str, Any]:
    """The mapping that reads one path: `{"@path": p}`."""
    return {"@path": p}


def coalesce(a: str, b: str) -> dict[str, Any]:
    """The value at path `a` when present and not null, else the value at path `b`.

    This is the `traits.x | properties.x` default of the catalog, written the
    way the hosted products write it, so that it reads the same in both.
    """
    return chains.chain([a, b])


def paths_used(mapping: Any) -> set[str]:
    """Every event path a mapping reads, written canonically (`traits.tags[1]`, no `$.`).

    The paths an @arrayPath item shape reads are relative to each item; they
    are listed under the array's path with `[]`, as in
    `properties.products[].sku`. The whole event is "". Paths that do not
    parse are skipped, so that a half-typed mapping can still be previewed.
    """
    found: set[str] = set()
    _collect(mapping, found, 0)
    return found


def _collect(mapping: Any, found: set[str], depth: int) -> None:
    if depth > 64:
        return
    if isinstance(mapping, list):
        for item in mapping:
            _collect(item, found, depth + 1)
        return
    if not isinstance(mapping, dict):
        return
    name = directive_name(mapping)
    if name is None:
        for member in mapping.values():
            _collect(member, found, depth + 1)
        return
    arg = mapping[name]
    if name == "@path":
        _add_path(arg, found)
    elif name == "@template":
        if isinstance(arg, str) and templates.error(arg) is None:
            found.update(paths.canonical(steps) for steps in templates.steps_used(arg))
    elif name == "@arrayPath" and isinstance(arg, list) and arg:
        roots: set[str] = set()
        if isinstance(arg[0], str):
            _add_path(arg[0], roots)
        else:
            _collect(arg[0], roots, depth + 1)
        found |= roots
        if len(arg) > 1:
            relative: set[str] = set()
            _collect(arg[1], relative, depth + 1)
            found.update(_under(root, rel) for root in roots for rel in relative)
    else:
        _collect(arg, found, depth + 1)


def _add_path(text: Any, found: set[str]) -> None:
    if isinstance(text, str) and paths.error(text) is None:
        found.add(paths.canonical(paths.parse(text)))


def _under(root: str, relative: str) -> str:
    if not relative or relative.startswith("["):
        return f"{root}[]{relative}"
    return f"{root}[].{relative}"
