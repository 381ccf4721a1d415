import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesforce_emulator.ids import IdMinter, is_valid, to_18

# Published pairs of 15- and 18-character ids.
VECTORS = [
    ("a0BA0000000L2ZC", "a0BA0000000L2ZCMA0"),
    ("AAaAAbbBBBCcCCC", "AAaAAbbBBBCcCCC123"),
    ("00558000001N0Ke", "00558000001N0KeAAK"),
    ("70130000001tcyI", "70130000001tcyIAAQ"),
    ("001550V000WOQZi", "001550V000WOQZiACP"),
]


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_it_converts_published_ids(id15, id18):
    assert to_18(id15) == id18
    assert to_18(id18) == id18


def test_it_accepts_a_lower_cased_suffix():
    assert to_18("001550V000WOQZiacp") == "001550V000WOQZiACP"


@pytest.mark.parametrize("bad", ["", "001", "001550V000WOQZi!", "001550V000WOQZiAAA", "001550V000WOQZiAC"])
def test_it_refuses_malformed_ids(bad):
    assert not is_valid(bad)
    with pytest.raises(ValueError, match="malformed id"):
        to_18(bad)


def test_it_mints_distinct_valid_ids_with_the_key_prefix():
    minter = IdMinter()
    minted = [minter.mint("00Q") for _ in range(1000)]
    assert len(set(minted)) == 1000
    assert all(m.startswith("00Q") and len(m) == 18 and is_valid(m) for m in minted)


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=15, max_size=15
    )
)
def test_it_round_trips_every_15_character_id(id15):
    id18 = to_18(id15)
    assert id18[:15] == id15
    assert to_18(id18) == id18
