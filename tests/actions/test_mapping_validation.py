"""Validating mappings at save time: where each problem is and what it says."""

import math

from actions.mapping import MappingError, evaluation, validate, validation


def only_error(mapping):
    errors = validate(mapping)
    assert len(errors) == 1, errors
    return errors[0]


def test_it_accepts_raw_values():
    raw: list[object] = ["text", 1, 1.5, True, None, [], {}, {"a": [1, {"b": None}]}]
    for mapping in raw:
        assert validate(mapping) == [], mapping


def test_it_accepts_every_directive():
    mapping = {
        "a": {"@path": "$.traits.email"},
        "b": {"@template": "{{traits.name}}"},
        "c": {"@literal": {"x": 1}},
        "d": {"@if": {"blank": {"@path": "$.x"}, "else": 1}},
        "e": {"@case": {"operator": "upper", "value": "x"}},
        "f": {
            "@replace": {"value": "x", "pattern": "x", "replacement": "", "global": False, "ignorecase": True}
        },
        "g": {"@arrayPath": ["$.p", {"a": {"@path": "$.a"}}]},
        "h": {"@json": {"mode": "decode", "value": "1"}},
        "i": {"@merge": {"objects": [{}, {"@path": "$.x"}], "direction": "left"}},
        "j": {"@flatten": {"value": {"@path": "$.x"}, "separator": "_", "omitArrays": True}},
        "k": {"@excludeWhenNull": {"@path": "$.x"}},
    }

    assert validate(mapping) == []


def test_it_checks_exactly_the_directives_it_evaluates():
    assert set(validation._DIRECTIVE_CHECKS) == set(evaluation.DIRECTIVES)


def test_it_accepts_metadata_beside_a_directive():
    assert validate({"@path": "$.a", "_metadata": {"label": "A"}}) == []


def test_it_refuses_a_directive_mixed_with_other_keys():
    error = only_error({"Email": {"@path": "$.traits.email", "foo": "bar"}})

    assert error == MappingError(
        ("Email",), '@path must be alone in its object; move "foo" to another object.'
    )


def test_it_refuses_two_directives_in_one_object():
    error = only_error({"Email": {"@path": "$.a", "@template": "{{b}}"}})

    assert error == MappingError(
        ("Email",), 'Use one directive per object; this one has "@path", "@template".'
    )


def test_it_refuses_an_unknown_directive():
    error = only_error({"Email": {"@field": "$.a"}})

    assert error.path == ("Email",)
    assert error.message.startswith(
        '"@field" is not a directive; use one of @path, @template, @literal, @if,'
    )


def test_it_refuses_directives_we_do_not_run():
    assert only_error({"@liquid": "{{ a }}"}) == MappingError((), "@liquid is not supported here.")
    assert only_error({"@transform": {}}) == MappingError((), "@transform is not supported here.")


def test_it_reports_errors_inside_arrays_with_their_position():
    error = only_error({"Tags": ["a", {"@path": 1}]})

    assert error == MappingError(("Tags", 1, "@path"), '@path must be a string like "$.traits.email".')


def test_it_reports_every_error_in_reading_order():
    errors = validate({"A": {"@path": 1}, "B": {"@case": {"operator": "title", "value": "x"}}})

    assert [e.path for e in errors] == [("A", "@path"), ("B", "@case", "operator")]


def test_it_refuses_numbers_that_are_not_finite():
    assert only_error({"A": math.nan}) == MappingError(("A",), "Numbers must be finite.")


def test_it_refuses_values_that_are_not_json():
    assert only_error({"A": {1, 2}}) == MappingError(("A",), "A set is not a JSON value.")
    assert only_error({1: "a"}) == MappingError((), "Object keys must be text.")


def test_it_refuses_mappings_nested_too_deeply():
    mapping: object = "x"
    for _ in range(40):
        mapping = [mapping]

    error = only_error(mapping)

    assert error.message == "The mapping is nested too deeply (more than 32 levels)."
    assert len(error.path) == 33


# @path


def test_it_refuses_a_path_that_is_not_a_string():
    error = only_error({"Email": {"@path": {"@path": "$.a"}}})

    assert error == MappingError(("Email", "@path"), '@path must be a string like "$.traits.email".')


def test_it_refuses_a_path_with_two_dots_in_a_row():
    error = only_error({"Email": {"@path": "$.traits..email"}})

    assert error == MappingError(
        ("Email", "@path"), '@path "$.traits..email" is not a valid path: it has two dots in a row.'
    )


def test_it_refuses_a_path_ending_with_a_dot():
    assert (
        only_error({"@path": "traits."}).message == '@path "traits." is not a valid path: it ends with a dot.'
    )


def test_it_refuses_a_path_starting_with_a_dot():
    assert only_error({"@path": ".a"}).message == '@path ".a" is not a valid path: it starts with a dot.'


def test_it_refuses_an_unclosed_bracket():
    assert (
        only_error({"@path": "a[0"}).message == '@path "a[0" is not a valid path: a "[" is not closed by "]".'
    )


def test_it_refuses_a_bracket_that_is_not_a_position():
    message = only_error({"@path": "a[x]"}).message

    assert message == '@path "a[x]" is not a valid path: "[x]" is not a position like [0].'


# @template


def test_it_refuses_a_template_that_is_not_text():
    error = only_error({"Name": {"@template": False}})

    assert error == MappingError(
        ("Name", "@template"), '@template must be text with placeholders, like "{{traits.first_name}}".'
    )


def test_it_refuses_a_template_with_an_unclosed_placeholder():
    error = only_error({"Name": {"@template": "Hi {{traits.name}"}})

    assert error == MappingError(("Name", "@template"), '@template has a "{{" without a matching "}}".')


def test_it_refuses_a_template_with_an_empty_placeholder():
    assert only_error({"@template": "a{{ }}b"}).message == '@template has an empty placeholder "{{ }}".'


def test_it_refuses_a_template_placeholder_with_a_bad_path():
    message = only_error({"@template": "{{traits..name}}"}).message

    assert (
        message == '@template placeholder "{{traits..name}}" is not a valid path: it has two dots in a row.'
    )


# @literal and @excludeWhenNull check what they hold


def test_it_checks_directives_inside_a_literal():
    assert only_error({"@literal": {"a": {"@nope": 1}}}).path == ("@literal", "a")


def test_it_checks_the_mapping_inside_exclude_when_null():
    assert only_error({"@excludeWhenNull": {"@path": 1}}).path == ("@excludeWhenNull", "@path")


# @if


def test_it_refuses_an_if_that_is_not_an_object():
    error = only_error({"Email": {"@if": "traits.email"}})

    assert error.path == ("Email", "@if")
    assert error.message.startswith('@if must be an object like {"exists": ')


def test_it_refuses_an_if_without_a_condition():
    assert only_error({"@if": {"then": 1}}) == MappingError(("@if",), '@if needs "exists" or "blank".')


def test_it_refuses_an_if_with_both_conditions():
    error = only_error({"@if": {"exists": 1, "blank": 1, "then": 1}})

    assert error == MappingError(("@if",), '@if takes "exists" or "blank", not both.')


def test_it_refuses_an_if_without_a_branch():
    assert only_error({"@if": {"exists": 1}}) == MappingError(("@if",), '@if needs "then" or "else".')


def test_it_refuses_an_unknown_key_in_an_if():
    error = only_error({"@if": {"exists": 1, "then": 1, "than": 2}})

    assert error == MappingError(
        ("@if", "than"), '@if doesn\'t take "than"; it takes "exists", "blank", "then", "else".'
    )


def test_it_reports_errors_in_an_if_branch_with_their_path():
    error = only_error({"Email": {"@if": {"exists": {"@path": "$.a"}, "then": {"@path": 3}}}})

    assert error.path == ("Email", "@if", "then", "@path")


# @case


def test_it_refuses_a_case_that_is_not_an_object():
    error = only_error({"@case": "upper"})

    assert error.path == ("@case",)
    assert error.message.startswith('@case must be an object like {"operator": "lower"')


def test_it_refuses_an_unknown_case_operator():
    error = only_error({"@case": {"operator": "title", "value": "x"}})

    assert error == MappingError(("@case", "operator"), '@case operator must be "lower" or "upper".')


def test_it_refuses_a_case_without_an_operator():
    assert only_error({"@case": {"value": "x"}}).message == '@case operator must be "lower" or "upper".'


def test_it_refuses_a_case_without_a_value():
    assert only_error({"@case": {"operator": "lower"}}) == MappingError(("@case",), '@case needs "value".')


# @replace


def test_it_refuses_a_replace_without_a_pattern():
    assert only_error({"@replace": {"value": "x"}}) == MappingError(
        ("@replace",), '@replace needs "pattern".'
    )


def test_it_refuses_a_replace_without_a_value():
    assert only_error({"@replace": {"pattern": "x"}}) == MappingError(
        ("@replace",), '@replace needs "value".'
    )


def test_it_refuses_an_empty_pattern():
    error = only_error({"@replace": {"value": "x", "pattern": ""}})

    assert error == MappingError(("@replace", "pattern"), '@replace "pattern" must be some text to look for.')


def test_it_refuses_a_pattern_that_is_not_text():
    assert only_error({"@replace": {"value": "x", "pattern": 1}}).path == ("@replace", "pattern")


def test_it_refuses_a_replacement_that_is_not_text():
    error = only_error({"@replace": {"value": "x", "pattern": "x", "replacement": None}})

    assert error == MappingError(
        ("@replace", "replacement"), '@replace "replacement" must be text (it may be empty).'
    )


def test_it_refuses_a_pattern_that_is_too_long():
    error = only_error({"@replace": {"value": "x", "pattern": "x" * 101}})

    assert error == MappingError(
        ("@replace", "pattern"), '@replace "pattern" must be at most 100 characters.'
    )


def test_it_accepts_patterns_longer_than_mapping_kit_does():
    assert validate({"@replace": {"value": "x", "pattern": "Incorporated", "replacement": "Inc."}}) == []


def test_it_refuses_flags_that_are_not_booleans():
    error = only_error({"@replace": {"value": "x", "pattern": "x", "global": "yes"}})

    assert error == MappingError(("@replace", "global"), '@replace "global" must be true or false.')
    assert only_error({"@replace": {"value": "x", "pattern": "x", "ignorecase": 1}}).path == (
        "@replace",
        "ignorecase",
    )


def test_it_refuses_a_second_replacement_without_a_second_pattern():
    error = only_error({"@replace": {"value": "x", "pattern": "x", "replacement2": "y"}})

    assert error == MappingError(("@replace",), '@replace "replacement2" needs a "pattern2".')


def test_it_refuses_an_empty_second_pattern():
    assert only_error({"@replace": {"value": "x", "pattern": "x", "pattern2": ""}}).path == (
        "@replace",
        "pattern2",
    )


# @arrayPath


def test_it_refuses_an_array_path_that_is_not_a_list():
    error = only_error({"Items": {"@arrayPath": "$.properties.products"}})

    assert error.path == ("Items", "@arrayPath")
    assert error.message.startswith('@arrayPath must be a list like ["$.properties.products", ')


def test_it_refuses_an_array_path_with_too_many_items():
    assert only_error({"@arrayPath": ["$.a", {}, {}]}).path == ("@arrayPath",)
    assert only_error({"@arrayPath": []}).path == ("@arrayPath",)


def test_it_refuses_an_array_path_that_starts_with_something_else():
    error = only_error({"@arrayPath": [3]})

    assert error == MappingError(
        ("@arrayPath", 0), '@arrayPath must start with a path like "$.properties.products", or a directive.'
    )


def test_it_refuses_a_bad_path_in_an_array_path():
    error = only_error({"@arrayPath": ["$.a..b"]})

    assert error == MappingError(
        ("@arrayPath", 0), '@arrayPath "$.a..b" is not a valid path: it has two dots in a row.'
    )


def test_it_refuses_an_item_shape_that_is_not_an_object():
    error = only_error({"@arrayPath": ["$.a", "sku"]})

    assert error.path == ("@arrayPath", 1)
    assert error.message.startswith("@arrayPath item shape must be an object like")


def test_it_reports_errors_in_an_item_shape_with_their_path():
    error = only_error({"@arrayPath": ["$.a", {"sku": {"@path": 1}}]})

    assert error.path == ("@arrayPath", 1, "sku", "@path")


# @json


def test_it_refuses_an_unknown_json_mode():
    error = only_error({"@json": {"mode": "parse", "value": "x"}})

    assert error == MappingError(("@json", "mode"), '@json mode must be "encode" or "decode".')


def test_it_refuses_json_without_a_value():
    assert only_error({"@json": {"mode": "encode"}}) == MappingError(("@json",), '@json needs "value".')


# @merge


def test_it_refuses_merge_without_objects():
    assert only_error({"@merge": {"direction": "right"}}) == MappingError(
        ("@merge",), '@merge needs "objects".'
    )


def test_it_refuses_merge_objects_that_are_not_a_list():
    error = only_error({"@merge": {"objects": {"a": 1}}})

    assert error == MappingError(
        ("@merge", "objects"), "@merge objects must be a list of objects or directives."
    )


def test_it_refuses_a_merge_item_that_is_not_an_object():
    assert only_error({"@merge": {"objects": [{}, 123]}}).path == ("@merge", "objects", 1)


def test_it_refuses_an_unknown_merge_direction():
    error = only_error({"@merge": {"objects": [], "direction": "up"}})

    assert error == MappingError(("@merge", "direction"), '@merge direction must be "left" or "right".')


# @flatten


def test_it_refuses_flatten_without_a_separator():
    assert only_error({"@flatten": {"value": {}}}) == MappingError(
        ("@flatten",), '@flatten needs "separator".'
    )


def test_it_refuses_an_empty_separator():
    error = only_error({"@flatten": {"value": {}, "separator": ""}})

    assert error == MappingError(("@flatten", "separator"), '@flatten separator must be some text, like ".".')


def test_it_refuses_omit_arrays_that_is_not_a_boolean():
    error = only_error({"@flatten": {"value": {}, "separator": ".", "omitArrays": "no"}})

    assert error == MappingError(("@flatten", "omitArrays"), '@flatten "omitArrays" must be true or false.')
