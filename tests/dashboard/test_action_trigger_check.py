"""The editor's live trigger check: errors with their column, and how many recent events match."""

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.trigger_check import check
from destinations.models import Destination
from sources.models import Event
from sources.provisioning import create_source


@pytest.fixture
def target(team, source):
    destination = Destination.objects.create(workspace=team.workspace, name="Acme")
    destination.sources.add(source.source)
    return destination


def _event(source, n, payload):
    now = timezone.now()
    return Event.objects.create(
        source=source,
        message_id=f"m{n}",
        type=payload["type"],
        timestamp=now,
        received_at=now,
        payload=payload,
    )


def _url(destination):
    return reverse(
        "actions:check-trigger",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )


def test_it_counts_the_recent_events_a_trigger_matches(team, target, source):
    for n in range(3):
        _event(source.source, n, {"type": "identify", "userId": f"u{n}"})
    _event(source.source, 9, {"type": "track", "event": "Order Completed"})
    elsewhere, _ = create_source(team.workspace, "not connected")
    _event(elsewhere, 10, {"type": "identify", "userId": "other"})

    response = team.client_for("member").post(
        _url(target), {"trigger": 'type = "identify"'}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert "<html" not in body
    assert "Matches <strong>3</strong> of the last 4 events" in body


def test_it_points_at_a_syntax_error(team, target):
    response = team.client_for("owner").post(_url(target), {"trigger": 'type = "identify" and'})

    body = response.content.decode()
    assert 'role="alert"' in body
    assert "column" in body
    assert '<pre class="caret">type = &quot;identify&quot; and\n' + " " * 21 + "^</pre>" in body


def test_it_says_an_empty_trigger_takes_nothing(team, target):
    body = team.client_for("owner").post(_url(target), {"trigger": "  "}).content.decode()

    assert "takes no events" in body


def test_it_shows_the_canonical_form(team, target):
    body = team.client_for("owner").post(_url(target), {"trigger": "type = 'identify'"}).content.decode()

    assert "reads as <code>type = &quot;identify&quot;</code>" in body


def test_it_hides_the_check_from_outsiders(team, target):
    assert team.client_for("outsider").post(_url(target), {"trigger": 'type = "identify"'}).status_code == 404


def test_it_requires_csrf(team, target):
    assert team.client_for("owner", enforce_csrf=True).post(_url(target), {"trigger": "x"}).status_code == 403


def test_the_check_reports_position_and_counts_without_django():
    events = [{"type": "identify"}, {"type": "group"}]

    good = check('type = "group"', events)
    bad = check('type = "group" or', events)

    assert (good.matched, good.looked_at, good.error) == (1, 2, "")
    assert bad.error and bad.position is not None
    assert bad.pointer.endswith("^")
