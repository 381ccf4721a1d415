import pytest

from salesforce_emulator.errors import RecordFailure
from salesforce_emulator.schema import Field
from salesforce_emulator.schema_loader import load_schema
from salesforce_emulator.values import JsonTypeError, from_csv, from_json

SCHEMA = load_schema()


def _field(object_name: str, name: str) -> Field:
    sobject = SCHEMA.get(object_name)
    field = sobject.field(name) if sobject else None
    assert field is not None
    return field


def test_it_reads_json_datetimes_into_the_record_form():
    field = _field("Lead", "CreatedDate")
    assert (
        from_json(field, "2024-05-01T15:00:00+02:00", numeric_strings=True) == "2024-05-01T13:00:00.000+0000"
    )


def test_it_reads_a_numeric_string_only_when_allowed():
    field = _field("Account", "NumberOfEmployees")
    assert from_json(field, "42", numeric_strings=True) == 42
    with pytest.raises(JsonTypeError):
        from_json(field, "42", numeric_strings=False)


def test_it_names_the_json_token_of_a_wrong_value():
    with pytest.raises(JsonTypeError) as caught:
        from_json(_field("Opportunity", "Amount"), True, numeric_strings=True)
    assert (caught.value.type_name, caught.value.token, caught.value.shown) == (
        "double",
        "VALUE_TRUE",
        "true",
    )


def test_it_reads_csv_cells_by_type():
    assert from_csv(_field("Subscription__c", "Active__c"), "TRUE") is True
    assert from_csv(_field("Subscription__c", "Seats__c"), "1.5e2") == 150.0
    assert from_csv(_field("Opportunity", "CloseDate"), "2024-05-01") == "2024-05-01"


def test_it_fails_a_csv_cell_of_the_wrong_type_with_the_bulk_wording():
    with pytest.raises(RecordFailure) as caught:
        from_csv(_field("Account", "NumberOfEmployees"), "12.5")
    error = caught.value.errors[0]
    assert error.bulk() == (
        "INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: 12.5:NumberOfEmployees --"
    )
