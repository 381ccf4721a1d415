"""Write a parsed trigger back as canonical text.

Canonical means: double-quoted strings, lower-case keywords, single spaces,
`!` for negation, and only the parentheses the tree needs. `and` binds
tighter than `or`, so an `and` inside an `or` goes bare; an `or` inside an
`and`, or a run nested in a run of the same kind, keeps its parentheses so
that reading the text back gives the same tree. A negated group is always
written `!( … )`: `!type = "track"` reads too easily as `(!type) = …`, and
`!contains(…)` already means Segment's string-only `not_contains`.
"""

from __future__ import annotations

from actions.triggers.nodes import (
    And,
    Compare,
    Contains,
    Field,
    In,
    Match,
    Not,
    Or,
    Trigger,
    Value,
    is_plain_segment_char,
)

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def generate(trigger: Trigger) -> str:
    """The canonical text of a trigger; `parse(generate(t)) == t` for every tree."""
    if isinstance(trigger, Or):
        return " or ".join(_inside(child, (Or,)) for child in trigger.children)
    if isinstance(trigger, And):
        return " and ".join(_inside(child, (And, Or)) for child in trigger.children)
    if isinstance(trigger, Not):
        return f"!({generate(trigger.operand)})"
    return condition_text(trigger)


def _inside(child: Trigger, needs_parentheses: tuple[type, ...]) -> str:
    text = generate(child)
    return f"({text})" if isinstance(child, needs_parentheses) else text


def condition_text(condition: Compare | In | Contains | Match) -> str:
    """The text of one condition."""
    field = field_text(condition.field)
    if isinstance(condition, Compare):
        return f"{field} {condition.operator} {value_text(condition.value)}"
    if isinstance(condition, In):
        values = ", ".join(value_text(value) for value in condition.values)
        return f"{field} {'not in' if condition.negated else 'in'} [{values}]"
    bang = "!" if condition.negated else ""
    if isinstance(condition, Contains):
        return f"{bang}contains({field}, {quote(condition.text)})"
    return f"{bang}match({field}, {quote(condition.pattern)})"


def field_text(field: Field) -> str:
    """`properties.product\\ 1.items[0]`: names escaped as Segment escapes them."""
    parts = [field.root]
    for segment in field.path:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        else:
            parts.append("." + "".join(c if is_plain_segment_char(c) else "\\" + c for c in segment))
    return "".join(parts)


def value_text(value: Value) -> str:
    """A literal as written in a trigger."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return quote(value)


def quote(text: str) -> str:
    """Text in double quotes, escaped so that it reads back the same."""
    out = []
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif not char.isprintable() and char != " ":
            # Control and invisible characters are spelled out, so that what
            # the editor shows is what the trigger compares.
            out.append(_unicode_escape(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _unicode_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
