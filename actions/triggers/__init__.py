"""The trigger language: which events an action takes (pure: no Django, no I/O).

The subscription language of the hosted products, so that triggers copied
from them mean the same thing here, with their sharp edges fixed: ``and``
binds tighter than ``or``, parentheses nest to any depth, ``!``/``not`` work
on groups, strings take either quote and backslash escapes, ``in [...]`` and
full globs in ``match``, and every syntax error says where it is.
"""

from actions.triggers.evaluation import compile_trigger, explain, matches
from actions.triggers.generation import generate
from actions.triggers.nodes import And, Call, Compare, Field, In, Not, Or, Trigger
from actions.triggers.parsing import TriggerSyntaxError, parse

__all__ = [
    "And",
    "Call",
    "Compare",
    "Field",
    "In",
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
