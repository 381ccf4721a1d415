"""Record ids: 15 case-sensitive characters, or 18 with the case-safe suffix."""

import pytest

from destinations.salesforce import ids

# Published pairs (15 -> 18).
VECTORS = [
    ("a0BA0000000L2ZC", "a0BA0000000L2ZCMA0"),
    ("AAaAAbbBBBCcCCC", "AAaAAbbBBBCcCCC123"),
    ("00558000001N0Ke", "00558000001N0KeAAK"),
    ("70130000001tcyI", "70130000001tcyIAAQ"),
    ("001550V000WOQZi", "001550V000WOQZiACP"),
]


@pytest.mark.parametrize(("short", "full"), VECTORS)
def test_it_adds_the_case_safe_suffix(short, full):
    assert ids.to_18(short) == full


@pytest.mark.parametrize(("short", "full"), VECTORS)
def test_it_accepts_both_forms_and_a_lower_case_suffix(short, full):
    assert ids.is_valid(short) and ids.is_valid(full) and ids.is_valid(full[:15] + full[15:].lower())


@pytest.mark.parametrize(
    "value", ["", "001", "001550V000WOQZi!", "001550V000WOQZiXXX", "001550V000WOQZiAC", "001550v000woqziACP"]
)
def test_it_refuses_what_is_not_an_id(value):
    assert not ids.is_valid(value)
    with pytest.raises(ValueError):
        ids.to_18(value)
