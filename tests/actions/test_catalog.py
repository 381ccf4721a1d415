import pytest

from actions.catalog import KINDS, kind


def test_it_offers_the_six_kinds_of_the_seed():
    assert [spec.title for spec in KINDS.values()] == [
        "Lead",
        "Contact",
        "Account",
        "Case",
        "Opportunity",
        "Custom Object",
    ]


def test_it_gives_lead_and_account_their_default_triggers_and_no_one_else():
    assert {k: s.default_trigger for k, s in KINDS.items() if s.default_trigger} == {
        "lead": 'type = "identify"',
        "account": 'type = "group"',
    }


def test_it_defaults_lead_fields_to_the_trait_else_the_property():
    email = kind("lead").default_fields()["Email"]
    assert email == {
        "@if": {
            "exists": {"@path": "$.traits.email"},
            "then": {"@path": "$.traits.email"},
            "else": {"@path": "$.properties.email"},
        }
    }
    assert kind("lead").default_fields()["PostalCode"]["@if"]["then"] == {
        "@path": "$.traits.address.postal_code"
    }


def test_it_leaves_fields_without_a_default_out_of_a_new_action():
    assert "AccountId" not in kind("contact").default_fields()
    assert "ShippingCity" not in kind("account").default_fields()
    assert "ShippingCity" in kind("account").fields
    assert kind("account").default_fields()["AccountNumber"] == {"@path": "$.groupId"}


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown action kind"):
        kind("task")
