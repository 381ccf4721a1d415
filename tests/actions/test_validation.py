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
