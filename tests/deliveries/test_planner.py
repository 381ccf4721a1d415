from deliveries.planner import (
    Item,
    Matcher,
    Spec,
    Strategy,
    lookup_groups,
    plan_after_lookup,
    plan_direct,
    strategy,
)

EMAIL = Matcher("Email", "email")
MEMBER = Matcher("Member_Number__c", "string")
ID = Matcher("Id", "id", createable=False)
EXTERNAL = Matcher("External_Id__c", "string", external_id=True)


def _lead(operation, *matchers, operator="OR"):
    return Spec("Lead", operation, tuple(matchers), operator)


def test_it_chooses_the_cheapest_strategy():
    assert strategy(_lead("create")) is Strategy.CREATE
    assert strategy(_lead("update", ID)) is Strategy.BY_ID
    assert strategy(_lead("delete", ID)) is Strategy.BY_ID
    assert strategy(_lead("upsert", EXTERNAL)) is Strategy.BY_EXTERNAL_ID
    assert strategy(_lead("upsert", ID)) is Strategy.LOOKUP
    assert strategy(_lead("upsert", EMAIL)) is Strategy.LOOKUP
    assert strategy(_lead("update", EXTERNAL)) is Strategy.LOOKUP
    assert strategy(_lead("upsert", EXTERNAL, EMAIL)) is Strategy.LOOKUP


def test_it_creates_one_record_per_event_even_when_they_look_alike():
    items = [Item(1, {"LastName": "A"}), Item(2, {"LastName": "A"})]

    writes = plan_direct(_lead("create"), items)

    assert [t.delivery_ids for t in writes.creates] == [[1], [2]]


def test_it_merges_updates_of_one_id_in_order():
    items = [
        Item(1, {"LastName": "A", "City": "Paris"}, {"Id": "00Q5g0000000001EAA"}),
        Item(2, {"LastName": "B"}, {"Id": "00Q5g0000000001"}),
    ]

    writes = plan_direct(_lead("update", ID), items)

    assert len(writes.updates) == 1
    assert writes.updates[0].delivery_ids == [1, 2]
    assert writes.updates[0].fields == {"LastName": "B", "City": "Paris"}
    assert writes.updates[0].record_id == "00Q5g0000000001EAA"


def test_it_upserts_by_external_id_once_per_value_and_sends_the_value():
    items = [
        Item(1, {"LastName": "A"}, {"External_Id__c": "x-1"}),
        Item(2, {"City": "Rome"}, {"External_Id__c": "X-1"}),
    ]

    writes = plan_direct(_lead("upsert", EXTERNAL), items)

    assert len(writes.upserts) == 1
    assert writes.upserts[0].fields == {"LastName": "A", "City": "Rome", "External_Id__c": "x-1"}


def test_it_fails_an_event_without_any_matcher_value():
    writes = plan_direct(_lead("update", ID), [Item(1, {"LastName": "A"}, {})])

    assert writes.verdicts[1].error_code == "MISSING_MATCHER_VALUE"
    assert writes.updates == []


def test_it_requires_every_matcher_value_with_and():
    spec = _lead("upsert", EMAIL, MEMBER, operator="AND")

    assert lookup_groups(spec, [Item(1, {}, {"Email": "a@x.io"})]) == []
    writes = plan_after_lookup(spec, [Item(1, {}, {"Email": "a@x.io"})], [])
    assert "Member_Number__c has no value" in writes.verdicts[1].message


def test_it_looks_up_only_the_present_values_with_or():
    spec = _lead("upsert", EMAIL, MEMBER)

    assert lookup_groups(spec, [Item(1, {}, {"Email": "a@x.io", "Member_Number__c": None})]) == [
        {"Email": "a@x.io"}
    ]


def test_it_creates_on_no_match_with_the_matcher_values_written():
    spec = _lead("upsert", EMAIL)

    writes = plan_after_lookup(spec, [Item(1, {"LastName": "A"}, {"Email": "a@x.io"})], [])

    assert [(t.delivery_ids, t.fields) for t in writes.creates] == [
        ([1], {"Email": "a@x.io", "LastName": "A"})
    ]


def test_it_creates_one_record_for_two_new_events_with_the_same_matcher_value():
    spec = _lead("upsert", EMAIL)
    items = [
        Item(1, {"LastName": "A"}, {"Email": "new@x.io"}),
        Item(2, {"City": "Oslo"}, {"Email": "NEW@x.io"}),
    ]

    writes = plan_after_lookup(spec, items, [])

    assert len(writes.creates) == 1
    assert writes.creates[0].delivery_ids == [1, 2]
    assert writes.creates[0].fields == {"Email": "NEW@x.io", "LastName": "A", "City": "Oslo"}


def test_it_joins_new_records_sharing_any_value_with_or():
    spec = _lead("upsert", EMAIL, MEMBER)
    items = [
        Item(1, {}, {"Email": "a@x.io"}),
        Item(2, {}, {"Email": "b@x.io", "Member_Number__c": "7"}),
        Item(3, {}, {"Email": "a@x.io", "Member_Number__c": "7"}),
        Item(4, {}, {"Email": "c@x.io"}),
    ]

    writes = plan_after_lookup(spec, items, [])

    assert sorted(t.delivery_ids for t in writes.creates) == [[1, 2, 3], [4]]


def test_it_keeps_new_records_apart_with_and_unless_every_value_agrees():
    spec = _lead("upsert", EMAIL, MEMBER, operator="AND")
    items = [
        Item(1, {}, {"Email": "a@x.io", "Member_Number__c": "1"}),
        Item(2, {}, {"Email": "a@x.io", "Member_Number__c": "2"}),
        Item(3, {}, {"Email": "A@x.io", "Member_Number__c": "1"}),
    ]

    writes = plan_after_lookup(spec, items, [])

    assert sorted(t.delivery_ids for t in writes.creates) == [[1, 3], [2]]


def test_it_updates_the_one_match_found_case_insensitively():
    spec = _lead("upsert", EMAIL)
    records = [{"Id": "00Q000000000001AAA", "Email": "Ada@X.io"}]

    writes = plan_after_lookup(spec, [Item(1, {"LastName": "L"}, {"Email": "ada@x.io"})], records)

    assert [(t.record_id, t.fields) for t in writes.updates] == [("00Q000000000001AAA", {"LastName": "L"})]
    assert writes.creates == []


def test_it_writes_nothing_and_reports_300_when_several_records_match():
    spec = _lead("update", EMAIL)
    records = [
        {"Id": "00Q000000000001AAA", "Email": "a@x.io"},
        {"Id": "00Q000000000002AAA", "Email": "a@x.io"},
    ]

    writes = plan_after_lookup(spec, [Item(1, {"LastName": "L"}, {"Email": "a@x.io"})], records)

    verdict = writes.verdicts[1]
    assert (verdict.status, verdict.status_code) == ("multiple_matches", 300)
    assert verdict.record_ids == ("00Q000000000001AAA", "00Q000000000002AAA")
    assert writes.updates == []


def test_it_counts_a_record_matched_by_two_or_matchers_once():
    spec = _lead("update", EMAIL, MEMBER)
    records = [{"Id": "00Q000000000001AAA", "Email": "a@x.io", "Member_Number__c": "7"}]

    writes = plan_after_lookup(spec, [Item(1, {}, {"Email": "a@x.io", "Member_Number__c": "7"})], records)

    assert [t.record_id for t in writes.updates] == ["00Q000000000001AAA"]


def test_it_needs_every_value_to_match_with_and():
    spec = _lead("update", EMAIL, MEMBER, operator="AND")
    records = [
        {"Id": "00Q000000000001AAA", "Email": "a@x.io", "Member_Number__c": "1"},
        {"Id": "00Q000000000002AAA", "Email": "a@x.io", "Member_Number__c": "2"},
    ]

    writes = plan_after_lookup(spec, [Item(1, {}, {"Email": "a@x.io", "Member_Number__c": "2"})], records)

    assert [t.record_id for t in writes.updates] == ["00Q000000000002AAA"]


def test_it_fails_update_and_delete_without_a_match_as_not_found():
    for operation in ("update", "delete"):
        writes = plan_after_lookup(_lead(operation, EMAIL), [Item(1, {}, {"Email": "none@x.io"})], [])
        assert (writes.verdicts[1].status_code, writes.verdicts[1].error_code) == (404, "NOT_FOUND")
        assert 'Email = "none@x.io"' in writes.verdicts[1].message


def test_it_deletes_a_record_matched_by_two_events_once():
    spec = _lead("delete", EMAIL)
    records = [{"Id": "00Q000000000001AAA", "Email": "a@x.io"}]

    writes = plan_after_lookup(
        spec, [Item(1, {}, {"Email": "a@x.io"}), Item(2, {}, {"Email": "A@x.io"})], records
    )

    assert [(t.record_id, t.delivery_ids, t.fields) for t in writes.deletes] == [
        ("00Q000000000001AAA", [1, 2], {})
    ]


def test_it_does_not_write_an_id_matcher_into_a_new_record():
    spec = _lead("upsert", ID)

    writes = plan_after_lookup(spec, [Item(1, {"LastName": "L"}, {"Id": "00Q000000000009AAA"})], [])

    assert writes.creates[0].fields == {"LastName": "L"}
