"""The editor's one-line text: chains with a fallback, defaults, and text that only looks like a path."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.mapping import evaluate
from actions.mapping.chains import chain
from actions.mapping.text import MappingTextError, from_text, from_texts, to_text, to_texts

COMPANY = chain(["$.traits.company", "$.properties.company"], "Unknown company")


def test_it_reads_a_quoted_literal_at_the_end_of_a_chain_as_the_fallback():
    mapping = from_text('$.traits.company | $.properties.company | "Unknown company"')

    assert mapping == COMPANY
    assert evaluate(mapping, {"traits": {}, "properties": {}}) == "Unknown company"
    assert evaluate(mapping, {"traits": {"company": "Acme"}}) == "Acme"


@pytest.mark.parametrize(
    ("text", "fallback"),
    [("$.traits.employees | 0", 0), ("$.traits.vip | false", False), ("$.traits.x | 2.5", 2.5)],
)
def test_it_reads_a_number_or_boolean_fallback_as_that_value(text, fallback):
    assert from_text(text) == chain([text.split(" | ")[0]], fallback)


def test_it_reads_a_bar_inside_the_quoted_fallback_as_text():
    assert from_text('$.traits.plan | "Free | Trial"') == chain(["$.traits.plan"], "Free | Trial")


def test_it_reads_chains_without_spaces_around_the_bar():
    assert from_text("$.traits.a|$.properties.a") == chain(["$.traits.a", "$.properties.a"])


def test_it_reads_a_path_with_a_space_in_a_key_as_a_path():
    assert from_text("$.integrations.Actions Amplitude.id") == {
        "@path": "$.integrations.Actions Amplitude.id"
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("$.traits.company | Unknown company", '… | "Unknown company"'),
        ("$.traits.company | $.properties.company | Unknown", '… | "Unknown"'),
        ("traits.email", "write $.traits.email for the value"),
        ("$traits.email", "write $.traits.email for the value"),
        ("properties.total", "write $.properties.total"),
        ("userId", "write $.userId"),
        ("$.traits.a | traits.b", "write $.traits.b"),
        ("traits.a | $.traits.b", "write $.traits.a"),
        ("Web | $.traits.source", "only the last value of a chain can be fixed text"),
        ("$.traits.a | ", "nothing on one side"),
        ("$.traits..a | $.traits.b", "not a valid path: it has two dots in a row"),
        ("$.traits.a | {{traits.b}}", "neither a path nor text in quotes"),
    ],
)
def test_it_refuses_text_that_looks_like_a_path_or_chain_but_is_not_one(text, says):
    with pytest.raises(MappingTextError) as refused:
        from_text(text)

    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ('"traits.email"', "traits.email"),
        ('"$.traits.company | Unknown"', "$.traits.company | Unknown"),
        ("Red | Blue", "Red | Blue"),
        ("example.com", "example.com"),
        ("$5.00 off", "$5.00 off"),
    ],
)
def test_it_takes_quoted_or_plain_text_as_the_text(text, literal):
    assert from_text(text) == literal


def test_it_writes_a_literal_that_looks_like_a_path_in_quotes():
    assert to_text("traits.email") == '"traits.email"'
    assert from_text(to_text("traits.email")) == "traits.email"


def test_it_writes_a_chain_with_its_fallback_on_one_line():
    assert to_text(COMPANY) == '$.traits.company | $.properties.company | "Unknown company"'


def test_it_combines_a_value_and_a_default_into_a_chain():
    assert from_texts("$.traits.company | $.properties.company", "Unknown company") == COMPANY


def test_it_reads_a_default_typed_in_quotes_as_the_text():
    assert from_texts("$.traits.company", '"Unknown"') == chain(["$.traits.company"], "Unknown")


def test_it_shows_a_text_fallback_as_the_default():
    assert to_texts(COMPANY) == ("$.traits.company | $.properties.company", "Unknown company")


def test_it_keeps_a_number_fallback_in_the_value():
    assert to_texts(chain(["$.traits.employees"], 0)) == ("$.traits.employees | 0", "")


def test_a_default_alone_is_the_fixed_value():
    assert from_texts("", "Web") == "Web"


def test_it_gives_a_directive_a_default():
    lower = '{"@case": {"operator": "lower", "value": {"@path": "$.traits.email"}}}'

    mapping = from_texts(lower, "none")

    assert evaluate(mapping, {"traits": {}}) == "none"
    assert to_texts(mapping) == (lower, "none")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("Web", "fixed value"),
        ("{{traits.first_name}}", "template"),
        ('$.traits.a | "x"', "fallback at the end of its value already"),
    ],
)
def test_it_refuses_a_default_that_would_never_be_used(value, says):
    with pytest.raises(MappingTextError, match=says):
        from_texts(value, "y")


path_names = st.sampled_from(["traits", "properties", "company", "email", "0", "x y"])
path_texts = st.lists(path_names, min_size=1, max_size=3).map(lambda names: "$." + ".".join(names))
fallbacks = (
    st.text(max_size=12) | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
)


@given(st.lists(path_texts, min_size=1, max_size=4), fallbacks)
def test_any_chain_reads_back_from_its_text(links, fallback):
    mapping = chain(links, fallback)

    assert from_text(to_text(mapping)) == mapping


@given(st.lists(path_texts, min_size=1, max_size=4), fallbacks)
def test_any_chain_reads_back_from_its_value_and_default(links, fallback):
    mapping = chain(links, fallback)

    assert from_texts(*to_texts(mapping)) == mapping


@given(st.text(max_size=30), st.text(max_size=12))
def test_reading_any_value_and_default_either_works_or_says_why(value, default):
    try:
        mapping = from_texts(value, default)
    except MappingTextError as refused:
        assert str(refused)
    else:
        assert from_texts(*to_texts(mapping)) == mapping


defaults = st.text(min_size=1, max_size=12).filter(lambda t: t.strip() and not t.strip().startswith('"'))


@given(st.lists(path_texts, min_size=1, max_size=3), defaults)
def test_any_default_added_in_the_editor_is_used_when_the_event_has_nothing(links, default):
    mapping = from_texts(" | ".join(links), default)

    assert evaluate(mapping, {}) == default.strip()
