"""Preview: what an action would do with one event, without sending anything.

The same code as a real send decides everything shown: the trigger, the
action's validation, ``rendering.render`` for the values, and ``ChunkRun``
(planner and client) for the requests, run against a client that answers
itself (``destinations.salesforce.dry_run``). When the record is found by a
lookup, both branches are shown: no record matches, and one does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from actions.mapping.validation import validate as mapping_errors
from actions.models import Action
from actions.triggers import TriggerSyntaxError, explain, parse
from actions.validation import Errors, validate_action
from deliveries.execution import CallTrace, ChunkRun
from deliveries.outcomes import Outcome
from deliveries.planner import Item, Strategy, Verdict, strategy
from deliveries.rendering import Describe, planner_spec, render
from deliveries.sender import action_spec
from destinations.salesforce.calls import Call
from destinations.salesforce.dry_run import STAND_IN_ID, dry_run_client

# The delivery id the preview's one item carries (nothing is stored).
PREVIEW_ID = 0


@dataclass(frozen=True)
class Request:
    """One request as it would be sent: the query string decoded, the JSON body as data."""

    method: str
    path: str
    params: dict[str, str]
    body: Any

    @property
    def body_text(self) -> str:
        return "" if self.body is None else json.dumps(self.body, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class Branch:
    """One way the send can go: its title, its requests, and how the delivery would end."""

    title: str
    requests: list[Request]
    result: str
    message: str = ""


@dataclass
class Preview:
    matches: bool = False
    # Why the event does not match, or why the trigger cannot be read.
    why_not: str = ""
    errors: Errors = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    matchers: dict[str, Any] = field(default_factory=dict)
    # Why nothing would be sent for this event, before any request.
    refused: str = ""
    branches: list[Branch] = field(default_factory=list)

    @property
    def fields_text(self) -> str:
        return json.dumps(self.fields, indent=2, ensure_ascii=False)


def preview(
    action: Action,
    event: Mapping[str, Any],
    fields: Mapping[str, Any] | None,
    api_version: str,
    *,
    described: Mapping[str, Any] | None = None,
) -> Preview:
    """What ``action`` (saved or not) would do with ``event``.

    ``fields`` is the org's describe of the object's fields, if known;
    ``described`` the whole answer, whose record types tell person accounts apart.
    """
    result = Preview()
    result.matches, result.why_not = _trigger(action.trigger, event)
    result.errors = validate_action(action.settings(), fields)
    if not action.operation:
        result.refused = "Choose an operation to see the requests."
        return result
    # Evaluation trusts a mapping to have passed validation (it is saved only
    # then); the editor's unsaved contents may not have, and are not run.
    if mapping_errors(action.settings()):
        result.refused = "Fix the mapping errors above to see the requests."
        return result
    spec = action_spec(action)
    if described is not None:
        info = Describe.of_object(described)
    else:
        info = Describe(dict(fields) if fields is not None else None)
    rendered = render(spec, event, info, PREVIEW_ID)
    if isinstance(rendered, Verdict):
        result.refused = f"{rendered.error_code}: {rendered.message}"
        return result
    result.fields, result.matchers = rendered.fields, rendered.matchers
    plan = planner_spec(spec, info)
    if strategy(plan) is Strategy.LOOKUP:
        stand_in = {"Id": STAND_IN_ID, **rendered.matchers}
        result.branches = [
            _run("If no record matches", action, plan, info, rendered, api_version, []),
            _run("If one record matches", action, plan, info, rendered, api_version, [stand_in]),
        ]
    else:
        result.branches = [_run("Requests", action, plan, info, rendered, api_version, [])]
    return result


def _trigger(text: str, event: Mapping[str, Any]) -> tuple[bool, str]:
    if not text.strip():
        return False, "The action has no trigger, so it takes no events."
    try:
        why = explain(parse(text), event)
    except TriggerSyntaxError as exc:
        return False, f"The trigger cannot be read: {exc}"
    return why is None, why or ""


def _run(
    title: str,
    action: Action,
    plan: Any,
    info: Describe,
    item: Item,
    api_version: str,
    found: list[dict[str, Any]],
) -> Branch:
    calls: list[Call] = []
    trace = CallTrace()

    def seen(call: Call) -> None:
        calls.append(call)
        trace(call)

    required = action_spec(action).required_fallback
    with dry_run_client(api_version, seen, found) as client:
        outcome = ChunkRun(client, trace, plan, info, required).run([item]).get(PREVIEW_ID)
    return Branch(title, [_request(call) for call in calls], *_ending(outcome))


def _request(call: Call) -> Request:
    return Request(call.method, call.path, dict(parse_qsl(call.query)), call.request_body)


def _ending(outcome: Outcome | None) -> tuple[str, str]:
    if outcome is None:
        return "nothing", ""
    if outcome.error_code:
        return outcome.result.value, f"{outcome.error_code}: {outcome.message}"
    return outcome.result.value, outcome.message
