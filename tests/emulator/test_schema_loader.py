import json

from salesforce_emulator.schema import Field, Schema, SObject
from salesforce_emulator.schema_loader import load_schema


def _object(schema: Schema, name: str) -> SObject:
    found = schema.get(name)
    assert found is not None, name
    return found


def _field(schema: Schema, object_name: str, name: str) -> Field:
    found = _object(schema, object_name).field(name)
    assert found is not None, name
    return found


def test_it_loads_the_standard_objects_with_their_required_fields():
    schema = load_schema()
    required = {
        name: sorted(f.name for f in _object(schema, name).fields if f.required_on_create)
        for name in ("Lead", "Contact", "Account", "Opportunity", "Case")
    }
    assert required == {
        "Lead": ["Company", "LastName"],
        "Contact": ["LastName"],
        "Account": ["Name"],
        "Opportunity": ["CloseDate", "Name", "StageName"],
        "Case": [],
    }


def test_it_makes_long_text_areas_unfilterable():
    schema = load_schema()
    for name in ("Lead", "Contact", "Account", "Opportunity", "Case"):
        assert _field(schema, name, "Description").filterable is False
    assert _field(schema, "Lead", "Notes__c").filterable is False


def test_it_gives_customer_objects_the_custom_key_fields():
    schema = load_schema()
    for name in ("Lead", "Contact", "Account"):
        external = _field(schema, name, "External_Id__c")
        member = _field(schema, name, "member_number__c")
        assert (external.external_id, external.unique, external.id_lookup) == (True, True, True)
        assert (member.custom, member.filterable, member.external_id, member.unique) == (
            True,
            True,
            False,
            False,
        )


def test_it_adds_system_fields_to_every_object():
    lead = _object(load_schema(), "Lead")
    for name in (
        "Id",
        "IsDeleted",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "SystemModstamp",
        "OwnerId",
    ):
        assert lead.field(name) is not None, name
    assert _field(load_schema(), "Lead", "CreatedDate").createable is False


def test_it_describes_the_custom_object():
    subscription = _object(load_schema(), "Subscription__c")
    types = {f.name: f.type for f in subscription.fields if f.custom}
    assert types == {
        "Account__c": "reference",
        "Plan__c": "picklist",
        "Seats__c": "double",
        "Active__c": "boolean",
        "Renewal_Date__c": "date",
        "Subscription_Key__c": "string",
    }
    assert _field(load_schema(), "Subscription__c", "Plan__c").restricted_picklist
    assert _field(load_schema(), "Subscription__c", "Subscription_Key__c").external_id


def test_it_adds_person_account_fields_only_when_enabled():
    assert _object(load_schema(), "Account").field("IsPersonAccount") is None
    schema = load_schema(person_accounts=True)
    account = _object(schema, "Account")
    assert _field(schema, "Account", "PersonEmail").person_account_only
    assert _field(schema, "Account", "External_Id__pc").person_account_only
    assert [rt.developer_name for rt in account.record_types] == ["Business_Account", "PersonAccount"]


def test_it_extends_the_schema_from_a_user_file(tmp_path):
    extra = {
        "objects": [
            {"name": "Lead", "fields": [{"name": "Score__c", "type": "double", "precision": 18}]},
            {"name": "Invoice__c", "keyPrefix": "a1B", "fields": [{"name": "Total__c", "type": "currency"}]},
        ]
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(extra))
    schema = load_schema(schema_file=str(path))
    assert _field(schema, "Lead", "Score__c").type == "double"
    assert _field(schema, "Lead", "Company") is not None
    invoice = _object(schema, "invoice__c")
    assert invoice.custom and invoice.field("OwnerId") is not None
