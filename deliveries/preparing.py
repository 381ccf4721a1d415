"""From an action's due deliveries to rendered items, before anything is sent.

Shared by the REST sender and the Bulk sender: the action as plain data,
the org's describe of its object, and each delivery rendered (or failed
alone, with a message naming the field).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from actions import catalog
from actions.models import Action
from deliveries.configuration import configuration_problem
from deliveries.execution import outcome_of_error, outcome_of_verdict
from deliveries.models import Delivery
from deliveries.outcomes import Outcome, refused
from deliveries.planner import Item, Verdict
from deliveries.rendering import ActionSpec, Describe, Renderer
from destinations.models import Destination
from destinations.salesforce import describe
from destinations.salesforce.errors import SalesforceError


@dataclass
class Prepared:
    info: Describe
    items: list[Item] = field(default_factory=list)
    # Deliveries that failed before sending: one outcome each.
    outcomes: dict[int, Outcome] = field(default_factory=dict)


def action_spec(action: Action) -> ActionSpec:
    return ActionSpec(
        sobject=action.sobject_name,
        operation=action.operation,
        fields=action.fields,
        other_fields=tuple((row["field"], row["mapping"]) for row in action.other_fields),
        matchers=tuple((row["field"], row["mapping"]) for row in action.record_matchers),
        operator=action.matcher_operator,
        clear_fields_on_null=action.clear_fields_on_null,
        required_fallback=catalog.kind(action.kind).required_to_create,
    )


def prepare(spec: ActionSpec, destination: Destination, due: list[Delivery]) -> Prepared | dict[int, Outcome]:
    """The rendered items, or one outcome per delivery when the action or its object cannot be used."""
    unsendable = configuration_problem(spec)
    if unsendable is not None:
        # A configuration no delivery can be sent with: each fails with why,
        # and nothing (not even the describe) is asked of Salesforce.
        return {d.pk: outcome_of_verdict(unsendable) for d in due}
    try:
        body = describe.describe_object(destination, spec.sobject)
    except SalesforceError as error:
        return {d.pk: outcome_of_error(error) for d in due}
    except describe.UnknownObject as unknown:
        # Known from the org's object list: no write was sent to find out.
        return {d.pk: refused("NOT_FOUND", str(unknown)) for d in due}
    prepared = Prepared(Describe.of_object(body))
    renderer = Renderer(spec, prepared.info)
    for delivery in due:
        rendered = renderer.render(delivery.event.payload, delivery.pk)
        if isinstance(rendered, Verdict):
            prepared.outcomes[delivery.pk] = outcome_of_verdict(rendered)
        else:
            prepared.items.append(rendered)
    return prepared
