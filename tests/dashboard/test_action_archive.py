"""Deleting an action from the dashboard: a confirmation that says what is kept, the archive, and restore."""

import re

from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery, Status
from sources.models import Event
from tests.dashboard.action_pages import action_url as _url


def _action(destination, **values):
    defaults = {"kind": "account", "name": "Accounts", "trigger": 'type = "group"', "operation": "create"}
    return Action.objects.create(destination=destination, **{**defaults, **values})


def _delivery(action, source, status=Status.DELIVERED, **values):
    event = Event.objects.create(
        source=source.source,
        message_id=f"m-{Event.objects.count()}",
        type="group",
        payload={"type": "group", "groupId": "g1"},
        timestamp=timezone.now(),
        received_at=timezone.now(),
    )
    return Delivery.objects.create(
        action=action,
        destination=action.destination,
        event=event,
        status=status,
        due_at=timezone.now(),
        **values,
    )


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_it_asks_first_and_says_the_history_is_kept(team, target, source):
    action = _action(target)
    _delivery(action, source)
    _delivery(action, source, status=Status.PENDING)

    page = _text(team.client_for("member").get(_url(target, "delete", action_id=action.pk)))

    assert "Delete the action Accounts?" in page
    assert "Its Data Out history is kept: 2 deliveries stay readable in Data Out" in page
    assert "you can restore it" in page
    assert "1 delivery is still waiting to be sent and will not be sent" in page
    assert Action.live.filter(pk=action.pk).exists()


def test_the_editor_links_to_the_confirmation_without_inline_script(team, target):
    action = _action(target)

    page = team.client_for("owner").get(_url(target, "edit", action_id=action.pk)).content.decode()

    assert f'href="{_url(target, "delete", action_id=action.pk)}">Delete action…</a>' in page
    assert "onsubmit" not in page and "confirm(" not in page


def test_it_archives_on_confirmation_and_keeps_the_deliveries(team, target, source):
    action = _action(target)
    delivered = _delivery(action, source)

    response = team.client_for("member").post(_url(target, "delete", action_id=action.pk), follow=True)

    assert Action.objects.get(pk=action.pk).archived_at is not None
    assert Delivery.objects.get(pk=delivered.pk).status == Status.DELIVERED
    assert "Its Data Out history is kept" in _text(response)


def test_data_out_still_lists_an_archived_actions_deliveries(team, target, source):
    action = _action(target)
    delivered = _delivery(action, source)
    team.client_for("owner").post(_url(target, "delete", action_id=action.pk))
    data_out = reverse(
        "deliveries:data-out", kwargs={"workspace_id": target.workspace_id, "destination_id": target.pk}
    )

    page = team.client_for("owner").get(data_out, {"action": str(action.pk)}).content.decode()

    assert f'id="delivery-{delivered.pk}"' in page


def test_the_tab_hides_archived_actions_and_links_to_them(team, target):
    _action(target, name="Kept")
    gone = _action(target, name="Gone")
    team.client_for("owner").post(_url(target, "delete", action_id=gone.pk))

    page = team.client_for("owner").get(_url(target)).content.decode()

    assert "Kept" in page and ">Gone</a>" not in page
    assert f'href="{_url(target, "archived")}">Archived actions (1)</a>' in page


def test_it_lists_archived_actions_with_a_restore_button(team, target):
    gone = _action(target, name="Gone")
    team.client_for("owner").post(_url(target, "delete", action_id=gone.pk))

    page = team.client_for("member").get(_url(target, "archived")).content.decode()

    assert ">Gone</a>" in page
    assert f'action="{_url(target, "restore", action_id=gone.pk)}"' in page
    assert f"?action={gone.pk}" in page


def test_it_restores_an_action_as_it_was(team, target):
    gone = _action(target, name="Gone", enabled=False)
    client = team.client_for("member")
    client.post(_url(target, "delete", action_id=gone.pk))

    response = client.post(_url(target, "restore", action_id=gone.pk), follow=True)

    restored = Action.live.get(pk=gone.pk)
    assert restored.enabled is False
    assert "restored and off, as it was" in _text(response)


def test_it_refuses_to_switch_an_archived_action(team, target):
    gone = _action(target)
    client = team.client_for("owner")
    client.post(_url(target, "delete", action_id=gone.pk))

    assert client.post(_url(target, "toggle", action_id=gone.pk), {"enabled": "on"}).status_code == 404


def test_the_archived_actions_page_says_so_and_refuses_to_save(team, target):
    gone = _action(target)
    client = team.client_for("owner")
    client.post(_url(target, "delete", action_id=gone.pk))

    page = client.get(_url(target, "edit", action_id=gone.pk)).content.decode()
    response = client.post(
        _url(target, "edit", action_id=gone.pk), {"name": "Renamed", "operation": "create"}
    )

    assert "This action is deleted." in page and "Restore action" in page
    assert response.status_code == 409
    assert Action.objects.get(pk=gone.pk).name == "Accounts"


def test_it_keeps_outsiders_from_archiving_and_restoring(team, target):
    action = _action(target)
    outsider = team.client_for("outsider")

    assert outsider.post(_url(target, "delete", action_id=action.pk)).status_code == 404
    assert outsider.get(_url(target, "archived")).status_code == 404
    Action.objects.filter(pk=action.pk).update(archived_at=timezone.now())
    assert outsider.post(_url(target, "restore", action_id=action.pk)).status_code == 404
    assert Action.objects.get(pk=action.pk).archived_at is not None


def test_it_names_a_new_action_after_its_kind_without_repeating_a_name(team, target):
    _action(target, kind="lead", name="Lead")

    page = team.client_for("owner").get(_url(target, "new", kind="lead")).content.decode()

    assert 'name="name" value="Lead 2"' in page
