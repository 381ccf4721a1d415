from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from workspaces.models import Membership, Role, Workspace


def _members_url(team):
    return reverse("workspaces:members", kwargs={"workspace_id": team.workspace.pk})


@pytest.mark.parametrize("who", ["owner", "member", "viewer"])
def test_it_lists_members_to_members(team, who):
    response = team.client_for(who).get(_members_url(team))

    assert response.status_code == 200
    assert b"owner@example.com" in response.content
    assert b"member@example.com" in response.content


def test_it_hides_the_member_list_from_outsiders(team):
    assert team.client_for("outsider").get(_members_url(team)).status_code == 404


def test_it_lets_an_owner_remove_a_member(team):
    membership = Membership.objects.get(workspace=team.workspace, user=team.member)
    url = reverse(
        "workspaces:remove-member", kwargs={"workspace_id": team.workspace.pk, "membership_id": membership.pk}
    )

    team.client_for("owner").post(url)

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_it_keeps_the_last_owner(team):
    membership = Membership.objects.get(workspace=team.workspace, user=team.owner)
    url = reverse(
        "workspaces:remove-member", kwargs={"workspace_id": team.workspace.pk, "membership_id": membership.pk}
    )

    team.client_for("owner").post(url)

    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_it_refuses_removal_by_non_owners(team, who):
    membership = Membership.objects.get(workspace=team.workspace, user=team.owner)
    url = reverse(
        "workspaces:remove-member", kwargs={"workspace_id": team.workspace.pk, "membership_id": membership.pk}
    )

    response = team.client_for(who).post(url)

    assert response.status_code == (404 if who == "outsider" else 403)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_sends_a_user_home_to_their_first_workspace(team):
    response = team.client_for("member").get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "workspaces:connections", kwargs={"workspace_id": team.workspace.pk}
    )


def test_it_gives_a_new_user_a_workspace_of_their_own(db, client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-new-passphrase",
            "password2": "a-long-new-passphrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert membership.workspace.name == "new@example.com's workspace"


def test_it_signs_in_with_email_and_password(team, client):
    response = client.post(
        reverse("account_login"), {"login": "owner@example.com", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_closes_sign_up_when_configured(db, client, settings):
    settings.SIGNUP_OPEN = False

    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-new-passphrase",
            "password2": "a-long-new-passphrase",
        },
    )

    assert not User.objects.filter(email="new@example.com").exists()
    assert not Workspace.objects.exists()
