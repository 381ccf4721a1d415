"""Chains with a fallback, and fixed text that looks like a path (no Django)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.mapping import MISSING, evaluate, render_fields, validate
from actions.mapping.chains import ChainError, chain, split_fallback, with_fallback
from actions.mapping.lookalikes import literal_warnings, meant_path

EVENT = {
    "type": "identify",
    "userId": "u1",
    "traits": {"company": None, "nickname": "", "employees": 0},
    "properties": {"company": "Analytical Engines"},
}


def test_it_takes_the_first_link_the_event_has():
    mapping = chain(["$.traits.company", "$.properties.company"], "Unknown company")

    assert evaluate(mapping, EVENT) == "Analytical Engines"


def test_it_falls_back_when_no_link_has_a_value():
    mapping = chain(["$.traits.company", "$.properties.missing"], "Unknown company")

    assert evaluate(mapping, EVENT) == "Unknown company"


def test_it_keeps_zero_as_a_value_and_not_the_fallback():
    assert evaluate(chain(["$.traits.employees"], 10), EVENT) == 0


def test_it_leaves_the_field_out_without_a_fallback():
    assert render_fields({"Company": chain(["$.traits.company", "$.properties.nope"])}, EVENT) == {}


def test_it_writes_a_single_path_as_a_plain_path():
    assert chain(["$.traits.email"]) == {"@path": "$.traits.email"}


def test_it_adds_a_fallback_at_the_end_of_a_chain():
    plain = chain(["$.traits.a", "$.properties.a"])

    assert with_fallback(plain, "x") == chain(["$.traits.a", "$.properties.a"], "x")


def test_it_wraps_any_other_mapping_read_from_the_event():
    lower = {"@case": {"operator": "lower", "value": {"@path": "$.traits.email"}}}

    assert evaluate(with_fallback(lower, "none"), EVENT) == "none"
    assert split_fallback(with_fallback(lower, "none")) == (lower, "none")


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (None, "no value to fall back from"),
        ("Web", "fixed value"),
        ({"Name": {"@path": "$.x"}}, "fixed value"),
        ({"@literal": "x"}, "fixed value"),
        ({"@template": "{{traits.a}}"}, "template"),
        (chain(["$.a"], "x"), "fallback at the end"),
    ],
)
def test_it_refuses_a_fallback_that_would_never_be_used(mapping, message):
    with pytest.raises(ChainError, match=message):
        with_fallback(mapping, "y")


def test_it_finds_no_fallback_in_a_plain_coalesce():
    plain = chain(["$.traits.a", "$.properties.a"])

    assert split_fallback(plain) == (plain, MISSING)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("$.traits.email", "$.traits.email"),
        ("traits.email", "$.traits.email"),
        ("properties.items[0]", "$.properties.items[0]"),
        ("$traits.email", "$.traits.email"),
        ("userId", "$.userId"),
        ("Web", None),
        ("example.com", None),
        ("$5.00", None),
        ("$", None),
    ],
)
def test_it_tells_text_that_means_a_path(text, meant):
    assert meant_path(text) == meant


def test_it_warns_of_fixed_text_that_looks_like_a_path_with_where_it_is():
    mapping = {
        "@if": {"exists": {"@path": "$.traits.a"}, "then": {"@path": "$.traits.a"}, "else": "traits.b"}
    }

    [warning] = literal_warnings(mapping)

    assert warning.path == ("@if", "else")
    assert '{"@path": "$.traits.b"}' in warning.message


def test_it_warns_of_fixed_text_that_looks_like_a_chain():
    [warning] = literal_warnings("$.traits.company | Unknown")

    assert "chain" in warning.message


@pytest.mark.parametrize(
    "mapping",
    [
        {"@literal": "$.traits.email"},
        {"@path": "$.traits.email"},
        {"@template": "{{traits.email}}"},
        {"@arrayPath": ["$.properties.products", {"sku": {"@path": "$.sku"}}]},
        "Red | Blue",
        "Web",
    ],
)
def test_it_does_not_warn_of_what_is_meant(mapping):
    assert literal_warnings(mapping) == []


path_names = st.sampled_from(["traits", "properties", "a", "company", "x y", "0"])
path_texts = st.lists(path_names, min_size=1, max_size=3).map(lambda names: "$." + ".".join(names))
fallbacks = (
    st.text(max_size=12) | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
)
values = st.none() | st.text(max_size=4) | st.integers(-2, 2) | st.booleans()
events = st.recursive(
    values, lambda children: st.dictionaries(path_names, children, max_size=4), max_leaves=12
)


@given(st.lists(path_texts, min_size=1, max_size=4), fallbacks)
def test_any_fallback_comes_back_out_of_its_chain(links, fallback):
    mapping = chain(links, fallback)

    assert validate(mapping) == []
    inner, found = split_fallback(mapping)
    assert found == fallback and type(found) is type(fallback)
    assert with_fallback(inner, fallback) == mapping


@given(st.lists(path_texts, min_size=1, max_size=4), fallbacks, events)
def test_a_chain_gives_the_first_value_present_and_not_null_else_its_fallback(links, fallback, event):
    found = [evaluate({"@path": link}, event) for link in links]
    expected = next((value for value in found if value is not MISSING and value is not None), fallback)

    assert evaluate(chain(links, fallback), event) == expected
