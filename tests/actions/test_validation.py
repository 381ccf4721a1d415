import pytest

from actions.catalog import kind
from actions.validation import validate_action

LEAD_FIELDS = {
    "Email": {"name": "Email", "type": "email", "filterable": True},
    "Description": {"name": "Description", "type": "textarea", "filterable": False},
    "Plan__c": {"name": "Plan__c", "type": "string", "filterable": True},
}


def _lead(**settings):
    return {
        "name": "Leads",
        "kind": "lead",
        "trigger": 'type = "identify"',
        "operation": "upsert",
        "record_matchers": [{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
        "fields": kind("lead").default_fields(),
        **settings,
    }


def test_it_accepts_a_complete_lead_upsert():
    assert validate_action(_lead(), LEAD_FIELDS) == {}


def test_it_requires_an_operation_and_a_name():
    errors = validate_action(_lead(operation="", name=" "))
    assert errors["operation"] == ["Choose an operation: create, update, upsert or delete."]
    assert errors["name"] == ["Give the action a name."]


def test_it_reports_a_trigger_syntax_error_with_its_position():
    errors = validate_action(_lead(trigger='type = "identify" and'))
    assert len(errors["trigger"]) == 1
    assert "column" in errors["trigger"][0]


def test_it_allows_an_action_without_a_trigger():
    assert "trigger" not in validate_action(_lead(trigger=""))


def test_it_requires_a_matcher_for_update_upsert_and_delete():
    for operation in ("update", "upsert", "delete"):
        assert "record_matchers" in validate_action(_lead(operation=operation, record_matchers=[]))
    assert "record_matchers" not in validate_action(_lead(operation="create", record_matchers=[]))


def test_it_refuses_a_matcher_salesforce_cannot_filter_on_naming_the_field():
    errors = validate_action(
        _lead(record_matchers=[{"field": "description", "mapping": {"@path": "$.traits.d"}}]), LEAD_FIELDS
    )
    assert errors["record_matchers"] == [
        "description cannot be a record matcher: Salesforce cannot filter on it (it is a long text area). "
        "Choose a field with the Filter property."
    ]


def test_it_refuses_an_other_field_the_object_does_not_have():
    errors = validate_action(
        _lead(other_fields=[{"field": "Plan", "mapping": {"@path": "$.traits.plan"}}]), LEAD_FIELDS
    )
    assert errors["other_fields"] == [
        "Plan is not a field of this object in your org. Custom fields end in __c."
    ]


def test_it_refuses_an_invalid_mapping_naming_where():
    errors = validate_action(_lead(fields={"Email": {"@path": 3}}))
    assert errors["fields"][0].startswith("Email")


def test_it_needs_the_object_of_a_custom_object_action():
    assert "sobject" in validate_action(_lead(kind="custom_object", sobject=""))


def test_it_allows_the_bulk_api_only_for_update_and_upsert_with_their_keys():
    assert "use_bulk" in validate_action(_lead(operation="create", use_bulk=True))
    assert "bulk_upsert_external_id" in validate_action(_lead(use_bulk=True))
    assert "bulk_update_record_id" in validate_action(_lead(operation="update", use_bulk=True))
    ok = _lead(
        use_bulk=True, bulk_upsert_external_id={"field": "External_Id__c", "mapping": {"@path": "$.userId"}}
    )
    assert validate_action(ok) == {}


def test_it_keeps_the_batch_size_between_1_and_10000():
    assert "batch_size" in validate_action(_lead(batch_size=0))
    assert "batch_size" in validate_action(_lead(batch_size=10_001))
    assert "batch_size" not in validate_action(_lead(batch_size=10_000))


def test_it_starts_a_new_action_with_its_kinds_defaults(destination):
    from actions.models import Action

    action = Action.from_kind(destination, "lead", operation="create")

    assert (action.name, action.trigger) == ("Lead", 'type = "identify"')
    assert action.fields == kind("lead").default_fields()
    action.full_clean()


def test_it_refuses_to_clean_an_action_with_errors_per_setting(destination):
    import pytest
    from django.core.exceptions import ValidationError

    from actions.models import Action

    action = Action.from_kind(destination, "contact", trigger='type = "identify" and', operation="")

    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert set(refused.value.message_dict) >= {"trigger", "operation"}


def test_it_names_the_operator_it_was_given():
    errors = validate_action(_lead(matcher_operator="NOR"))
    assert errors["matcher_operator"] == ['The record matchers operator is OR or AND; got "NOR".']


@pytest.mark.parametrize(
    ("changed", "key", "message"),
    [
        (
            {"operation": "merge"},
            "operation",
            'Choose an operation: create, update, upsert or delete; got "merge".',
        ),
        ({"kind": "lead_v2"}, "kind", '; got "lead_v2".'),
        ({"batch_size": 0}, "batch_size", "Batch size is a whole number from 1 to 10,000; got 0."),
        ({"batch_size": "ten"}, "batch_size", 'Batch size is a whole number from 1 to 10,000; got "ten".'),
        ({"batch_size": True}, "batch_size", "got true."),
        ({"enabled": "yes"}, "enabled", 'Enabled is true or false; got "yes".'),
        ({"use_bulk": 1}, "use_bulk", "Use the Bulk API is true or false; got 1."),
        (
            {"clear_fields_on_null": []},
            "clear_fields_on_null",
            "Clear fields on null is true or false; got a list.",
        ),
        (
            {"operation": "create", "use_bulk": True},
            "use_bulk",
            'The Salesforce Bulk API can only update or upsert; the operation is "create".',
        ),
    ],
)
def test_each_refusal_of_an_enumerated_or_typed_setting_names_the_value(changed, key, message):
    errors = validate_action(_lead(**changed))
    assert any(message in m for m in errors[key]), errors


def test_it_names_no_value_when_none_was_given():
    assert validate_action(_lead(operation=""))["operation"] == [
        "Choose an operation: create, update, upsert or delete."
    ]


@pytest.mark.parametrize(
    "name",
    ["Email; DROP", "Email OR Id != null", "1Email", "_Email", "Email_", "Plan___c", "Plan__x", "Émail"],
)
def test_it_refuses_a_matcher_name_no_org_can_have_with_or_without_the_org(name):
    settings = _lead(record_matchers=[{"field": name, "mapping": {"@path": "$.traits.email"}}])
    for fields in (None, LEAD_FIELDS):
        [message] = validate_action(settings, fields)["record_matchers"]
        assert message.startswith(f'Record matcher 1: "{name}" is not a Salesforce field name')


def test_it_refuses_other_and_external_id_field_names_no_org_can_have():
    errors = validate_action(
        _lead(
            other_fields=[{"field": "Plan c", "mapping": "x"}],
            use_bulk=True,
            bulk_upsert_external_id={"field": "Ext-Id__c", "mapping": {"@path": "$.userId"}},
        )
    )
    assert errors["other_fields"][0].startswith('Other field: "Plan c" is not a Salesforce field name')
    assert errors["bulk_upsert_external_id"][0].startswith(
        'The external id field: "Ext-Id__c" is not a Salesforce field name'
    )


@pytest.mark.parametrize(
    "name",
    [
        "Email",
        "Plan__c",
        "acme__Plan__c",
        "Account__r",
        "PersonEmail",
        "Home__pc",
        "Place__Latitude__s",
        "A1_b2",
    ],
)
def test_it_accepts_every_shape_of_a_real_field_name(name):
    settings = _lead(record_matchers=[{"field": name, "mapping": {"@path": "$.traits.email"}}])
    assert "record_matchers" not in validate_action(settings)


def test_it_refuses_a_name_longer_than_salesforce_allows():
    [message] = validate_action(_lead(record_matchers=[{"field": "A" * 41, "mapping": "x"}]))[
        "record_matchers"
    ]
    assert "40 characters at most" in message


def test_it_checks_the_bulk_external_id_against_the_org():
    fields = {**LEAD_FIELDS, "Legacy_Id__c": {"name": "Legacy_Id__c", "type": "string", "externalId": True}}

    def errors(name):
        external = {"field": name, "mapping": {"@path": "$.userId"}}
        return validate_action(_lead(use_bulk=True, bulk_upsert_external_id=external), fields).get(
            "bulk_upsert_external_id"
        )

    assert errors("Legacy_Id__c") is None
    assert errors("Plan__c") == [
        "Plan__c cannot key a Bulk upsert: it is not marked External ID in your org."
    ]
    assert errors("Nope__c") == ["Nope__c is not a field of this object in your org."]
