"""Person Accounts through the Custom Object action on Account, in an org that has them."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from actions.config_io import export_workspace
from actions.models import Action
from deliveries.models import Delivery, Status
from destinations.models import DescribeCache
from destinations.salesforce import describe
from tests.engine.conftest import deliver, identify, make_action, path, send


def _record_type(sf, developer_name: str) -> str:
    (found,) = [
        r["Id"] for r in sf.control("GET", "/records/RecordType") if r["DeveloperName"] == developer_name
    ]
    return str(found)


def _person_fields(record_type: object) -> list[dict[str, object]]:
    return [
        {"field": "RecordTypeId", "mapping": record_type},
        {"field": "LastName", "mapping": path("traits.last_name")},
        {"field": "FirstName", "mapping": path("traits.first_name")},
        {"field": "PersonEmail", "mapping": path("traits.email")},
    ]


def _account_action(destination, operation: str, other_fields: list[dict[str, object]], **settings):
    """A Custom Object action on Account, its fields all in Other Fields."""
    return make_action(
        destination,
        "custom_object",
        operation,
        sobject="Account",
        trigger='type = "identify"',
        fields={},
        other_fields=other_fields,
        **settings,
    )


def _person_action(sf, destination, operation: str, **settings):
    return _account_action(
        destination, operation, _person_fields(_record_type(sf, "PersonAccount")), **settings
    )


def _only_account(sf) -> tuple[object, object, object]:
    """The org's one Account: its name, whether a person account, its person email."""
    [account] = sf.records("Account")
    return account["Name"], account["IsPersonAccount"], account.get("PersonEmail")


def _writes(sf) -> list[str]:
    return [r.method for r in sf.data_requests() if "/sobjects" in r.path or "/composite" in r.path]


def test_it_creates_a_person_account_from_its_last_name(person_org, destination, source):
    action = _person_action(person_org, destination, "create")
    send(source, identify("u1", last_name="Lee", first_name="Ann", email="ann@example.com"))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert _only_account(person_org) == ("Ann Lee", True, "ann@example.com")


def test_it_upserts_a_person_account_matched_on_person_email(person_org, destination, source):
    action = _person_action(
        person_org, destination, "upsert", matchers=[("PersonEmail", path("traits.email"))]
    )
    send(source, identify("u1", last_name="Lee", first_name="Ann", email="ann@example.com"))
    [created] = deliver(action)
    send(source, identify("u1", last_name="Lee-Park", first_name="Ann", email="ann@example.com"))

    deliveries = deliver(action)

    assert [d.status for d in deliveries] == [Status.DELIVERED, Status.DELIVERED], deliveries[
        -1
    ].error_message
    [account] = person_org.records("Account")
    assert (account["Id"], account["Name"], account["IsPersonAccount"]) == (
        created.record_id,
        "Ann Lee-Park",
        True,
    )


def test_it_takes_the_person_record_type_from_the_event(person_org, destination, source):
    action = _account_action(destination, "create", _person_fields(path("traits.record_type")))
    person_type = _record_type(person_org, "PersonAccount")
    send(source, identify("u1", last_name="Lee", email="ann@example.com", record_type=person_type))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert person_org.records("Account")[0]["IsPersonAccount"] is True


def test_it_refuses_a_person_account_without_a_last_name_before_sending(person_org, destination, source):
    action = _person_action(person_org, destination, "create")
    send(source, identify("u1", first_name="Ann", email="ann@example.com"))
    person_org.reset_calls()

    [delivery] = deliver(action)

    assert delivery.status == Status.FAILED
    assert delivery.error_message == "Required fields are missing: [LastName]"
    assert _writes(person_org) == []
    assert person_org.records("Account") == []


def test_it_still_needs_a_name_for_a_business_account_in_the_same_org(person_org, destination, source):
    business_fields: list[dict[str, object]] = [
        {"field": "RecordTypeId", "mapping": _record_type(person_org, "Business_Account")},
        {"field": "Phone", "mapping": path("traits.phone")},
        {"field": "Name", "mapping": path("traits.company")},
    ]
    action = _account_action(destination, "create", business_fields)
    send(source, identify("u1", phone="555 0100"), identify("u2", phone="555 0101", company="Acme"))
    person_org.reset_calls()

    refused, created = deliver(action)

    assert refused.status == Status.FAILED
    assert refused.error_message == "Required fields are missing: [Name]"
    assert created.status == Status.DELIVERED, created.error_message
    assert _only_account(person_org) == ("Acme", False, None)


def test_it_imports_a_person_account_action_and_sends_with_it(
    person_org, destination, team, source, tmp_path
):
    config = export_workspace(team.workspace)
    config["destinations"][0]["actions"] = [
        {
            "name": "Person accounts",
            "kind": "custom_object",
            "sobject": "Account",
            "operation": "upsert",
            "trigger": 'type = "identify"',
            "record_matchers": [{"field": "PersonEmail", "mapping": path("traits.email")}],
            "other_fields": _person_fields(_record_type(person_org, "PersonAccount")),
        }
    ]
    file = tmp_path / "persons.json"
    file.write_text(json.dumps(config))
    call_command("import_config", str(file), stdout=StringIO())
    action = Action.objects.get(name="Person accounts")
    send(source, identify("u1", last_name="Lee", first_name="Ann", email="ann@example.com"))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert _only_account(person_org) == ("Ann Lee", True, "ann@example.com")


def test_it_retries_when_the_person_record_types_cannot_be_read_for_now(person_org, destination, source):
    action = _person_action(person_org, destination, "create")
    send(source, identify("u1", last_name="Lee", first_name="Ann", email="ann@example.com"))
    # The next describe of Account reads the record types again, and that query meets a 503.
    describe.forget(destination)
    person_org.control("POST", "/faults", json={"kind": "503", "path": "/query", "count": 1})

    [delivery] = deliver(action)

    assert (delivery.status, delivery.status_code) == (Status.RETRYING, 503)
    assert person_org.records("Account") == []
    Delivery.objects.filter(pk=delivery.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    [delivery] = deliver(action)
    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert _only_account(person_org) == ("Ann Lee", True, "ann@example.com")


def test_it_reads_again_an_account_describe_cached_without_its_person_record_types(
    person_org, destination, source
):
    # As an install cached it before it read person record types with the describe.
    cached = DescribeCache.objects.get(destination=destination, sobject="account")
    cached.body = {k: v for k, v in cached.body.items() if k != "personRecordTypeIds"}
    cached.save()
    action = _person_action(person_org, destination, "create")
    send(source, identify("u1", last_name="Lee", email="ann@example.com"))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert "personRecordTypeIds" in DescribeCache.objects.get(pk=cached.pk).body
