"""What comes back: rows, nesting, ORDER BY, LIMIT, OFFSET, COUNT(), queryAll."""

from salesforce_emulator.soql import execute

from .conftest import DictSource, account, ids_of, lead, run


def test_it_returns_selected_fields_in_select_order_under_canonical_names(schema):
    record = lead(Email="a@x.com", LastName="Ng", Status="Open")
    result = run(schema, {"Lead": [record]}, "SELECT status, EMAIL, lastname FROM lead")
    assert result.object_name == "Lead"
    assert result.rows == [(record["Id"], {"Status": "Open", "Email": "a@x.com", "LastName": "Ng"})]
    assert list(result.rows[0][1]) == ["Status", "Email", "LastName"]


def test_it_returns_the_record_id_even_when_id_is_not_selected(schema):
    record = lead(Email="a@x.com")
    assert run(schema, {"Lead": [record]}, "SELECT Email FROM Lead").rows == [
        (record["Id"], {"Email": "a@x.com"})
    ]


def test_it_returns_null_for_a_field_the_record_does_not_hold(schema):
    record = lead()
    assert run(schema, {"Lead": [record]}, "SELECT Company FROM Lead").rows == [
        (record["Id"], {"Company": None})
    ]


def test_it_nests_parent_fields_as_salesforce_does(schema):
    acme = account(Name="Acme", Website="acme.example")
    child, orphan = lead(Account__c=acme["Id"], LastName="Kim"), lead(LastName="Lee")
    result = run(
        schema,
        {"Lead": [child, orphan], "Account": [acme]},
        "SELECT LastName, Account__r.Name, Account__r.Website FROM Lead ORDER BY LastName",
    )
    assert result.rows == [
        (child["Id"], {"LastName": "Kim", "Account__r": {"Name": "Acme", "Website": "acme.example"}}),
        (orphan["Id"], {"LastName": "Lee", "Account__r": None}),
    ]


def test_it_sorts_nulls_first_by_default_in_both_directions(schema):
    b, a, unset = lead(LastName="b"), lead(LastName="A"), lead()
    records = {"Lead": [b, a, unset]}
    assert ids_of(run(schema, records, "SELECT Id FROM Lead ORDER BY LastName")) == [
        unset["Id"],
        a["Id"],
        b["Id"],
    ]
    descending = run(schema, records, "SELECT Id FROM Lead ORDER BY LastName DESC")
    assert ids_of(descending) == [unset["Id"], b["Id"], a["Id"]]


def test_it_sorts_nulls_last_when_asked(schema):
    b, a, unset = lead(LastName="b"), lead(LastName="A"), lead()
    records = {"Lead": [b, a, unset]}
    ascending = run(schema, records, "SELECT Id FROM Lead ORDER BY LastName ASC NULLS LAST")
    assert ids_of(ascending) == [a["Id"], b["Id"], unset["Id"]]
    descending = run(schema, records, "SELECT Id FROM Lead ORDER BY LastName DESC NULLS LAST")
    assert ids_of(descending) == [b["Id"], a["Id"], unset["Id"]]


def test_it_sorts_text_case_insensitively(schema):
    records = [lead(LastName=name) for name in ["beta", "Alpha", "alpha2", "BETA2"]]
    result = run(schema, {"Lead": records}, "SELECT LastName FROM Lead ORDER BY LastName")
    assert [row["LastName"] for _, row in result.rows] == ["Alpha", "alpha2", "beta", "BETA2"]


def test_it_sorts_by_several_keys_with_their_own_directions(schema):
    records = [
        lead(Status="Open", NumberOfEmployees=1),
        lead(Status="Closed", NumberOfEmployees=2),
        lead(Status="Open", NumberOfEmployees=3),
        lead(Status="Closed", NumberOfEmployees=4),
    ]
    result = run(
        schema,
        {"Lead": records},
        "SELECT Status, NumberOfEmployees FROM Lead ORDER BY Status, NumberOfEmployees DESC",
    )
    assert [(row["Status"], row["NumberOfEmployees"]) for _, row in result.rows] == [
        ("Closed", 4),
        ("Closed", 2),
        ("Open", 3),
        ("Open", 1),
    ]


def test_it_sorts_numbers_and_dates_by_value(schema):
    records = [lead(NumberOfEmployees=n, Birthdate__c=f"2024-0{n}-01") for n in (9, 1, 5)]
    by_number = run(
        schema, {"Lead": records}, "SELECT NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees"
    )
    assert [row["NumberOfEmployees"] for _, row in by_number.rows] == [1, 5, 9]
    by_date = run(schema, {"Lead": records}, "SELECT Birthdate__c FROM Lead ORDER BY Birthdate__c DESC")
    assert [row["Birthdate__c"] for _, row in by_date.rows] == ["2024-09-01", "2024-05-01", "2024-01-01"]


def test_it_applies_offset_then_limit_and_reports_the_page_as_total_size(schema):
    records = [lead(NumberOfEmployees=n) for n in range(10)]
    result = run(
        schema,
        {"Lead": records},
        "SELECT NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees LIMIT 3 OFFSET 4",
    )
    assert [row["NumberOfEmployees"] for _, row in result.rows] == [4, 5, 6]
    assert result.total_size == 3


def test_it_answers_nothing_for_limit_zero(schema):
    result = run(schema, {"Lead": [lead()]}, "SELECT Id FROM Lead LIMIT 0")
    assert (result.total_size, result.rows) == (0, [])


def test_it_counts_with_count(schema):
    records = {"Lead": [lead(Status="Open"), lead(Status="Open"), lead(Status="Closed")]}
    result = run(schema, records, "SELECT COUNT() FROM Lead WHERE Status = 'Open'")
    assert (result.is_count, result.total_size, result.rows) == (True, 2, [])
    assert run(schema, records, "select count() from lead limit 1").total_size == 1


def test_it_skips_deleted_records_unless_querying_all(schema):
    kept, deleted = lead(Email="a@x.com"), lead(Email="a@x.com", IsDeleted=True)
    records = {"Lead": [kept, deleted]}
    text = "SELECT Id FROM Lead WHERE Email = 'a@x.com'"
    assert ids_of(run(schema, records, text)) == [kept["Id"]]
    assert set(ids_of(run(schema, records, text, include_deleted=True))) == {kept["Id"], deleted["Id"]}
    assert run(schema, records, "SELECT COUNT() FROM Lead", include_deleted=True).total_size == 2


def test_it_filters_on_isdeleted_when_querying_all(schema):
    kept, deleted = lead(), lead(IsDeleted=True)
    records = {"Lead": [kept, deleted]}
    result = run(schema, records, "SELECT Id FROM Lead WHERE IsDeleted = true", include_deleted=True)
    assert ids_of(result) == [deleted["Id"]]


def test_it_hides_a_deleted_parent(schema):
    gone = account(Name="Gone", IsDeleted=True)
    child = lead(Account__c=gone["Id"])
    records = {"Lead": [child], "Account": [gone]}
    assert run(schema, records, "SELECT Account__r.Name FROM Lead").rows == [
        (child["Id"], {"Account__r": None})
    ]


def test_it_reads_each_parent_once_per_query(schema):
    acme = account(Name="Acme")
    children = [lead(Account__c=acme["Id"]) for _ in range(20)]
    source = DictSource({"Lead": children, "Account": [acme]})
    execute("SELECT Account__r.Name FROM Lead WHERE Account__r.Name = 'Acme'", schema, source)
    assert [call for call in source.lookups if call[0] == "Account"] == [
        ("Account", "Id", frozenset({acme["Id"], acme["Id"][:15]}))
    ]
