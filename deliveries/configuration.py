"""An action's stored configuration, checked before any of its deliveries is sent (no Django).

The editor and import_config refuse a bad configuration; one stored anyway
(by an older version, or written to the database by hand) must not reach a
query or a request body, nor leave its deliveries waiting: each fails with
the reason, and nothing is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actions.field_names import name_problem
from actions.validation import MATCHED_OPERATIONS, operation_problem, operator_problem
from deliveries.planner import Verdict

if TYPE_CHECKING:
    from deliveries.rendering import ActionSpec


def configuration_problem(action: ActionSpec) -> Verdict | None:
    """Why no delivery of the action can be sent as it is configured, or None."""
    problem = operation_problem(action.operation)
    if problem is None and action.operation in MATCHED_OPERATIONS:
        problem = operator_problem(action.operator)
        if problem is None and not action.matchers:
            problem = f"An action that can {action.operation} needs a record matcher to find the record."
    if problem is not None:
        return _refusal("INVALID_CONFIGURATION", problem, [])
    names = [name for name, _ in action.matchers]
    if action.operation != "delete":
        names += [*action.fields, *(name for name, _ in action.other_fields)]
    for name in names:
        problem = name_problem(str(name))
        if problem is not None:
            return _refusal("INVALID_FIELD_NAME", problem, [str(name)])
    return None


def _refusal(code: str, problem: str, fields: list[str]) -> Verdict:
    return Verdict("failed", None, code, f"Nothing was sent. {problem} Fix the action.", fields=fields)
