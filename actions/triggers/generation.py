"""Writing a parsed trigger back as canonical text.

Double-quoted strings, lower-case keywords, single spaces and only the
parentheses the precedence needs, so that ``parse(generate(t)) == t``.
"""

from __future__ import annotations

import json
import re

from actions.triggers.nodes import And, Call, Compare, Field, In, Node, Not, Or, Value

_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_$-]+")


def value_text(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _segment_text(segment: str | int) -> str:
    if isinstance(segment, int):
        return f"[{segment}]"
    return "".join(c if _PLAIN_SEGMENT.fullmatch(c) else "\\" + c for c in segment)


def field_text(field: Field) -> str:
    text = field.root
    for segment in field.path:
        rendered = _segment_text(segment)
        text += rendered if rendered.startswith("[") else "." + rendered
    return text


def generate(node: Node) -> str:
    if isinstance(node, Compare):
        return f"{field_text(node.field)} {node.op} {value_text(node.value)}"
    if isinstance(node, In):
        values = ", ".join(value_text(v) for v in node.values)
        return f"{field_text(node.field)} {'not in' if node.negated else 'in'} [{values}]"
    if isinstance(node, Call):
        call = f"{node.func}({field_text(node.field)}, {value_text(node.argument)})"
        return "!" + call if node.negated else call
    if isinstance(node, Not):
        return f"!({generate(node.operand)})"
    if isinstance(node, And):
        return " and ".join(f"({generate(o)})" if isinstance(o, Or) else generate(o) for o in node.operands)
    return " or ".join(generate(o) for o in node.operands)
