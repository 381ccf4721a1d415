"""Members from before roles keep what they could do: they become editors; owners stay owners."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workspaces", "0001_initial")]
AFTER = [("workspaces", "0002_roles_owner_editor_viewer")]


@pytest.mark.django_db(transaction=True)
def test_members_become_editors_and_owners_stay_owners():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user_model = old.get_model("auth", "User")
    workspace = old.get_model("workspaces", "Workspace").objects.create(name="Old")
    membership = old.get_model("workspaces", "Membership")
    for email, role in (("o@example.com", "owner"), ("m@example.com", "member")):
        membership.objects.create(
            workspace=workspace, user=user_model.objects.create(username=email, email=email), role=role
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    roles = dict(
        executor.loader.project_state(AFTER)
        .apps.get_model("workspaces", "Membership")
        .objects.values_list("user__email", "role")
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert roles == {"o@example.com": "owner", "m@example.com": "editor"}
