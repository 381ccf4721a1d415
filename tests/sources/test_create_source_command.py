from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sources.keys import hash_write_key
from sources.models import Source
from workspaces.models import Membership, Role, Workspace


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("create_source", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_it_creates_the_workspace_and_prints_only_the_key(db):
    key, err = _run("Marketing", "website")

    source = Source.objects.get(workspace__name="Marketing", name="website")
    assert source.key_hash == hash_write_key(key)
    assert "Created workspace" in err


def test_it_refuses_to_recreate_an_existing_source(db):
    _run("Marketing", "website")

    with pytest.raises(CommandError, match="Use --rotate"):
        _run("Marketing", "website")


def test_it_rotates_an_existing_source(db):
    first, _ = _run("Marketing", "website")

    second, _ = _run("Marketing", "website", "--rotate")

    assert second != first
    assert Source.objects.get(name="website").key_hash == hash_write_key(second)


def test_it_refuses_to_rotate_a_missing_source(db):
    with pytest.raises(CommandError, match="no source"):
        _run("Marketing", "website", "--rotate")


def test_it_makes_an_existing_user_an_owner(team):
    _run("Marketing", "website", "--owner", "MEMBER@example.com")

    workspace = Workspace.objects.get(name="Marketing")
    assert Membership.objects.get(workspace=workspace, user=team.member).role == Role.OWNER


def test_it_refuses_an_unknown_owner_and_changes_nothing(db):
    with pytest.raises(CommandError, match="No user has the email"):
        _run("Marketing", "website", "--owner", "ghost@example.com")

    assert not Workspace.objects.exists()
