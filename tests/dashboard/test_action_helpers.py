"""The editor's plain helpers: paths in recent events, the coverage banner, which settings show when."""

import pytest

from actions.coverage import Candidate, Gap, gaps
from actions.event_paths import paths_in
from actions.forms import shown, visibility_rules


def test_it_lists_the_leaf_paths_of_events():
    events = [
        {"type": "identify", "traits": {"email": "a@x.io", "address": {"city": "Paris"}}},
        {"type": "track", "properties": {"products": [{"sku": "s1"}], "empty": {}}},
    ]

    assert paths_in(events) == [
        "$.properties.empty",
        "$.properties.products[0].sku",
        "$.traits.address.city",
        "$.traits.email",
        "$.type",
    ]


def test_it_skips_keys_a_path_cannot_name_and_stops_at_the_limit():
    events = [{"a.b": 1, "ok": 1}, {f"k{n}": n for n in range(50)}]

    assert paths_in(events[:1]) == ["$.ok"]
    assert len(paths_in(events, limit=10)) == 10


@pytest.mark.parametrize(
    ("triggers", "untaken"),
    [
        ([], ["identify", "group"]),
        (['type = "identify"'], ["group"]),
        (['type = "identify" or type = "group"'], []),
        (['type = "track"', "not a trigger", ""], ["identify", "group"]),
        (["traits.email != null"], ["group"]),
    ],
)
def test_it_names_the_types_no_trigger_takes(triggers, untaken):
    actions = [Candidate(f"a{i}", trigger, True, "upsert") for i, trigger in enumerate(triggers)]

    assert [gap.type for gap in gaps(actions)] == untaken


def test_it_names_the_switched_off_actions_that_would_take_a_type():
    actions = [
        Candidate("Account", 'type = "group"', False, "upsert"),
        Candidate("Groups too", 'type = "group" or type = "track"', False, "create"),
        Candidate("Lead", 'type = "identify"', True, "upsert"),
    ]

    assert gaps(actions) == [Gap("group", ("Account", "Groups too"))]


def test_it_counts_no_action_without_an_operation_as_taking_a_type():
    assert gaps([Candidate("Lead", 'type = "identify"', True, "")])[0] == Gap("identify", ())


@pytest.mark.parametrize(
    ("setting", "operation", "use_bulk", "expected"),
    [
        ("record_matchers", "create", False, False),
        ("record_matchers", "upsert", False, True),
        ("record_matchers", "delete", False, True),
        ("fields", "delete", False, False),
        ("fields", "", False, True),
        ("use_bulk", "create", False, False),
        ("use_bulk", "update", False, True),
        ("bulk_upsert_external_id", "upsert", True, True),
        ("bulk_upsert_external_id", "update", True, False),
        ("bulk_update_record_id", "update", True, True),
        ("batch_size", "upsert", False, False),
        ("batch_size", "create", True, False),
        ("batch_size", "update", True, True),
        ("name", "delete", False, True),
    ],
)
def test_settings_show_as_the_catalog_says(setting, operation, use_bulk, expected):
    assert shown(setting, operation, use_bulk) is expected


def test_it_writes_the_visibility_rules_the_page_applies_without_the_server():
    rules = visibility_rules()

    assert rules["record_matchers"] == "update upsert delete/update upsert delete"
    assert rules["fields"] == "none create update upsert/none create update upsert"
    assert rules["batch_size"] == "/update upsert"
    assert rules["bulk_update_record_id"] == "/update"
