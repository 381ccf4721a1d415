"""Every evaluation has a text budget: a mapping that would build too much stops with a clear error."""

import pytest

from actions.mapping import evaluate, render_fields, validate
from actions.mapping.budget import MAX_RESULT_CHARS, MappingTooLarge
from actions.mapping.evaluation import FieldTooLarge
from actions.mapping.validation import MAX_DIRECTIVE_DEPTH


def _replace(value, pattern="a", replacement="a" * 100):
    return {"@replace": {"value": value, "pattern": pattern, "replacement": replacement}}


EVENT = {"traits": {"name": "a" * 100_000, "short": "abc"}}


def test_it_stops_a_replace_that_would_pass_the_cap_before_building_it():
    # 100,000 "a" each replaced by 100: 10,000,000 characters, as in the report.
    with pytest.raises(MappingTooLarge) as refused:
        evaluate(_replace({"@path": "$.traits.name"}), EVENT)

    assert "@replace would build 10,000,000 characters" in str(refused.value)
    assert f"at most {MAX_RESULT_CHARS:,} characters" in str(refused.value)


def test_it_stops_two_nested_replaces_at_the_first_that_passes_the_cap():
    nested = _replace(_replace({"@path": "$.traits.name"}, replacement="a" * 9))

    with pytest.raises(MappingTooLarge) as refused:
        evaluate(nested, EVENT)

    assert refused.value.size > MAX_RESULT_CHARS


def test_it_counts_an_empty_pattern_as_a_replacement_between_every_character():
    with pytest.raises(MappingTooLarge):
        evaluate(_replace({"@path": "$.traits.name"}, pattern="", replacement="x" * 20), EVENT)


def test_it_counts_a_caseless_replace_the_same_way():
    mapping = {"@replace": {"value": {"@path": "$.traits.name"}, "pattern": "A", "replacement": "b" * 11,
                            "ignorecase": True}}  # fmt: skip

    with pytest.raises(MappingTooLarge):
        evaluate(mapping, EVENT)


def test_it_keeps_what_fits_the_cap():
    assert evaluate(_replace({"@path": "$.traits.short"}), EVENT) == "a" * 100 + "bc"
    assert evaluate(_replace({"@path": "$.traits.name"}, replacement="b" * 9), EVENT) == "b" * 900_000


def test_it_counts_the_text_of_every_directive_of_one_evaluation_together():
    # Each half fits; the two together do not.
    half = _replace({"@path": "$.traits.name"}, replacement="b" * 6)

    assert evaluate(half, EVENT) == "b" * 600_000
    with pytest.raises(MappingTooLarge):
        evaluate([half, half], EVENT)


def test_it_stops_a_template_repeating_a_long_value():
    template = {"@template": "{{traits.name}}" * 11}

    with pytest.raises(MappingTooLarge) as refused:
        evaluate(template, EVENT)

    assert "@template" in str(refused.value)


def test_it_stops_json_encoding_a_long_value_repeated():
    mapping = {"@json": {"mode": "encode", "value": [{"@path": "$.traits.name"}] * 11}}

    with pytest.raises(MappingTooLarge):
        evaluate(mapping, EVENT)


def test_it_caps_a_field_at_its_salesforce_length_when_smaller():
    fields = {"LastName": {"@template": "{{traits.short}}-{{traits.short}}"}}

    assert render_fields(fields, EVENT, {"LastName": 7}) == {"LastName": "abc-abc"}
    with pytest.raises(FieldTooLarge) as refused:
        render_fields(fields, EVENT, {"LastName": 6})

    assert refused.value.field == "LastName"
    assert "at most 6 characters" in str(refused.value)


def test_it_holds_each_directive_to_the_field_length_not_their_sum():
    # A 25-character name, templated then upper-cased: 50 characters built, 25 sent.
    fields = {"FirstName": {"@case": {"operator": "upper", "value": {"@template": "{{traits.first}}"}}}}

    assert render_fields(fields, {"traits": {"first": "a" * 25}}, {"FirstName": 40}) == {
        "FirstName": "A" * 25
    }


def _nested_directives(depth):
    mapping: object = {"@path": "$.traits.short"}
    for _ in range(depth - 1):
        mapping = {"@case": {"operator": "upper", "value": mapping}}
    return mapping


def test_it_refuses_directives_nested_past_the_limit_at_save_time():
    assert validate(_nested_directives(MAX_DIRECTIVE_DEPTH)) == []

    [error] = validate(_nested_directives(MAX_DIRECTIVE_DEPTH + 1))

    assert f"Directives are nested more than {MAX_DIRECTIVE_DEPTH} deep here" in error.message
