"""Testing events against triggers."""

from types import MappingProxyType

import pytest

from actions.triggers import TriggerSyntaxError, compile_trigger, matches, parse
from actions.triggers.parser import MAX_DEPTH


def _matches(text, event):
    return matches(parse(text), event)


# Paths.


def test_it_reads_a_nested_path():
    assert _matches(
        'context.library.name = "analytics-python"', {"context": {"library": {"name": "analytics-python"}}}
    )


def test_it_reads_an_array_index():
    assert _matches('properties.items[1].sku = "b"', {"properties": {"items": [{"sku": "a"}, {"sku": "b"}]}})


def test_it_reads_an_array_index_written_as_a_dotted_digit():
    # Like lodash get, which Segment uses: items.1 and items[1] are the same.
    assert _matches('properties.items.1 = "b"', {"properties": {"items": ["a", "b"]}})


def test_it_reads_an_index_on_an_object_as_a_key():
    assert _matches('properties.byPosition[0] = "first"', {"properties": {"byPosition": {"0": "first"}}})


def test_it_does_not_read_a_non_canonical_digit_segment_as_an_index():
    assert not _matches('properties.items.01 = "b"', {"properties": {"items": ["a", "b"]}})


def test_it_finds_nothing_past_the_end_of_an_array():
    assert _matches("properties.items[5] = null", {"properties": {"items": ["a"]}})


def test_it_reads_a_key_with_an_escaped_space():
    assert _matches("properties.product\\ 1.price > 5", {"properties": {"product 1": {"price": 6}}})


def test_it_reads_a_key_with_an_escaped_dot_as_one_key():
    event = {"properties": {"a.b": 1, "a": {"b": 2}}}

    assert _matches("properties.a\\.b = 1", event)


def test_it_reads_a_dotted_path_as_nested_keys():
    event = {"properties": {"a.b": 1, "a": {"b": 2}}}

    assert _matches("properties.a.b = 2", event)


@pytest.mark.parametrize(
    "properties",
    [{}, {"a": None}, {"a": "text"}, {"a": 5}, {"a": True}, {"a": []}, {"a": {"c": 1}}, {"a": ["x"]}],
)
def test_it_treats_a_missing_or_unreachable_parent_as_a_missing_field(properties):
    event = {"properties": properties}

    assert _matches("properties.a.b = null", event)


def test_it_treats_a_null_object_as_missing():
    assert _matches("traits.email = null", {"type": "identify", "traits": None})


def test_it_says_a_missing_field_is_not_equal_to_a_text():
    assert _matches('properties.a.b != "x"', {"properties": {"a": None}})


def test_it_reads_properties_from_properties_even_on_identify():
    # An early Segment version read traits for properties on identify; the current one does not.
    assert not _matches('properties.plan = "pro"', {"type": "identify", "traits": {"plan": "pro"}})


def test_it_reads_a_whole_object_as_a_value_that_is_present():
    assert _matches("context.library != null", {"context": {"library": {"name": "x"}}})


def test_it_does_not_equal_an_object_to_a_text():
    assert not _matches('context.library = "[object Object]"', {"context": {"library": {}}})


# Odd event shapes never raise.


@pytest.mark.parametrize("event", [{}, [], None, "identify", 5, {"type": None}, {"properties": "x"}])
def test_it_never_raises_on_an_odd_event(event):
    assert compile_trigger('type = "identify" or properties.a[0].b >= 1')(event) is False


def test_it_reads_any_mapping_as_an_event():
    event = MappingProxyType({"type": "track", "properties": MappingProxyType({"total": 5})})

    assert _matches('type = "track" and properties.total = 5', event)


def test_it_reads_a_long_path_through_any_mapping():
    event = MappingProxyType({"context": MappingProxyType({"library": MappingProxyType({"name": "x"})})})

    assert _matches('context.library.name = "x"', event)


def test_it_reads_tuples_as_arrays():
    assert _matches('properties.tags[1] = "b"', {"properties": {"tags": ("a", "b")}})


# in and not in.


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a", True), ("b", False), (3, True), (3.0, True), ("3", False), (True, True), (1, False), (None, True)],
)
def test_it_takes_each_in_element_with_its_own_type(value, expected):
    assert _matches('properties.x in ["a", 3, true, null]', {"properties": {"x": value}}) is expected


def test_it_takes_a_missing_field_for_null_in_a_list():
    assert _matches('properties.x in ["a", null]', {"properties": {}})


def test_it_leaves_a_missing_field_out_of_a_list_without_null():
    assert not _matches('properties.x in ["a"]', {"properties": {}})


def test_it_does_not_take_the_number_one_for_true_in_a_list():
    assert not _matches("properties.x in [true]", {"properties": {"x": 1}})


def test_it_does_not_take_a_list_value_for_one_of_its_elements():
    assert not _matches('properties.x in ["a"]', {"properties": {"x": ["a"]}})


@pytest.mark.parametrize(
    ("event", "expected"),
    [({"event": "A"}, False), ({"event": "C"}, True), ({}, True), ({"event": 5}, True)],
)
def test_it_takes_not_in_as_the_exact_opposite_of_in(event, expected):
    assert _matches('event not in ["A", "B"]', event) is expected


# Negation.


def test_it_negates_a_group_logically():
    assert _matches('!(type = "track" or type = "page")', {"type": "identify"})


def test_it_negates_a_parenthesised_call_logically_so_a_missing_field_matches():
    assert _matches('!(contains(event, "Test"))', {"type": "identify"})


def test_it_keeps_segments_bang_call_false_on_a_missing_field():
    assert not _matches('!contains(event, "Test")', {"type": "identify"})


def test_it_negates_a_single_condition():
    assert _matches('!type = "track"', {"type": "page"})


def test_it_evaluates_the_deepest_nesting_it_reads():
    half = MAX_DEPTH // 2
    text = "!(" * half + 'type = "track"' + ")" * half

    assert _matches(text, {"type": "track"}) is (half % 2 == 0)


# Globs.


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("a*d", "abcd", True),
        ("*", "", True),
        ("ab", "abc", False),
        ("a??d", "abcd", True),
        ("a??d", "abd", False),
        ("*d", "abcd", True),
        ("ab\\\\*d", "ab*d", True),
        ("ab\\\\*d", "abxd", False),
        ("ab[cC]d", "abCd", True),
        ("ab[a-z]d", "abcd", True),
        ("ab[A-Z]d", "abcd", False),
        ("ab[!a-z]d", "abCd", True),
        ("ab[^a-z]d", "abcd", False),
        ("*Order*", "My Order 1", True),
        ("Order ?", "Order 12", False),
        ("a*b*c", "a-b-b-c", True),
        ("a*b*c", "a-c-b", False),
        ("line*", "line 1\nline 2", True),
        ("?", "é", True),
        ("a.c", "abc", False),
        ("(x)+", "(x)+", True),
    ],
)
def test_it_matches_full_globs(pattern, text, expected):
    assert _matches(f'match(properties.s, "{pattern}")', {"properties": {"s": text}}) is expected


def test_it_reads_a_literal_star_written_as_fql_writes_it():
    # FQL's own example: match('ab*d', 'ab\*d') is true.
    assert _matches(r"match(properties.s, 'ab\*d')", {"properties": {"s": "ab*d"}})


def test_it_matches_globs_case_sensitively():
    assert not _matches('match(event, "order*")', {"event": "Order Completed"})


# compile_trigger.


def test_it_compiles_a_trigger_text_once():
    first = compile_trigger('type = "track" and properties.total >= 100')

    assert compile_trigger('type = "track" and properties.total >= 100') is first


def test_it_keeps_the_compiled_cache_bounded():
    assert compile_trigger.cache_info().maxsize is not None


def test_it_compiles_a_function_that_matches_like_matches():
    test = compile_trigger('type = "track" and properties.total >= 100')

    assert (test({"type": "track", "properties": {"total": 100}}), test({"type": "track"})) == (True, False)


def test_it_raises_a_syntax_error_when_compiling_a_bad_text():
    with pytest.raises(TriggerSyntaxError):
        compile_trigger("type = ")


def test_it_does_not_confuse_true_with_one_in_its_cache():
    # Python says True == 1; a trigger does not, and trees are cache keys.
    assert matches(parse("properties.x = true"), {"properties": {"x": True}})
    assert not matches(parse("properties.x = 1"), {"properties": {"x": True}})
