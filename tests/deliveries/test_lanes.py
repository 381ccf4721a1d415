"""Lanes: deliveries about one record always share a lane (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deliveries.lanes import lane_of
from deliveries.matching import match_key
from destinations.salesforce import ids

LANES = 7
EMAIL = [("Email", {"@path": "$.traits.email"})]


def _lane(value: object, matchers=EMAIL, operation: str = "upsert", lanes: int = LANES) -> int:
    return lane_of(operation, matchers, {"traits": {"email": value}}, lanes)


texts = st.text(min_size=1, max_size=40).filter(lambda t: t.strip())


@given(texts)
def test_text_values_salesforce_takes_as_equal_share_a_lane(text):
    variants = [text, text.upper(), text.lower(), text.swapcase(), f"  {text} "]
    same = [v for v in variants if match_key(v.strip(), "string") == match_key(text.strip(), "string")]
    assert len({_lane(v) for v in same}) == 1


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_numbers_share_a_lane_however_written(number):
    written = [number, str(number), f"{number}.0", float(number)]
    assert len({match_key(w, "double") for w in written}) == 1
    assert len({_lane(w) for w in written}) == 1


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=15, max_size=15
    )
)
def test_an_id_shares_a_lane_in_its_15_and_18_character_forms(short):
    long = ids.to_18(short)
    assert match_key(short, "id") == match_key(long, "id")
    assert _lane(short, [("Id", {"@path": "$.traits.email"})], "update") == _lane(
        long, [("Id", {"@path": "$.traits.email"})], "update"
    )


@given(texts, st.integers(min_value=1, max_value=64))
def test_a_lane_is_stable_and_in_range(text, lanes):
    lane = _lane(text, lanes=lanes)
    assert 0 <= lane < lanes
    assert lane == _lane(text, lanes=lanes)


def test_values_spread_over_the_lanes():
    lanes = {_lane(f"person{n}@example.com") for n in range(200)}
    assert lanes == set(range(LANES))


def test_creates_spread_by_event_and_several_matchers_take_one_lane():
    creates = {lane_of("create", [], {}, LANES, spread=f"message-{n}") for n in range(200)}
    assert creates == set(range(LANES))
    two = [("Email", {"@path": "$.traits.email"}), ("Phone", {"@path": "$.traits.phone"})]
    assert {lane_of("upsert", two, {"traits": {"email": f"p{n}@x.io"}}, LANES) for n in range(50)} == {0}


def test_one_lane_or_no_value_is_lane_zero():
    assert _lane("someone@example.com", lanes=1) == 0
    assert {_lane(v) for v in (None, "")} == {0}
    assert lane_of("upsert", EMAIL, {"traits": {}}, LANES) == 0
    # Every spelling of a date or a date-time shares one lane.
    assert len({_lane(v) for v in ("2024-01-01", "2024-01-01T23:00:00-05:00", "2024-01-02T04:00:00Z")}) == 1


def test_a_mapping_that_fails_to_evaluate_takes_lane_zero_instead_of_failing_routing(monkeypatch):
    from deliveries import lanes

    def broken(mapping, payload):
        raise KeyError("pattern")

    monkeypatch.setattr(lanes, "evaluate", broken)

    assert _lane("someone@example.com") == 0
