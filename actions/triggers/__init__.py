"""Triggers: which events an action takes, in the language Segment and Customer.io use.

    type = "identify"
    event = "Order Completed" and properties.total > 100
    type = "track" and (event in ["A", "B"] or match(event, "Order *"))

A trigger copied from Customer.io or Segment means the same thing here;
their parser's sharp edges are fixed: `and` binds tighter than `or`,
parentheses nest, `!( … )` negates a group, single quotes and backslash
escapes work, `in [...]` and the fields anonymousId, groupId and previousId
exist, and anything unreadable (a dangling `and`, a bare word as a value)
is a TriggerSyntaxError with its position instead of a trigger that
silently matches nothing.

Pure Python: no Django, no I/O. Modules: `lexer` and `parser` (text to
tree), `nodes` (the tree), `evaluation` (tree to a fast closure),
`canonical` (tree to text), `explanation` (why an event does not match),
`globs` (match() patterns), `errors`.
"""

from actions.triggers.canonical import generate
from actions.triggers.errors import TriggerSyntaxError
from actions.triggers.evaluation import compile_trigger, matches
from actions.triggers.explanation import explain
from actions.triggers.nodes import And, Compare, Contains, Field, In, Match, Not, Or, Trigger
from actions.triggers.parser import parse

__all__ = [
    "And",
    "Compare",
    "Contains",
    "Field",
    "In",
    "Match",
    "Not",
    "Or",
    "Trigger",
    "TriggerSyntaxError",
    "compile_trigger",
    "explain",
    "generate",
    "matches",
    "parse",
]
