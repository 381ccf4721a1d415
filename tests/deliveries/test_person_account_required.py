"""Required fields of a new Account depend on whether its record type makes a person account."""

from __future__ import annotations

from deliveries.rendering import Describe, missing_required

PERSON = "0125g000000PERSAAA"
BUSINESS = "0125g000000BUSAAAA"


def _account(default: str = BUSINESS) -> Describe:
    fields = [
        {"name": "Name", "createable": True, "nillable": False, "defaultedOnCreate": False},
        {"name": "LastName", "createable": True, "nillable": True, "defaultedOnCreate": False},
        {"name": "IsPersonAccount", "createable": False, "nillable": False, "defaultedOnCreate": True},
    ]
    infos = [
        {"recordTypeId": "012000000000000AAA", "master": True, "defaultRecordTypeMapping": False},
        {"recordTypeId": BUSINESS, "defaultRecordTypeMapping": default == BUSINESS, "available": True},
        {"recordTypeId": PERSON, "defaultRecordTypeMapping": default == PERSON, "available": True},
    ]
    return Describe.of_object(
        {"name": "Account", "fields": fields, "recordTypeInfos": infos, "personRecordTypeIds": [PERSON]}
    )


def test_it_asks_a_person_account_for_its_last_name_not_its_name():
    assert missing_required({"RecordTypeId": PERSON, "FirstName": "Ann"}, _account(), ()) == ["LastName"]
    assert missing_required({"RecordTypeId": PERSON, "LastName": "Lee"}, _account(), ()) == []


def test_it_knows_the_person_type_by_its_15_character_id():
    assert missing_required({"recordtypeid": PERSON[:15]}, _account(), ()) == ["LastName"]


def test_it_asks_a_business_account_for_its_name():
    assert missing_required({"RecordTypeId": BUSINESS, "LastName": "Lee"}, _account(), ()) == ["Name"]


def test_it_follows_the_default_record_type_when_none_is_mapped():
    assert missing_required({"Phone": "1"}, _account(default=BUSINESS), ()) == ["Name"]
    assert missing_required({"Phone": "1"}, _account(default=PERSON), ()) == ["LastName"]


def test_it_asks_for_the_name_where_the_org_has_no_person_accounts():
    describe = Describe.of_object({"name": "Account", "fields": [{"name": "Name", "createable": True}]})
    assert missing_required({"RecordTypeId": PERSON}, describe, ()) == ["Name"]
