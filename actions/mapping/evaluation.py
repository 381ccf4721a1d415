"""Evaluating a validated mapping against one event.

Nothing here raises on any event but MappingTooLarge (a result past its
budget): every argument shape was checked at save time by `validation`, and
every value read from the event is tested before it is used. Paths, templates and patterns are parsed once and cached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from actions.mapping import paths, templates
from actions.mapping.budget import MAX_RESULT_CHARS, MappingTooLarge, budget, check_result, spend
from actions.mapping.values import MISSING, MissingType, is_blank, json_text, scalar_text, text

Directive = Callable[[Any, Any], Any]


def evaluate(mapping: Any, event: Any, limit: int = MAX_RESULT_CHARS) -> Any | MissingType:
    """The value of a mapping for one event, or MISSING when it has none.

    Directive objects are evaluated; objects and arrays are copied with their
    members evaluated (a MISSING member is left out of an object, and is null
    in an array, as mapping-kit's output reads once serialized); anything
    else is returned as it is. Values read from the event are not copied:
    copy before changing them. The mapping must have passed `validate`.

    The text its directives build may be at most ``limit`` characters in
    all (see `budget`); past it, MappingTooLarge is raised, the only error
    evaluation raises.
    """
    with budget(limit):
        return _evaluate(mapping, event)


def _evaluate(mapping: Any, event: Any) -> Any | MissingType:
    """`evaluate` within the running budget."""
    if isinstance(mapping, dict):
        name = directive_name(mapping)
        if name is not None:
            return DIRECTIVES[name](mapping[name], event)
        out = {}
        for key, member in mapping.items():
            value = _evaluate(member, event)
            if value is not MISSING:
                out[key] = value
        return out
    if isinstance(mapping, list):
        return [None if (value := _evaluate(item, event)) is MISSING else value for item in mapping]
    return mapping


def directive_name(obj: Mapping[Any, Any]) -> str | None:
    """The `@name` of a directive object, or None for a plain object.

    Only the shapes validation lets through are recognized: one `@` key,
    optionally beside `_metadata` (which the hosted editors add).
    """
    size = len(obj)
    if size == 1:
        key = next(iter(obj))
    elif size == 2 and "_metadata" in obj:
        key = next(k for k in obj if k != "_metadata")
    else:
        return None
    return key if isinstance(key, str) and key.startswith("@") else None


class FieldTooLarge(MappingTooLarge):
    """A field's mapping would build more text than the field may hold; `field` names it."""

    def __init__(self, field: str, cause: MappingTooLarge) -> None:
        super().__init__(cause.directive, cause.size, cause.limit)
        self.field = field


def render_fields(
    fields: Mapping[str, Any], event: Any, lengths: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The Salesforce field values for one event, from an action's field mappings.

    A field whose mapping is MISSING or an empty string is left out
    (Salesforce keeps what it has); an explicit null is kept as None, for
    the sender to apply the action's "Clear fields on null" setting. The
    text a field's directives build is capped by MAX_RESULT_CHARS and by its
    length in ``lengths`` (from the org's describe) when smaller; past that,
    FieldTooLarge names the field.
    """
    return compile_fields(fields, lengths)(event)


Evaluator = Callable[[Any], Any]

# The directives that build text, and so spend the evaluation's budget.
_BUILDS_TEXT = frozenset({"@template", "@case", "@replace", "@json"})


def compile_fields(
    fields: Mapping[str, Any], lengths: Mapping[str, int] | None = None
) -> Callable[[Any], dict[str, Any]]:
    """`render_fields` for many events: the mappings are read once, then each event costs only their values.

    A sender renders a chunk of a thousand events with one action's
    mappings; dispatching on each mapping's shape again for every event
    cost more than the values themselves. Mappings that build no text need
    no budget, so they are turned into plain functions of the event; the
    others are evaluated as `evaluate` does, within their field's budget.
    """
    compiled = []
    for field, mapping in fields.items():
        if _builds_text(mapping):
            limit = min((lengths or {}).get(field) or MAX_RESULT_CHARS, MAX_RESULT_CHARS)
            compiled.append((field, _within_budget(mapping, limit)))
        else:
            compiled.append((field, _compiled(mapping)))

    def render(event: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field, evaluator in compiled:
            try:
                value = evaluator(event)
            except MappingTooLarge as exc:
                raise FieldTooLarge(field, exc) from None
            if value is MISSING or value == "":
                continue
            out[field] = value
        return out

    return render


def _builds_text(mapping: Any) -> bool:
    if isinstance(mapping, dict):
        name = directive_name(mapping)
        if name in _BUILDS_TEXT:
            return True
        members = [mapping[name]] if name is not None else list(mapping.values())
        return any(_builds_text(member) for member in members)
    if isinstance(mapping, list):
        return any(_builds_text(item) for item in mapping)
    return False


def _within_budget(mapping: Any, limit: int) -> Evaluator:
    return lambda event: evaluate(mapping, event, limit)


def _compiled(mapping: Any) -> Evaluator:
    """A mapping that builds no text as a function of the event, giving what `_evaluate` gives."""
    if isinstance(mapping, dict):
        name = directive_name(mapping)
        if name == "@path":
            steps = paths.parse(mapping[name])
            return lambda event: paths.lookup(steps, event)
        if name == "@if":
            return _compiled_if(mapping[name])
        if name is not None:
            directive, argument = DIRECTIVES[name], mapping[name]
            return lambda event: directive(argument, event)
        members = [(key, _compiled(member)) for key, member in mapping.items()]

        def an_object(event: Any) -> dict[str, Any]:
            out = {}
            for key, member in members:
                value = member(event)
                if value is not MISSING:
                    out[key] = value
            return out

        return an_object
    if isinstance(mapping, list):
        items = [_compiled(item) for item in mapping]
        return lambda event: [None if (value := item(event)) is MISSING else value for item in items]
    return lambda event: mapping


def _compiled_if(opts: dict[str, Any]) -> Evaluator:
    exists = "exists" in opts
    condition = _compiled(opts["exists"] if exists else opts["blank"])
    then = _compiled(opts["then"]) if "then" in opts else None
    otherwise = _compiled(opts["else"]) if "else" in opts else None

    def when(event: Any) -> Any:
        value = condition(event)
        holds = (value is not MISSING and value is not None) if exists else not is_blank(value)
        branch = then if holds else otherwise
        return MISSING if branch is None else branch(event)

    return when


def _path(path: str, event: Any) -> Any:
    return paths.lookup(paths.parse(path), event)


def _template(template: str, event: Any) -> str:
    # Piece by piece, so that the budget stops it before the text is built.
    pieces = []
    for part in templates.parse(template):
        piece = part if isinstance(part, str) else text(paths.lookup(part, event))
        spend("@template", len(piece))
        pieces.append(piece)
    result = "".join(pieces)
    check_result("@template", len(result))
    return result


def _literal(value: Any, event: Any) -> Any:
    # As in mapping-kit, directives inside @literal are still evaluated; it
    # exists for values that older versions would have read as templates.
    return _evaluate(value, event)


def _if(opts: dict[str, Any], event: Any) -> Any:
    if "exists" in opts:
        value = _evaluate(opts["exists"], event)
        holds = value is not MISSING and value is not None
    else:
        holds = not is_blank(_evaluate(opts["blank"], event))
    # A missing branch leaves the field out. Unlike mapping-kit, an "else"
    # of 0, "" or false is used like any other value.
    branch = "then" if holds else "else"
    return _evaluate(opts[branch], event) if branch in opts else MISSING


def _case(opts: dict[str, Any], event: Any) -> Any:
    value = _evaluate(opts["value"], event)
    if isinstance(value, str):
        # Case mapping may lengthen a text ("ß" → "SS"), at most threefold.
        cased = value.lower() if opts["operator"] == "lower" else value.upper()
        check_result("@case", len(cased))
        spend("@case", len(cased))
        return cased
    return value


@lru_cache(maxsize=1024)
def _caseless(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern), re.IGNORECASE)


def _replace_once(value: str, pattern: str, replacement: str, everywhere: bool, ignorecase: bool) -> str:
    # Counted before building: replacing is how a short mapping builds a huge text.
    found = sum(1 for _ in _caseless(pattern).finditer(value)) if ignorecase else value.count(pattern)
    if not everywhere:
        found = min(found, 1)
    size = len(value) + found * (len(replacement) - len(pattern))
    check_result("@replace", size)
    spend("@replace", size)
    if not ignorecase:
        return value.replace(pattern, replacement, -1 if everywhere else 1)
    # A function, so that "\1" or "$&" in the replacement are plain text.
    return _caseless(pattern).sub(lambda _: replacement, value, count=0 if everywhere else 1)


def _replace(opts: dict[str, Any], event: Any) -> str:
    value = scalar_text(_evaluate(opts["value"], event))
    if value is None:
        # mapping-kit's answer for a missing, null, object or array value.
        return ""
    everywhere = opts.get("global", True)
    ignorecase = opts.get("ignorecase", False)
    value = _replace_once(value, opts["pattern"], opts.get("replacement", ""), everywhere, ignorecase)
    if "pattern2" in opts:
        value = _replace_once(value, opts["pattern2"], opts.get("replacement2", ""), everywhere, ignorecase)
    return value


def _array_path(args: list[Any], event: Any) -> Any:
    source = args[0]
    root = _path(source, event) if isinstance(source, str) else _evaluate(source, event)
    shape = args[1] if len(args) > 1 else None
    if shape and isinstance(root, dict | list):
        # A single object stands for a list of one; each item is the event
        # its shape's paths are read from.
        items = root if isinstance(root, list) else [root]
        return [None if (value := _evaluate(shape, item)) is MISSING else value for item in items]
    return root


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(opts: dict[str, Any], event: Any) -> Any:
    value = _evaluate(opts["value"], event)
    if value is MISSING:
        return MISSING
    if opts["mode"] == "encode":
        try:
            encoded = json_text(value, on_write=lambda size: spend("@json", size))
        except RecursionError:
            return MISSING
        check_result("@json", len(encoded))
        return encoded
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # Text that is not JSON stays the text it was.
        return value


def _merge(opts: dict[str, Any], event: Any) -> dict[str, Any]:
    objects = [_evaluate(item, event) for item in opts["objects"]]
    if opts.get("direction", "right") == "left":
        objects.reverse()
    merged: dict[str, Any] = {}
    for obj in objects:
        # Only objects merge: mapping-kit would spread a string's characters.
        if isinstance(obj, dict):
            merged.update(obj)
    return merged


def _flatten(opts: dict[str, Any], event: Any) -> Any:
    value = _evaluate(opts["value"], event)
    keep_arrays = opts.get("omitArrays", False)
    if not isinstance(value, dict) and (keep_arrays or not isinstance(value, list)):
        # Nothing to flatten: mapping-kit would answer {"": value}.
        return value
    separator = opts["separator"]
    flat: dict[str, Any] = {}
    # Depth-first with a stack, as events may nest deeper than recursion allows.
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        prefix, node = pending.pop()
        if isinstance(node, dict):
            members = list(node.items())
        elif isinstance(node, list) and not keep_arrays:
            members = [(str(i), item) for i, item in enumerate(node)]
        else:
            flat[prefix] = node
            continue
        for key, item in reversed(members):
            pending.append((f"{prefix}{separator}{key}" if prefix else key, item))
    return flat


def _exclude_when_null(value: Any, event: Any) -> Any:
    resolved = _evaluate(value, event)
    if resolved is None:
        return MISSING
    if isinstance(resolved, dict):
        try:
            return _without_nulls(resolved)
        except RecursionError:
            return resolved
    return resolved


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


DIRECTIVES: dict[str, Directive] = {
    "@path": _path,
    "@template": _template,
    "@literal": _literal,
    "@if": _if,
    "@case": _case,
    "@replace": _replace,
    "@arrayPath": _array_path,
    "@json": _json,
    "@merge": _merge,
    "@flatten": _flatten,
    "@excludeWhenNull": _exclude_when_null,
}
