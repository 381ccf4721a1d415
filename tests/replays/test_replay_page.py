"""The replay page: a dry-run count first, then a replay in the background with its progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliveries.models import Delivery
from replays import running
from replays.models import Replay
from tests.engine.conftest import identify, make_action, send
from tests.replays.conftest import around_now

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def page_url(destination) -> str:
    return reverse(
        "replays:replay", kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk}
    )


def form(action, **extra: str) -> dict[str, str]:
    start, end = around_now()
    return {"action": str(action.pk), "start": start.strftime(FORMAT), "end": end.strftime(FORMAT), **extra}


@pytest.fixture
def action(destination, source):
    send(
        source,
        identify("a", email="a@x.io"),
        identify("b", email="b@x.io"),
        {"type": "track", "userId": "c", "event": "E"},
    )
    return make_action(destination, "lead", "create", name="Backfill", trigger='type = "identify"')


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_shows_the_page_to_members(team, destination, who) -> None:
    response = team.client_for(who).get(page_url(destination))

    assert response.status_code == 200
    assert b"Count events" in response.content


def test_it_hides_the_page_and_its_progress_from_outsiders(team, destination, action) -> None:
    start, end = around_now()
    replay = running.start(action, start, end, queue=False)
    outsider = team.client_for("outsider")
    progress = reverse(
        "replays:progress",
        kwargs={
            "workspace_id": destination.workspace_id,
            "destination_id": destination.pk,
            "replay_id": replay.pk,
        },
    )

    assert outsider.get(page_url(destination)).status_code == 404
    assert outsider.post(page_url(destination), form(action, start_replay="1")).status_code == 404
    assert outsider.get(progress).status_code == 404
    assert Replay.objects.count() == 1


def test_it_counts_first_and_creates_nothing(team, destination, action) -> None:
    response = team.client_for("member").post(page_url(destination), form(action, count_events="1"))

    page = response.content.decode()
    assert "The trigger takes <strong>2</strong> of the 3 events" in page
    assert '<strong id="replay-to-send">2</strong>' in page
    assert not Replay.objects.exists() and not Delivery.objects.filter(action=action).exists()


def test_it_starts_a_replay_in_the_background(
    team, destination, action, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        response = team.client_for("member").post(page_url(destination), form(action, start_replay="1"))

    replay = Replay.objects.get()
    assert response.status_code == 302
    assert (replay.action_id, replay.state, replay.total, replay.requested_by) == (
        action.pk,
        "queued",
        3,
        team.member,
    )
    assert len(queued) == 1  # the task, once committed
    running.run(replay.pk)  # what the worker does
    progress = team.client_for("member").get(
        reverse(
            "replays:progress",
            kwargs={
                "workspace_id": destination.workspace_id,
                "destination_id": destination.pk,
                "replay_id": replay.pk,
            },
        )
    )
    assert progress.json() == {
        "state": "done",
        "percent": 100,
        "total": 3,
        "looked_at": 3,
        "matched": 2,
        "created": 2,
        "error": "",
    }


def test_it_refuses_a_range_that_ends_before_it_starts(team, destination, action) -> None:
    start, end = around_now()
    data = form(action, start_replay="1", start=end.strftime(FORMAT), end=start.strftime(FORMAT))

    response = team.client_for("member").post(page_url(destination), data)

    assert response.status_code == 400
    assert b"The end must be after the start." in response.content
    assert not Replay.objects.exists()


def test_it_refuses_an_action_of_another_destination(team, destination, action) -> None:
    from destinations.models import Destination

    other = Destination.objects.create(workspace=team.workspace, name="Other")
    foreign = make_action(other, "lead", "create", name="Foreign")

    response = team.client_for("member").post(page_url(destination), form(foreign, start_replay="1"))

    assert response.status_code == 400
    assert not Replay.objects.exists()


def test_the_actions_tab_links_each_action_to_its_replay(team, destination, action) -> None:
    actions_tab = reverse(
        "actions:list", kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk}
    )

    page = team.client_for("member").get(actions_tab).content.decode()
    replay = team.client_for("member").get(f"{page_url(destination)}?action={action.pk}").content.decode()

    assert f'href="{page_url(destination)}?action={action.pk}"' in page
    assert f'<option value="{action.pk}" selected>Backfill</option>' in replay
