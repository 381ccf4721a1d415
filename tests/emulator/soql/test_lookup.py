"""Narrowing with the store's indexes, and the same answers without them."""

# The tests build SOQL text on purpose; no database is behind it.
# ruff: noqa: S608

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from salesforce_emulator.ids import to_18
from salesforce_emulator.soql import execute
from salesforce_emulator.soql.predicates import AnyOf

from .conftest import DictSource, ScanOnlySource, ids_of, lead, make_schema


class EverythingSource(DictSource):
    """An index so coarse it answers every record: a legal superset."""

    def lookup(self, object_name, field_name, values):
        self.lookups.append((object_name, field_name, frozenset(values)))
        return self.all(object_name)


def leads(n):
    return [lead(Email=f"u{i}@x.com", Member_Number__c=f"M{i}", Status="Open") for i in range(n)]


def test_it_asks_the_index_once_for_an_in_list(schema):
    records = leads(300)
    values = ", ".join(f"'U{i}@X.com'" for i in range(200))
    source = DictSource({"Lead": records})
    result = execute(f"SELECT Id, Email FROM Lead WHERE Email IN ({values})", schema, source)
    assert result.total_size == 200
    assert [(obj, field, len(values)) for obj, field, values in source.lookups] == [("Lead", "Email", 200)]


def test_it_narrows_an_or_of_ands_with_one_lookup_on_the_unique_field(schema):
    records = leads(300)
    branches = " OR ".join(f"(Email = 'u{i}@x.com' AND Member_Number__c = 'M{i}')" for i in range(200))
    source = DictSource({"Lead": records})
    result = execute(f"SELECT Id FROM Lead WHERE {branches}", schema, source)
    assert result.total_size == 200
    assert [(field, len(values)) for _, field, values in source.lookups] == [("Member_Number__c", 200)]


def test_it_narrows_an_and_by_its_covered_part(schema):
    records = leads(10)
    source = DictSource({"Lead": records})
    result = execute("SELECT Id FROM Lead WHERE Status != 'Closed' AND Email = 'u3@x.com'", schema, source)
    assert ids_of(result) == [records[3]["Id"]]
    assert source.lookups == [("Lead", "Email", frozenset({"u3@x.com"}))]


def test_it_unions_or_branches_keyed_on_different_fields(schema):
    by_email, by_member, neither = leads(3)
    text = (
        f"SELECT Id FROM Lead WHERE Email = '{by_email['Email']}' "
        f"OR (Member_Number__c = '{by_member['Member_Number__c']}' AND Status = 'Open')"
    )
    for source in (
        DictSource({"Lead": [by_email, by_member, neither]}),
        ScanOnlySource({"Lead": [by_email, by_member, neither]}),
    ):
        assert set(ids_of(execute(text, schema, source))) == {by_email["Id"], by_member["Id"]}


def test_it_scans_when_one_or_branch_is_not_covered(schema):
    records = leads(10)
    source = DictSource({"Lead": records})
    result = execute("SELECT Id FROM Lead WHERE Email = 'u1@x.com' OR Status LIKE 'Op%'", schema, source)
    assert result.total_size == 10
    assert source.lookups == []


def test_it_scans_when_the_store_has_no_index(schema):
    records = leads(10)
    source = ScanOnlySource({"Lead": records})
    result = execute("SELECT Id FROM Lead WHERE Email IN ('u1@x.com', 'u2@x.com')", schema, source)
    assert set(ids_of(result)) == {records[1]["Id"], records[2]["Id"]}
    assert len(source.lookups) == 1


def test_it_rechecks_every_candidate_the_index_returns(schema):
    records = leads(10)
    result = execute(
        "SELECT Id FROM Lead WHERE Email = 'u4@x.com'", schema, EverythingSource({"Lead": records})
    )
    assert ids_of(result) == [records[4]["Id"]]


def test_it_asks_for_an_id_in_both_its_forms(schema):
    target = lead()
    source = DictSource({"Lead": [target, lead()]})
    result = execute(f"SELECT Id FROM Lead WHERE Id = '{target['Id'][:15]}'", schema, source)
    assert ids_of(result) == [target["Id"]]
    assert source.lookups == [("Lead", "Id", frozenset({target["Id"], target["Id"][:15]}))]


def test_it_does_not_ask_the_index_for_null(schema):
    source = DictSource({"Lead": [lead(Email=None), lead(Email="a@x.com")]})
    assert execute("SELECT Id FROM Lead WHERE Email IN ('a@x.com', null)", schema, source).total_size == 2
    assert source.lookups == []


# Conditions drawn from a small vocabulary, so random records often match.
EMAILS = ["a@x.com", "A@X.COM", "b@x.com", "", None]
MEMBERS = ["M1", "m1", "M2", None]
STATUSES = ["Open", "Closed", None]
ID_POOL = [to_18(f"00QAb1000000{n:03d}") for n in range(12)]
record_strategy = st.builds(
    lambda email, member, status, employees: lead(
        Email=email, Member_Number__c=member, Status=status, NumberOfEmployees=employees
    ),
    st.sampled_from(EMAILS),
    st.sampled_from(MEMBERS),
    st.sampled_from(STATUSES),
    st.one_of(st.none(), st.integers(0, 3)),
)


def _with_pool_ids(records):
    for record, record_id in zip(records, ID_POOL, strict=False):
        record["Id"] = record_id
    return records


def _quoted(value):
    return "null" if value is None else "'" + value + "'"


leaf_strategy = st.one_of(
    st.builds(lambda v: f"Email = {_quoted(v)}", st.sampled_from(EMAILS)),
    st.builds(lambda v: f"Member_Number__c = {_quoted(v)}", st.sampled_from(MEMBERS)),
    st.builds(lambda v: f"Status != {_quoted(v)}", st.sampled_from(STATUSES)),
    st.builds(lambda n: f"NumberOfEmployees > {n}", st.integers(0, 3)),
    st.builds(
        lambda vs: "Email IN (" + ", ".join(_quoted(v) for v in vs) + ")",
        st.lists(st.sampled_from(EMAILS), min_size=1, max_size=3),
    ),
    st.builds(
        lambda v: f"Id = '{v}'", st.sampled_from([ID_POOL[0], ID_POOL[1][:15], ID_POOL[1].lower()[:15]])
    ),
)


def _combine(children):
    return st.one_of(
        st.builds(lambda xs: "(" + " AND ".join(xs) + ")", st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda xs: "(" + " OR ".join(xs) + ")", st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda x: f"(NOT {x})", children),
    )


condition_strategy = st.recursive(leaf_strategy, _combine, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(record_strategy, max_size=12).map(_with_pool_ids), condition_strategy)
def test_it_answers_the_same_with_and_without_indexes(records, condition):
    schema = make_schema()
    text = f"SELECT Id FROM Lead WHERE {condition}"
    data = {"Lead": records}
    indexed = execute(text, schema, DictSource(data))
    coarse = execute(text, schema, EverythingSource(data))
    scanned = execute(text, schema, ScanOnlySource(data))
    # Without the OR dispatch every branch is tested on every record: the oracle.
    with patch.object(AnyOf, "_build_dispatch", lambda self: None):
        naive = execute(text, schema, DictSource(data))
    assert (
        sorted(ids_of(indexed)) == sorted(ids_of(scanned)) == sorted(ids_of(coarse)) == sorted(ids_of(naive))
    )
