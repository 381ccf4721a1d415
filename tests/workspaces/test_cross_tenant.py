"""An address nobody has proved cannot be used to join another tenant's workspace.

The attack: someone signs up with (or adds) cfo@victim-corp.test without
owning it; the victim's owner, trusting the name, adds that address to their
workspace; the attacker reads the victim's Data Out.
"""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from destinations.models import Destination
from tests.conftest import make_user
from workspaces.models import Membership

VICTIM = "cfo@victim-corp.test"
PASSWORD = "a-long-attacker-passphrase"


def _csv_url(destination: Destination) -> str:
    return reverse(
        "deliveries:export-csv",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )


def _owner_adds_the_address(team) -> None:
    # "owner" is a role both the old form and the invitation form take.
    team.client_for("owner").post(
        reverse("workspaces:members", kwargs={"workspace_id": team.workspace.pk}),
        {"email": VICTIM, "role": "owner"},
    )


def _leaked_token() -> str:
    """The token of the invitation mailed to the victim's address, as if it leaked."""
    tokens = [re.findall(r"/invitations/accept/\?token=([\w-]+)", str(m.body)) for m in mail.outbox]
    found = [token for each in tokens for token in each]
    assert len(found) == 1, tokens
    return found[0]


def test_signing_up_with_someone_elses_address_gives_no_access_to_their_workspace(team):
    victim_org = Destination.objects.create(workspace=team.workspace, name="Victim org")
    attacker = Client()
    attacker.post(reverse("account_signup"), {"email": VICTIM, "password1": PASSWORD, "password2": PASSWORD})
    attacker.post(reverse("account_login"), {"login": VICTIM, "password": PASSWORD})

    _owner_adds_the_address(team)
    response = attacker.get(_csv_url(victim_org))

    assert response.status_code != 200
    assert not Membership.objects.filter(workspace=team.workspace, user__email=VICTIM).exists()


def test_even_with_a_session_and_the_link_the_unproved_address_does_not_join(team):
    victim_org = Destination.objects.create(workspace=team.workspace, name="Victim org")
    attacker = Client()
    attacker.post(reverse("account_signup"), {"email": VICTIM, "password1": PASSWORD, "password2": PASSWORD})
    _owner_adds_the_address(team)
    attacker.force_login(User.objects.get(email=VICTIM))

    accepted = attacker.post(reverse("accept-invitation"), {"token": _leaked_token()})

    assert accepted.status_code == 403
    assert attacker.get(_csv_url(victim_org)).status_code == 404
    assert not Membership.objects.filter(workspace=team.workspace, user__email=VICTIM).exists()


def test_adding_someone_elses_address_to_ones_own_account_gives_no_access(team):
    victim_org = Destination.objects.create(workspace=team.workspace, name="Victim org")
    attacker_user = make_user("attacker@evil.test")
    attacker = Client()
    attacker.force_login(attacker_user)
    attacker.post(reverse("account_email"), {"email": VICTIM, "action_add": ""})

    _owner_adds_the_address(team)
    accepted = attacker.post(reverse("accept-invitation"), {"token": _leaked_token()})

    assert EmailAddress.objects.filter(user=attacker_user, email=VICTIM, verified=False).exists()
    assert accepted.status_code == 403
    assert attacker.get(_csv_url(victim_org)).status_code == 404
    assert not Membership.objects.filter(workspace=team.workspace, user=attacker_user).exists()
