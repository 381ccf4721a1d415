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

Choices beyond what Segment defines:

- Keywords (`and or not in true false null`, and the function names) are
  read in any case and written in lower case; field names are
  case-sensitive, as the event's keys are.
- `!contains(…)` / `!match(…)` keep Segment's meaning: the field is a text
  that does not contain / match (a missing field is false). `!` before a
  condition or a parenthesised group is plain logical negation, so
  `!(contains(event, "x"))` is true when `event` is missing.
- `f in [a, b]` is `f = a or f = b`, each element with its own typing:
  `["5", 5, null]` takes the text "5", the number 5 and a missing field.
  `not in` is the exact opposite of `in`: true when the field is missing.
- `match` is a full glob (`*`, `?`, `[a-z]`, `[!a-z]`, `\\x`); Segment's
  `x*` and `*x` are special cases. Matching is linear in the text (no
  backtracking), and a text longer than 32 KB matches no pattern. A
  string escape we do not know keeps its backslash, so FQL's `'ab\\*d'`
  means a literal star.
- An empty or blank text is an error ("A trigger is required"); an action
  without a trigger is the caller's business.
- Parentheses and negations nest up to 100 levels.

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
