"""A viewer in a real browser: signs in with the form, reads an action, finds nothing to change."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from destinations.models import Destination
from tests.conftest import PASSWORD
from tests.engine.conftest import make_action

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_viewer_reads_an_action_with_every_field_disabled(page: Any, live_server: Any, team: Any) -> None:
    offline = Destination.objects.create(workspace=team.workspace, name="Offline")
    action = make_action(offline, "lead", "create", name="Leads from identify")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(team.viewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("form.signout")).to_contain_text(team.viewer.email)
    page.goto(
        live_server.url
        + reverse(
            "actions:edit",
            kwargs={"workspace_id": team.workspace.pk, "destination_id": offline.pk, "action_id": action.pk},
        )
    )

    expect(page.get_by_role("heading", name="Leads from identify")).to_be_visible()
    expect(page.locator("#id_trigger")).to_be_disabled()
    expect(page.get_by_role("button", name="Save action")).to_be_disabled()
    expect(page.get_by_role("heading", name="Preview")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete action…")).to_have_count(0)
    assert errors == []
