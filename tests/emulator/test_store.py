from salesforce_emulator.ids import to_18
from salesforce_emulator.schema_loader import load_schema
from salesforce_emulator.store import RecordStore


def _id(number):
    return to_18(f"00Q5g00000000{number:02d}")


def _store_with_leads(*emails):
    store = RecordStore(load_schema())
    for number, email in enumerate(emails, start=1):
        store.insert("Lead", {"Id": _id(number), "Email": email, "LastName": "x"})
    return store


def test_it_finds_candidates_case_insensitively():
    store = _store_with_leads("Ann@Example.com", "bob@example.com")
    found = store.lookup("Lead", "email", ["ann@example.COM"])
    assert [r["Email"] for r in found] == ["Ann@Example.com"]


def test_it_keeps_an_index_current_after_writes():
    store = _store_with_leads("ann@example.com")
    store.lookup("Lead", "Email", ["x"])  # builds the index
    store.update("Lead", _id(1), {"Email": "new@example.com"})
    store.insert("Lead", {"Id": _id(9), "Email": "ann@example.com"})
    assert [r["Id"] for r in store.lookup("Lead", "Email", ["new@example.com"])] == [_id(1)]
    assert [r["Id"] for r in store.lookup("Lead", "Email", ["ann@example.com"])] == [_id(9)]


def test_it_looks_up_ids_in_15_and_18_character_form():
    store = _store_with_leads("a@example.com")
    assert len(list(store.lookup("Lead", "Id", [_id(1)[:15]]))) == 1


def test_it_declines_a_lookup_of_null():
    store = _store_with_leads("a@example.com")
    assert store.lookup("Lead", "Email", [None]) is None


def test_it_rolls_back_a_transaction():
    store = _store_with_leads("a@example.com")
    store.lookup("Lead", "Email", ["x"])
    store.begin()
    store.insert("Lead", {"Id": _id(9), "Email": "b@example.com"})
    store.update("Lead", _id(1), {"Email": "c@example.com"})
    store.rollback()
    assert [r["Email"] for r in store.all("Lead")] == ["a@example.com"]
    assert store.lookup("Lead", "Email", ["c@example.com"]) == []
    assert len(list(store.lookup("Lead", "Email", ["a@example.com"]))) == 1


def test_it_looks_up_200_values_in_a_100000_record_store():
    store = RecordStore(load_schema())
    for number in range(100_000):
        store.insert("Contact", {"Id": f"003{number:012d}AAA", "Email": f"user{number}@example.com"})
    wanted = [f"USER{n}@example.com" for n in range(0, 100_000, 500)]
    found = store.lookup("Contact", "Email", wanted)
    assert found is not None
    assert len(list(found)) == 200


def test_it_counts_live_records_through_deletes_and_rollbacks():
    store = _store_with_leads("a@example.com", "b@example.com")
    store.update("Lead", _id(1), {"IsDeleted": True})
    assert (store.count("Lead"), store.count("Lead", include_deleted=True)) == (1, 2)
    store.begin()
    store.update("Lead", _id(2), {"IsDeleted": True})
    store.insert("Lead", {"Id": _id(9), "Email": "c@example.com"})
    store.rollback()
    assert store.count("Lead") == 1
