"""Who may do what, route by route: owner, editor, viewer and outsider over every workspace route.

Owners manage members; editors change sources, destinations, actions, keys
and retries; viewers read every page, Data Out and its CSV, and change
nothing; outsiders cannot learn that anything exists (404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery
from destinations.models import Destination
from replays.models import Replay
from sources.models import Source
from tests.dashboard.data_out_support import BLOCKED_DOMAIN, block_emails, lead, sent
from tests.engine.conftest import destination, sf  # noqa: F401
from workspaces.invitations import invite
from workspaces.models import Invitation, Membership, Role

READ, EDIT, OWN, ANY = "read", "edit", "own", "any member"

# Every route under a workspace, with the role it needs for that method.
ROUTES: list[tuple[str, str, str]] = [
    ("workspaces:connections", "GET", READ),
    ("workspaces:members", "GET", READ),
    ("workspaces:members", "POST", OWN),
    ("workspaces:remove-member", "POST", OWN),
    ("workspaces:revoke-invitation", "POST", OWN),
    ("workspaces:leave", "POST", ANY),
    ("sources:list", "GET", READ),
    ("sources:create", "POST", EDIT),
    ("sources:detail", "GET", READ),
    ("sources:rotate", "POST", EDIT),
    ("sources:end_grace", "POST", EDIT),
    ("sources:delete", "POST", EDIT),
    ("destinations:list", "GET", READ),
    ("destinations:add", "GET", EDIT),
    ("destinations:create", "GET", EDIT),
    ("destinations:create", "POST", EDIT),
    ("destinations:enable", "POST", EDIT),
    ("destinations:detail", "GET", READ),
    ("destinations:settings", "POST", EDIT),
    ("destinations:connect", "POST", EDIT),
    ("destinations:disconnect", "POST", EDIT),
    ("destinations:refresh-metadata", "POST", EDIT),
    ("destinations:confirm-org", "GET", EDIT),
    ("destinations:confirm-org", "POST", EDIT),
    ("destinations:cancel-org", "POST", EDIT),
    ("actions:list", "GET", READ),
    ("actions:archived", "GET", READ),
    ("actions:new", "GET", EDIT),
    ("actions:new", "POST", EDIT),
    ("actions:check-trigger", "POST", EDIT),
    ("actions:events", "GET", READ),
    ("actions:preview", "POST", EDIT),
    ("actions:edit", "GET", READ),
    ("actions:edit", "POST", EDIT),
    ("actions:send-test", "GET", EDIT),
    ("actions:send-test", "POST", EDIT),
    ("actions:toggle", "POST", EDIT),
    ("actions:delete", "GET", EDIT),
    ("actions:delete", "POST", EDIT),
    ("actions:restore", "POST", EDIT),
    ("deliveries:data-out", "GET", READ),
    ("deliveries:export-csv", "GET", READ),
    ("deliveries:detail", "GET", READ),
    ("deliveries:retry", "POST", EDIT),
    ("deliveries:retry-failed", "POST", EDIT),
    ("alerts:settings", "GET", READ),
    ("alerts:settings", "POST", EDIT),
    ("replays:replay", "GET", READ),
    ("replays:replay", "POST", EDIT),
    ("replays:progress", "GET", READ),
]
ROUTE_IDS = [f"{method} {name}" for name, method, _ in ROUTES]


@dataclass
class Scene:
    """A workspace with one of everything a route can name."""

    ids: dict[str, Any]

    def url(self, name: str) -> str:
        wanted = _parameters_of(name)
        return reverse(name, kwargs={key: self.ids[key] for key in wanted})


@pytest.fixture
def scene(team, sf, destination, source):  # noqa: F811
    block_emails(sf.org)
    action = sent(sf, destination, source, lead("u1", f"u1{BLOCKED_DOMAIN}"))
    delivery = Delivery.objects.get(action=action)
    return Scene(
        {
            "workspace_id": team.workspace.pk,
            "source_id": source.source.pk,
            "destination_id": destination.pk,
            "action_id": action.pk,
            "delivery_id": delivery.pk,
            "membership_id": Membership.objects.get(workspace=team.workspace, user=team.member).pk,
            "invitation_id": invite(team.workspace, "ada@example.com", Role.VIEWER, team.owner)[0].pk,
            "confirmation_id": "unknown",
            "kind": "lead",
            "replay_id": Replay.objects.create(
                action=action, start=timezone.now() - timedelta(days=1), end=timezone.now()
            ).pk,
        }
    )


def _state() -> list[list[Any]]:
    """Everything a route could change, as rows."""
    models: list[Any] = [Membership, Invitation, Source, Destination, Action, Delivery]
    return [list(model.objects.order_by("pk").values()) for model in models]


def _request(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url)


@pytest.mark.parametrize(("name", "method", "needs"), ROUTES, ids=ROUTE_IDS)
def test_a_viewer_reads_every_page_and_changes_nothing(team, scene, name, method, needs):
    before = _state()

    response = _request(team.client_for("viewer"), method, scene.url(name))

    if needs == ANY:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if needs == READ else 403)
        assert _state() == before


@pytest.mark.parametrize(("name", "method", "needs"), ROUTES, ids=ROUTE_IDS)
def test_an_outsider_gets_404_everywhere(team, scene, name, method, needs):
    before = _state()

    response = _request(team.client_for("outsider"), method, scene.url(name))

    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "method", "needs"), ROUTES, ids=ROUTE_IDS)
def test_an_editor_may_use_every_route_but_the_member_list(team, scene, name, method, needs):
    response = _request(team.client_for("member"), method, scene.url(name))

    if needs == OWN:
        assert response.status_code == 403
    else:
        assert response.status_code not in (403, 404)


@pytest.mark.parametrize(("name", "method", "needs"), ROUTES, ids=ROUTE_IDS)
def test_an_owner_may_use_every_route(team, scene, name, method, needs):
    response = _request(team.client_for("owner"), method, scene.url(name))

    assert response.status_code not in (403, 404)


# The two buttons every signed-in member has: sign out, and leave the workspace.
_SIGN_OUT = re.compile(r'<form method="post" action="(/accounts/logout/|/w/[0-9a-f-]+/members/leave/)"')
_POSTING = re.compile(r'<form[^>]*method="post"|hx-post=|formaction=')


PAGES = sorted(
    {name for name, method, needs in ROUTES if method == "GET" and needs == READ} - {"deliveries:export-csv"}
)


@pytest.mark.parametrize("name", PAGES)
def test_a_viewer_sees_no_button_that_changes_anything(team, scene, name):
    page = team.client_for("viewer").get(scene.url(name)).content.decode()

    posting = [m.group(0) for m in _POSTING.finditer(page)]
    assert len(posting) == len(_SIGN_OUT.findall(page)), posting


def test_an_editor_sees_the_buttons_a_viewer_does_not(team, scene):
    page = team.client_for("member").get(scene.url("deliveries:detail")).content.decode()

    assert "Retry delivery" in page


def test_the_table_covers_every_workspace_route():
    assert {name for name, _, _ in ROUTES} == set(_workspace_routes())


def _workspace_routes():
    return [name for name, pattern in _patterns() if "<uuid:workspace_id>" in pattern]


def _parameters_of(name: str) -> list[str]:
    for entry_name, pattern in _patterns():
        if entry_name == name:
            return re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    raise KeyError(name)


def _patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, pattern, inner)
        elif entry.name:
            yield namespace + entry.name, pattern


@pytest.mark.parametrize(("who", "offered"), [("viewer", False), ("member", True)])
def test_data_out_polls_offer_retry_all_to_editors_only(team, scene, who, offered):
    url = scene.url("deliveries:data-out") + "?after=0&polled_at=0"

    poll = team.client_for(who).get(url, headers={"HX-Request": "true"}).content.decode()

    assert ("Retry all failed" in poll) is offered
