"""The editor offers a person-account org's person fields, and saves a Person Account action."""

from __future__ import annotations

import json
import re

from actions.models import Action
from tests.dashboard.action_pages import action_url, lead_form
from tests.engine import conftest as engine

sf = engine.sf
person_org = engine.person_org
destination = engine.destination


def _person_form(**extra):
    return lead_form(
        name="Person accounts",
        sobject="Account",
        matcher_field=["PersonEmail"],
        matcher_value=["$.traits.email"],
        other_field=["RecordTypeId", "LastName", "FirstName"],
        other_value=["0125g000000PERS", "$.traits.last_name", "$.traits.first_name"],
        **extra,
    )


def _datalist(page: str, name: str) -> set[str]:
    found = re.search(rf'<datalist id="{name}">(.*?)</datalist>', page, re.S)
    assert found, name
    return set(re.findall(r'<option value="([^"]+)"', found.group(1)))


def test_it_offers_the_person_fields_as_record_matchers(team, person_org, destination):
    page = (
        team.client_for("owner")
        .post(action_url(destination, "new", kind="custom_object"), _person_form(_refresh="1"))
        .content.decode()
    )

    assert {"PersonEmail", "PersonMobilePhone", "IsPersonAccount"} <= _datalist(page, "sf-filterable")
    assert {"LastName", "FirstName", "PersonEmail", "RecordTypeId"} <= _datalist(page, "sf-writable-upsert")


def test_it_saves_an_upsert_matched_on_person_email(team, person_org, destination):
    response = team.client_for("owner").post(
        action_url(destination, "new", kind="custom_object"), _person_form()
    )

    assert response.status_code == 302, response.content.decode()
    action = Action.objects.get(name="Person accounts")
    assert (action.sobject, action.record_matchers[0]["field"]) == ("Account", "PersonEmail")


def _preview(team, destination, traits: dict[str, str]) -> str:
    pasted = json.dumps({"type": "identify", "userId": "u1", "traits": traits})
    form = _person_form(kind="custom_object", operation="create", event_json=pasted)
    response = team.client_for("owner").post(action_url(destination, "preview"), form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_it_previews_a_person_account_as_needing_its_last_name_not_its_name(team, person_org, destination):
    ready = _preview(team, destination, {"last_name": "Lee", "email": "ann@example.com"})
    missing = _preview(team, destination, {"first_name": "Ann", "email": "ann@example.com"})

    assert "Required fields are missing" not in ready
    assert "composite/sobjects" in ready
    assert "Required fields are missing: [LastName]" in missing
    assert person_org.records("Account") == []
