"""WHERE semantics: case, ids, nulls, numbers, LIKE, IN, logic, parents."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

from salesforce_emulator.ids import to_18
from salesforce_emulator.soql import execute

from .conftest import DictSource, account, ids_of, lead, run


def matching(schema, records, condition, obj="Lead"):
    return set(ids_of(run(schema, records, f"SELECT Id FROM {obj} WHERE {condition}")))


def test_it_compares_text_case_insensitively(schema):
    upper, lower, other = lead(Email="ANN@X.COM"), lead(Email="ann@x.com"), lead(Email="bob@x.com")
    found = matching(schema, {"Lead": [upper, lower, other]}, "Email = 'Ann@X.com'")
    assert found == {upper["Id"], lower["Id"]}


def test_it_compares_a_unique_case_sensitive_field_exactly(schema):
    exact, other_case = lead(Member_Number__c="AbC-1"), lead(Member_Number__c="abc-1")
    found = matching(schema, {"Lead": [exact, other_case]}, "Member_Number__c = 'AbC-1'")
    assert found == {exact["Id"]}


def test_it_matches_a_15_character_id_literal_to_the_stored_18_character_id(schema):
    target, other = lead(), lead()
    assert matching(schema, {"Lead": [target, other]}, f"Id = '{target['Id'][:15]}'") == {target["Id"]}
    assert matching(schema, {"Lead": [target, other]}, f"Id IN ('{target['Id']}')") == {target["Id"]}


def test_it_matches_a_reference_stored_in_15_characters(schema):
    parent = account(Name="Acme")
    child = lead(Account__c=parent["Id"][:15])
    found = matching(schema, {"Lead": [child], "Account": [parent]}, f"Account__c = '{parent['Id']}'")
    assert found == {child["Id"]}


def test_it_tells_15_character_ids_apart_by_case(schema):
    upper, lower = lead(Id=to_18("00QAb10000000AA")), lead(Id=to_18("00QAb10000000aa"))
    assert matching(schema, {"Lead": [upper, lower]}, "Id = '00QAb10000000aa'") == {lower["Id"]}


def test_it_matches_null_for_missing_unset_and_empty_text(schema):
    missing, unset, empty, filled = lead(), lead(Email=None), lead(Email=""), lead(Email="a@x.com")
    records = {"Lead": [missing, unset, empty, filled]}
    assert matching(schema, records, "Email = null") == {missing["Id"], unset["Id"], empty["Id"]}
    assert matching(schema, records, "Email != null") == {filled["Id"]}
    assert matching(schema, records, "Email = ''") == {missing["Id"], unset["Id"], empty["Id"]}


def test_it_keeps_nulls_for_not_equal_and_not_in(schema):
    unset, match, other = lead(Status=None), lead(Status="Open"), lead(Status="Closed")
    records = {"Lead": [unset, match, other]}
    assert matching(schema, records, "Status != 'Open'") == {unset["Id"], other["Id"]}
    assert matching(schema, records, "Status NOT IN ('Open')") == {unset["Id"], other["Id"]}
    assert matching(schema, records, "Status < 'Open'") == {other["Id"]}


def test_it_treats_boolean_null_as_false(schema):
    yes, no, unset = (
        lead(HasOptedOutOfEmail=True),
        lead(HasOptedOutOfEmail=False),
        lead(HasOptedOutOfEmail=None),
    )
    records = {"Lead": [yes, no, unset]}
    assert matching(schema, records, "HasOptedOutOfEmail = null") == {no["Id"], unset["Id"]}
    assert matching(schema, records, "HasOptedOutOfEmail != null") == {yes["Id"]}
    assert matching(schema, records, "HasOptedOutOfEmail = false") == {no["Id"], unset["Id"]}


def test_it_compares_numbers_as_numbers(schema):
    nine, ten, hundred = lead(NumberOfEmployees=9), lead(NumberOfEmployees=10), lead(NumberOfEmployees=100)
    records = {"Lead": [nine, ten, hundred, lead()]}
    assert matching(schema, records, "NumberOfEmployees > 9") == {ten["Id"], hundred["Id"]}
    assert matching(schema, records, "NumberOfEmployees <= 10") == {nine["Id"], ten["Id"]}
    assert matching(schema, records, "NumberOfEmployees IN (9, 100)") == {nine["Id"], hundred["Id"]}


def test_it_compares_currency_and_double_values_exactly(schema):
    price, cheaper = lead(AnnualRevenue=0.3), lead(AnnualRevenue=0.1)
    records = {"Lead": [price, cheaper]}
    assert matching(schema, records, "AnnualRevenue = 0.30") == {price["Id"]}
    assert matching(schema, records, "AnnualRevenue >= 0.1") == {price["Id"], cheaper["Id"]}


def test_it_compares_datetimes_as_instants_whatever_their_offset(schema):
    stored_utc = lead(LastTouch__c="2024-05-01T13:00:00.000+0000")
    stored_paris = lead(LastTouch__c="2024-05-01T15:00:00.000+02:00")
    later = lead(LastTouch__c="2024-05-01T13:00:01.000+0000")
    records = {"Lead": [stored_utc, stored_paris, later]}
    found = matching(schema, records, "LastTouch__c <= 2024-05-01T13:00:00Z")
    assert found == {stored_utc["Id"], stored_paris["Id"]}


def test_it_matches_like_patterns_case_insensitively(schema):
    acme, acme_corp, other = lead(Company="Acme"), lead(Company="ACME Corp"), lead(Company="The Acme")
    records = {"Lead": [acme, acme_corp, other, lead()]}
    assert matching(schema, records, "Company LIKE 'acme%'") == {acme["Id"], acme_corp["Id"]}
    assert matching(schema, records, "Company LIKE '%acme%'") == {acme["Id"], acme_corp["Id"], other["Id"]}
    assert matching(schema, records, "Company LIKE 'ac_e'") == {acme["Id"]}
    assert matching(schema, records, "Company LIKE '%corp'") == {acme_corp["Id"]}


def test_it_finds_in_and_not_in_members(schema):
    a, b, c = lead(Email="a@x.com"), lead(Email="b@x.com"), lead(Email="c@x.com")
    records = {"Lead": [a, b, c]}
    assert matching(schema, records, "Email IN ('A@x.com', 'b@X.com')") == {a["Id"], b["Id"]}
    assert matching(schema, records, "Email NOT IN ('A@x.com', 'b@X.com')") == {c["Id"]}
    assert matching(schema, records, "Email IN ('a@x.com', null)") == {a["Id"]}


def test_it_evaluates_not_and_nested_parentheses(schema):
    open_a = lead(Status="Open", Email="a@x.com", NumberOfEmployees=5)
    open_b = lead(Status="Open", Email="b@x.com", NumberOfEmployees=50)
    closed = lead(Status="Closed", Email="a@x.com", NumberOfEmployees=5)
    records = {"Lead": [open_a, open_b, closed]}
    assert matching(schema, records, "NOT Status = 'Open'") == {closed["Id"]}
    condition = (
        "(Status = 'Open' AND (Email = 'a@x.com' OR (NumberOfEmployees > 10))) AND (NOT (Email = 'z'))"
    )
    assert matching(schema, records, condition) == {open_a["Id"], open_b["Id"]}
    assert matching(schema, records, "((((Status = 'Closed'))))") == {closed["Id"]}


def test_it_answers_the_destinations_or_of_and_lookup(schema):
    wanted = [lead(Email=f"u{i}@x.com", Member_Number__c=f"M{i}") for i in range(5)]
    decoy = lead(Email="u1@x.com", Member_Number__c="M9")
    branches = " OR ".join(f"(Email = 'u{i}@x.com' AND Member_Number__c = 'M{i}')" for i in range(5))
    assert matching(schema, {"Lead": [*wanted, decoy]}, branches) == {r["Id"] for r in wanted}


def test_it_matches_multipicklist_values(schema):
    both, golf, none = lead(Interests__c="Golf;Tennis"), lead(Interests__c="Golf"), lead()
    records = {"Lead": [both, golf, none]}
    assert matching(schema, records, "Interests__c INCLUDES ('tennis')") == {both["Id"]}
    assert matching(schema, records, "Interests__c INCLUDES ('Golf;Tennis', 'Chess')") == {both["Id"]}
    assert matching(schema, records, "Interests__c EXCLUDES ('Tennis')") == {golf["Id"], none["Id"]}
    assert matching(schema, records, "Interests__c = 'Tennis;Golf'") == {both["Id"]}


def test_it_filters_on_a_parent_field(schema):
    acme, other = account(Name="Acme"), account(Name="Other")
    at_acme, at_other, orphan = lead(Account__c=acme["Id"]), lead(Account__c=other["Id"]), lead()
    records = {"Lead": [at_acme, at_other, orphan], "Account": [acme, other]}
    assert matching(schema, records, "Account__r.Name = 'acme'") == {at_acme["Id"]}
    assert matching(schema, records, "Account__r.Name = null") == {orphan["Id"]}


def test_it_reads_keywords_and_names_in_any_case(schema):
    target = lead(Email="a@x.com")
    result = execute(
        "select ID, EMAIL from LEAD where email = 'a@x.com' order by eMail limit 5",
        schema,
        DictSource({"Lead": [target]}),
    )
    assert result.object_name == "Lead"
    assert result.rows == [(target["Id"], {"Id": target["Id"], "Email": "a@x.com"})]
