from django.utils import timezone

from actions.models import Action, Kind
from deliveries.holding import hold_deliveries, release_deliveries
from deliveries.models import Delivery, Status
from destinations.models import Destination
from sources.models import Event


def _delivery(action, source, status, n):
    event = Event.objects.create(
        source=source,
        message_id=f"m{n}",
        type="identify",
        timestamp=timezone.now(),
        received_at=timezone.now(),
        payload={},
    )
    return Delivery.objects.create(
        action=action, destination=action.destination, event=event, status=status, due_at=timezone.now()
    )


def test_it_holds_waiting_deliveries_and_releases_them_due_now(team, source):
    destination = Destination.objects.create(workspace=team.workspace, name="Prod")
    action = Action.objects.create(destination=destination, kind=Kind.LEAD, name="Lead")
    waiting = [
        _delivery(action, source.source, s, n) for n, s in enumerate([Status.PENDING, Status.RETRYING])
    ]
    done = _delivery(action, source.source, Status.DELIVERED, 9)

    assert hold_deliveries(destination) == 2
    assert {d.status for d in Delivery.objects.filter(pk__in=[w.pk for w in waiting])} == {Status.HELD}

    assert release_deliveries(destination) == [str(action.pk)]
    assert {d.status for d in Delivery.objects.filter(pk__in=[w.pk for w in waiting])} == {Status.PENDING}
    done.refresh_from_db()
    assert done.status == Status.DELIVERED
