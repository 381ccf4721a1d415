"""Members join by an emailed invitation they accept, signed in with the invited, verified address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from workspaces.invitations import INVITATIONS_PER_HOUR, hash_of, invite
from workspaces.models import Invitation, Membership, Role


def _members_url(team):
    return reverse("workspaces:members", kwargs={"workspace_id": team.workspace.pk})


def _invite(team, email, role="editor", who="owner"):
    return team.client_for(who).post(_members_url(team), {"email": email, "role": role})


def _found(pattern: str, text) -> str:
    match = re.search(pattern, str(text))
    assert match, text
    return match.group(1)


def _token_in(message) -> str:
    return _found(r"/invitations/accept/\?token=([\w-]+)", message.body)


def _accept_url(token: str) -> str:
    return f"{reverse('accept-invitation')}?token={token}"


def _accept(client, token):
    return client.post(reverse("accept-invitation"), {"token": token})


def _joined(team, user) -> bool:
    return Membership.objects.filter(workspace=team.workspace, user=user).exists()


def test_an_invitation_is_mailed_and_adds_no_one_by_itself(team):
    response = _invite(team, "ada@example.com")

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert "Acme" in mail.outbox[0].subject
    assert team.workspace.memberships.count() == 3
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("ada@example.com", Role.EDITOR)


def test_the_token_is_stored_only_as_a_hash(team):
    _invite(team, "ada@example.com")
    token = _token_in(mail.outbox[0])

    row = Invitation.objects.values().get()
    assert row["token_hash"] == hash_of(token)
    assert not any(token in str(value) for value in row.values())


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(team):
    # The outsider has an account; nobody@ has none.
    answers = []
    for email in ("outsider@example.com", "nobody@example.com"):
        response = team.client_for("owner").post(
            _members_url(team), {"email": email, "role": "viewer"}, follow=True
        )
        page = response.content.decode().replace(email, "EMAIL")
        # What differs from one page to the next anyway: CSRF tokens, times, the invitation's id.
        page = re.sub(r"[A-Za-z0-9]{64}", "CSRF", page)
        page = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "TIME", page)
        page = re.sub(r"/invitations/\d+/", "/invitations/ID/", page)
        answers.append((response.status_code, response.redirect_chain, page))
        Invitation.objects.all().delete()

    assert answers[0] == answers[1]
    bodies = [m.body.replace(m.to[0], "EMAIL").replace(_token_in(m), "TOKEN") for m in mail.outbox]
    assert bodies[0] == bodies[1]


def test_the_invitee_accepts_signed_in_with_the_verified_address(team):
    ada = make_user("ada@example.com")
    _invite(team, "ADA@example.com", role="viewer")
    token = _token_in(mail.outbox[0])
    client = team.client_for("owner").__class__()
    client.force_login(ada)

    offer = client.get(_accept_url(token))
    response = _accept(client, token)

    assert offer.status_code == 200
    assert "Acme" in offer.content.decode()
    assert response.status_code == 302
    assert Membership.objects.get(workspace=team.workspace, user=ada).role == Role.VIEWER


def test_the_link_works_once(team):
    ada = make_user("ada@example.com")
    _invite(team, "ada@example.com")
    token = _token_in(mail.outbox[0])
    client = team.client_for("owner").__class__()
    client.force_login(ada)
    _accept(client, token)
    Membership.objects.filter(user=ada, workspace=team.workspace).delete()

    again = _accept(client, token)

    assert again.status_code == 404
    assert not _joined(team, ada)


def test_an_expired_invitation_is_refused(team):
    ada = make_user("ada@example.com")
    _invite(team, "ada@example.com")
    token = _token_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = team.client_for("owner").__class__()
    client.force_login(ada)

    assert client.get(_accept_url(token)).status_code == 404
    assert _accept(client, token).status_code == 404
    assert not _joined(team, ada)


@pytest.mark.parametrize("token", ["", "forged", "x" * 5000])
def test_a_forged_token_is_refused(team, token):
    _invite(team, "outsider@example.com")

    response = _accept(team.client_for("outsider"), token)

    assert response.status_code == 404
    assert not _joined(team, team.outsider)


def test_someone_else_holding_the_link_cannot_accept(team):
    _invite(team, "ada@example.com")
    token = _token_in(mail.outbox[0])

    assert team.client_for("outsider").get(_accept_url(token)).status_code == 403
    assert _accept(team.client_for("outsider"), token).status_code == 403
    assert not _joined(team, team.outsider)
    assert Invitation.objects.get().accepted_at is None


def test_an_unverified_address_cannot_accept(team):
    eve = make_user("eve@example.com")
    EmailAddress.objects.create(user=eve, email="ada@example.com", verified=False, primary=False)
    _invite(team, "ada@example.com")
    client = team.client_for("owner").__class__()
    client.force_login(eve)

    response = _accept(client, _token_in(mail.outbox[0]))

    assert response.status_code == 403
    assert not _joined(team, eve)


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(team, client):
    _invite(team, "ada@example.com")
    token = _token_in(mail.outbox[0])

    response = client.get(_accept_url(token))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "token%3D" + token in response["Location"]


def test_a_newcomer_signs_up_verifies_and_joins(team, client):
    _invite(team, "ada@example.com", role="viewer")
    token = _token_in(mail.outbox[0])
    password = "a-long-new-passphrase"

    client.post(
        reverse("account_signup"), {"email": "ada@example.com", "password1": password, "password2": password}
    )
    confirm = _found(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[1].body)
    client.post(confirm)
    client.post(reverse("account_login"), {"login": "ada@example.com", "password": password})
    response = _accept(client, token)

    assert response["Location"] == reverse(
        "workspaces:connections", kwargs={"workspace_id": team.workspace.pk}
    )
    assert Membership.objects.get(workspace=team.workspace, user__email="ada@example.com").role == Role.VIEWER


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_only_owners_invite(team, who):
    response = _invite(team, "ada@example.com", role="owner", who=who)

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_outsider_cannot_invite(team):
    assert _invite(team, "ada@example.com", who="outsider").status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(("email", "role"), [("not an address", "viewer"), ("ada@example.com", "admin")])
def test_a_bad_invitation_is_refused_and_sends_nothing(team, email, role):
    response = _invite(team, email, role=role)

    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_owner_revokes_a_pending_invitation_and_its_link_stops_working(team):
    ada = make_user("ada@example.com")
    _invite(team, "ada@example.com")
    token = _token_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    pending = team.client_for("owner").get(_members_url(team)).content.decode()

    team.client_for("owner").post(_revoke_url(team, invitation))
    client = team.client_for("owner").__class__()
    client.force_login(ada)

    assert "ada@example.com" in pending
    assert not Invitation.objects.exists()
    assert _accept(client, token).status_code == 404
    assert not _joined(team, ada)


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_revoke(team, who, status):
    _invite(team, "ada@example.com")
    invitation = Invitation.objects.get()

    assert team.client_for(who).post(_revoke_url(team, invitation)).status_code == status
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def _revoke_url(team, invitation):
    return reverse(
        "workspaces:revoke-invitation",
        kwargs={"workspace_id": team.workspace.pk, "invitation_id": invitation.pk},
    )


def test_without_mail_the_owner_is_told_and_given_the_link_once(team, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    ada = make_user("ada@example.com")

    form = team.client_for("owner").get(_members_url(team)).content.decode()
    response = _invite(team, "ada@example.com")
    page = response.content.decode()
    token = _found(r"/invitations/accept/\?token=([\w-]+)", page)
    later = team.client_for("owner").get(_members_url(team)).content.decode()
    client = team.client_for("owner").__class__()
    client.force_login(ada)

    assert "Mail is not set up on this server" in form
    assert response.status_code == 200
    assert "no email was sent" in page
    assert token not in later
    assert _accept(client, token).status_code == 302
    assert _joined(team, ada)


def test_the_invitation_needs_the_csrf_token(team):
    response = team.client_for("owner", enforce_csrf=True).post(
        _members_url(team), {"email": "ada@example.com", "role": "viewer"}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_a_member_leaves(team, who):
    response = team.client_for(who).post(
        reverse("workspaces:leave", kwargs={"workspace_id": team.workspace.pk})
    )

    assert response.status_code == 302
    assert not _joined(team, getattr(team, who))


def test_the_last_owner_cannot_leave(team):
    team.client_for("owner").post(reverse("workspaces:leave", kwargs={"workspace_id": team.workspace.pk}))

    assert _joined(team, team.owner)


def test_an_owner_leaves_when_another_owner_stays(team):
    Membership.objects.filter(user=team.member, workspace=team.workspace).update(role=Role.OWNER)

    team.client_for("owner").post(reverse("workspaces:leave", kwargs={"workspace_id": team.workspace.pk}))

    assert not _joined(team, team.owner)


def test_a_workspace_cannot_flood_strangers_with_invitations(team):
    for n in range(INVITATIONS_PER_HOUR):
        invite(team.workspace, f"person{n}@example.com", Role.VIEWER, team.owner)

    response = _invite(team, "one-more@example.com")

    assert response.status_code == 429
    assert "in the last hour" in response.content.decode()
    assert mail.outbox == []
    assert Invitation.objects.count() == INVITATIONS_PER_HOUR


def test_the_mailed_link_is_on_the_public_address_with_the_token_out_of_the_path(team, settings):
    settings.PUBLIC_URL = "https://dash.example.com"

    _invite(team, "ada@example.com")

    token = _token_in(mail.outbox[0])
    assert f"https://dash.example.com/invitations/accept/?token={token}" in mail.outbox[0].body
