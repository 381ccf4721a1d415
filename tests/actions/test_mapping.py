"""Evaluating mappings: the directives, missing vs null vs empty, and field maps."""

from actions.mapping import MISSING, evaluate, render_fields, validate

# The event of the directive table in the pipelines notes (§4.2).
EVENT = {
    "type": "identify",
    "userId": "u1",
    "traits": {
        "name": "Ada",
        "email": "ada@x.io",
        "age": 36,
        "tags": ["a", "b"],
        "address": {"city": "Paris"},
        "nick": None,
        "empty": "",
        "zero": 0,
    },
}
PRODUCTS = {
    "properties": {
        "products": [{"productId": "123", "price": 0.5}, {"productId": "456", "price": 0.99}],
    }
}


def run(mapping, event=EVENT):
    # Every mapping in these tests must also pass validation: evaluation
    # is only promised for mappings that do.
    assert validate(mapping) == []
    return evaluate(mapping, event)


# @path


def test_it_reads_a_path():
    assert run({"@path": "$.traits.email"}) == "ada@x.io"


def test_it_reads_a_path_without_the_leading_dollar():
    assert run({"@path": "traits.email"}) == "ada@x.io"


def test_it_reads_an_array_position():
    assert run({"@path": "$.traits.tags[1]"}) == "b"


def test_it_reads_a_digit_name_as_an_array_position():
    assert run({"@path": "$.traits.tags.0"}) == "a"


def test_it_reads_a_position_as_an_object_key():
    assert run({"@path": "$.codes[1]"}, {"codes": {"1": "one"}}) == "one"


def test_it_reads_names_with_spaces():
    event = {"integrations": {"Actions Amplitude": {"session_id": "s1"}}}

    assert run({"@path": "$.integrations.Actions Amplitude.session_id"}, event) == "s1"


def test_it_reads_the_whole_event_from_an_empty_path():
    assert run({"@path": ""}) == EVENT
    assert run({"@path": "$."}) == EVENT
    assert run({"@path": "$"}) == EVENT


def test_it_gives_missing_for_a_path_the_event_lacks():
    assert run({"@path": "$.traits.phone"}) is MISSING


def test_it_gives_missing_for_a_position_past_the_end():
    assert run({"@path": "$.traits.tags[2]"}) is MISSING


def test_it_gives_missing_for_a_name_on_an_array():
    assert run({"@path": "$.traits.tags.length"}) is MISSING


def test_it_reads_paths_from_an_event_that_is_not_an_object():
    assert run({"@path": "[1]"}, ["a", "b"]) == "b"
    assert run({"@path": "traits.email"}, "text") is MISSING


# Missing vs null vs empty (§4.4), at the mapping stage


def test_it_gives_missing_when_the_key_is_absent():
    assert run({"Phone": {"@path": "$.traits.phone"}}) == {}


def test_it_keeps_an_explicit_null():
    assert run({"Nick": {"@path": "$.traits.nick"}}) == {"Nick": None}


def test_it_gives_missing_below_a_null_parent():
    # mapping-kit returns the null parent, which could clear a CRM field.
    assert run({"X": {"@path": "$.traits.nick.x"}}) == {}


def test_it_gives_missing_below_a_string_parent():
    assert run({"X": {"@path": "$.traits.name.x"}}) == {}


def test_it_gives_missing_below_a_zero_or_empty_parent():
    # mapping-kit returns the parent itself (0 or ""), which is nonsense.
    assert run({"X": {"@path": "$.traits.zero.x"}, "Y": {"@path": "$.traits.empty.x"}}) == {}


def test_it_keeps_a_raw_null_in_the_mapping():
    assert run({"X": None}) == {"X": None}


def test_it_keeps_an_empty_string_at_the_mapping_stage():
    assert run({"X": {"@path": "$.traits.empty"}}) == {"X": ""}


# Raw values and nesting


def test_it_copies_raw_values():
    assert run("neat") == "neat"
    assert run(42) == 42
    assert run(False) is False
    assert run(["cool"]) == ["cool"]


def test_it_copies_a_plain_object_with_its_members_evaluated():
    mapping = {"action": "create", "userId": {"@path": "$.traits.email"}}

    assert run(mapping) == {"action": "create", "userId": "ada@x.io"}


def test_it_evaluates_directives_nested_in_objects():
    mapping = {"a": {"b": {"c": {"@path": "$.traits.address.city"}, "d": {"@path": "$.nope"}}}}

    assert run(mapping) == {"a": {"b": {"c": "Paris"}}}


def test_it_evaluates_directives_nested_in_arrays():
    mapping = ["x", {"@path": "$.traits.name"}, [{"@case": {"operator": "lower", "value": "Y"}}]]

    assert run(mapping) == ["x", "Ada", ["y"]]


def test_it_puts_null_for_a_missing_item_of_an_array():
    # mapping-kit leaves undefined there, which JSON writes as null.
    assert run(["x", {"@path": "$.nope"}]) == ["x", None]


def test_it_evaluates_directives_nested_in_directives():
    mapping = {
        "@if": {
            "exists": {"@path": "$.traits.address"},
            "then": {"@template": "{{traits.address.city}}!"},
            "else": "none",
        }
    }

    assert run(mapping) == "Paris!"


def test_it_ignores_metadata_beside_a_directive():
    assert run({"@path": "$.traits.name", "_metadata": {"label": "Name"}}) == "Ada"


def test_it_does_not_change_the_mapping():
    mapping = {"a": {"@path": "$.nope"}, "b": [{"@path": "$.traits.name"}]}

    run(mapping)

    assert mapping == {"a": {"@path": "$.nope"}, "b": [{"@path": "$.traits.name"}]}


# @template


def test_it_fills_a_template():
    assert run({"@template": "{{traits.name}} <{{traits.email}}>"}) == "Ada <ada@x.io>"


def test_it_fills_a_missing_placeholder_with_nothing():
    assert run({"@template": "Hi {{traits.phone}}!"}) == "Hi !"


def test_it_fills_a_null_placeholder_with_nothing():
    assert run({"@template": "[{{traits.nick}}]"}) == "[]"


def test_it_reads_triple_braces_like_double_braces():
    assert run({"@template": "{{{traits.name}}} {{traits.name}}"}) == "Ada Ada"


def test_it_does_not_escape_html_in_templates():
    assert run({"@template": "<b>{{a}}</b>"}, {"a": "<i>&</i>"}) == "<b><i>&</i></b>"


def test_it_reads_placeholders_with_a_leading_dollar():
    # mapping-kit looks for a key named "$" and prints nothing.
    assert run({"@template": "{{$.traits.name}}"}) == "Ada"


def test_it_ignores_spaces_inside_placeholders():
    assert run({"@template": "{{ traits.name }}"}) == "Ada"


def test_it_writes_numbers_and_booleans_in_templates_like_json():
    event = {"a": 36, "b": 1.5, "c": True, "d": False, "e": 10.0, "f": 1e-7}

    assert run({"@template": "{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}"}, event) == "36 1.5 true false 10 1e-7"


def test_it_writes_objects_and_arrays_in_templates_as_compact_json():
    # mapping-kit prints [object Object] and a,b.
    assert run({"@template": "{{traits.address}} {{traits.tags}}"}) == '{"city":"Paris"} ["a","b"]'


def test_it_puts_template_values_in_only_once():
    # mapping-kit expands "{{...}}" inside a triple-brace value a second time.
    event = {"a": "{{b}}", "b": "secret"}

    assert run({"@template": "{{{a}}}"}, event) == "{{b}}"


def test_it_gives_an_empty_string_for_an_empty_template():
    assert run({"@template": ""}) == ""


# @literal


def test_it_returns_a_literal_as_it_is():
    assert run({"@literal": "{{x}}"}) == "{{x}}"
    assert run({"@literal": False}) is False
    assert run({"@literal": None}) is None


def test_it_evaluates_directives_inside_a_literal_like_mapping_kit():
    mapping = {"@literal": {"a": {"@path": "$.traits.name"}, "b": {"@path": "$.nope"}}}

    assert run(mapping) == {"a": "Ada"}


# @if


def exists(path, then=MISSING, otherwise=MISSING, test="exists"):
    opts = {test: {"@path": path}}
    if then is not MISSING:
        opts["then"] = then
    if otherwise is not MISSING:
        opts["else"] = otherwise
    return {"@if": opts}


def test_it_takes_else_when_a_path_does_not_exist():
    mapping = exists("$.traits.phone", {"@path": "$.traits.phone"}, {"@path": "$.traits.email"})

    assert run(mapping) == "ada@x.io"


def test_it_takes_then_when_a_path_exists():
    assert run(exists("$.traits.name", "yes", "no")) == "yes"


def test_it_takes_else_when_a_path_is_null():
    assert run(exists("$.traits.nick", "yes", "no")) == "no"


def test_it_counts_an_empty_string_and_zero_as_existing():
    assert run(exists("$.traits.empty", "yes", "no")) == "yes"
    assert run(exists("$.traits.zero", "yes", "no")) == "yes"


def test_it_omits_the_field_when_the_then_branch_is_missing():
    assert run({"Name": exists("$.traits.name", otherwise="x")}) == {}


def test_it_omits_the_field_when_the_else_branch_is_missing():
    assert run({"Phone": exists("$.traits.phone", then="x")}) == {}


def test_it_uses_a_falsy_else():
    # mapping-kit ignores an else of 0, "" or false and omits the field.
    assert run(exists("$.traits.phone", "x", 0)) == 0
    assert run(exists("$.traits.phone", "x", "")) == ""
    assert run(exists("$.traits.phone", "x", False)) is False
    assert run(exists("$.traits.phone", "x", None)) is None


def test_it_reads_a_raw_exists_value():
    assert run({"@if": {"exists": "anything", "then": 1}}) == 1
    assert run({"@if": {"exists": None, "then": 1, "else": 2}}) == 2


def test_it_takes_then_when_a_value_is_not_blank():
    assert run(exists("$.traits.name", 1, 2, test="blank")) == 1


def test_it_counts_missing_null_empty_zero_and_false_as_blank():
    event = {"n": None, "e": "", "z": 0, "f": False, "zf": 0.0}

    for path in ("$.x", "$.n", "$.e", "$.z", "$.f", "$.zf"):
        assert run(exists(path, 1, 2, test="blank"), event) == 2, path


def test_it_counts_arrays_that_print_as_nothing_as_blank():
    # JavaScript's `[] == ''` and `[null] == ''`.
    event = {"a": [], "b": [None, ""], "c": [[]]}

    for path in ("$.a", "$.b", "$.c"):
        assert run(exists(path, 1, 2, test="blank"), event) == 2, path


def test_it_counts_spaces_true_objects_and_nonempty_arrays_as_not_blank():
    event = {"s": " ", "zero": "0", "t": True, "o": {}, "a": [0], "f": [False]}

    for path in ("$.s", "$.zero", "$.t", "$.o", "$.a", "$.f"):
        assert run(exists(path, 1, 2, test="blank"), event) == 1, path


# @case


def test_it_upper_cases():
    assert run({"@case": {"operator": "upper", "value": {"@path": "$.traits.name"}}}) == "ADA"


def test_it_lower_cases():
    assert run({"@case": {"operator": "lower", "value": {"@path": "$.traits.email"}}}) == "ada@x.io"
    assert run({"@case": {"operator": "lower", "value": "MiXeD 190WdB"}}) == "mixed 190wdb"


def test_it_passes_non_strings_through_case():
    for path, expected in (("$.traits.age", 36), ("$.traits.nick", None), ("$.traits.tags", ["a", "b"])):
        assert run({"@case": {"operator": "upper", "value": {"@path": path}}}) == expected


def test_it_gives_missing_when_the_case_value_is_missing():
    assert run({"@case": {"operator": "upper", "value": {"@path": "$.nope"}}}) is MISSING


# @replace


def replace(value, pattern, **opts):
    return {"@replace": {"value": value, "pattern": pattern, **opts}}


def test_it_replaces_text():
    mapping = replace({"@path": "$.traits.email"}, "@", replacement=" at ")

    assert run(mapping) == "ada at x.io"


def test_it_replaces_every_occurrence_by_default():
    assert run(replace("a-b-c", "-")) == "abc"


def test_it_replaces_the_first_occurrence_when_not_global():
    assert run(replace("a-b-c", "-", replacement="+", **{"global": False})) == "a+b-c"


def test_it_replaces_case_sensitively_by_default():
    assert run(replace("Aa", "a", replacement="x")) == "Ax"


def test_it_replaces_ignoring_case():
    assert run(replace("Aa", "a", replacement="x", ignorecase=True)) == "xx"


def test_it_replaces_ignoring_case_only_once_when_not_global():
    assert run(replace("Aa", "a", replacement="x", ignorecase=True, **{"global": False})) == "xa"


def test_it_takes_the_pattern_literally():
    assert run(replace("a.b.c", ".", replacement="*")) == "a*b*c"
    assert run(replace("a.b", "(.)", replacement="x", ignorecase=True)) == "a.b"


def test_it_takes_the_replacement_literally():
    # JavaScript would read "$&" as the match and "$$" as "$".
    assert run(replace("ab", "a", replacement="$&$$\\1", ignorecase=True)) == "$&$$\\1b"
    assert run(replace("ab", "a", replacement="$&")) == "$&b"


def test_it_applies_a_second_pattern_after_the_first():
    mapping = replace("(555) 123-4567", "(", pattern2=")", replacement2="")

    assert run(mapping) == "555 123-4567"


def test_it_replaces_in_numbers_and_booleans_as_text():
    assert run(replace(1.5, ".", replacement=",")) == "1,5"
    assert run(replace(True, "t", replacement="T")) == "True"


def test_it_gives_an_empty_string_when_replacing_in_a_missing_null_or_object_value():
    # mapping-kit's answer; render_fields then leaves such a field out.
    for value in ({"@path": "$.nope"}, None, {"@path": "$.traits.address"}):
        assert run(replace(value, "a")) == ""


# @arrayPath


def test_it_reads_an_array():
    assert run({"@arrayPath": ["$.properties.products"]}, PRODUCTS) == PRODUCTS["properties"]["products"]


def test_it_maps_each_item_of_an_array_with_a_shape():
    mapping = {"@arrayPath": ["$.properties.products", {"sku": {"@path": "$.productId"}, "n": 1}]}

    assert run(mapping, PRODUCTS) == [{"sku": "123", "n": 1}, {"sku": "456", "n": 1}]


def test_it_maps_a_single_object_as_a_list_of_one():
    mapping = {"@arrayPath": ["$.properties", {"sku": {"@path": "$.productId"}}]}

    assert run(mapping, {"properties": {"productId": "9"}}) == [{"sku": "9"}]


def test_it_reads_the_array_from_a_directive():
    mapping = {
        "@arrayPath": [
            {
                "@if": {
                    "exists": {"@path": "$.properties.products"},
                    "then": {"@path": "$.properties.products"},
                }
            },
            {"price": {"@path": "$.price"}},
        ]
    }

    assert run(mapping, PRODUCTS) == [{"price": 0.5}, {"price": 0.99}]


def test_it_maps_items_with_a_directive_shape():
    mapping = {"@arrayPath": ["$.properties.products", {"@path": "$.productId"}]}

    assert run(mapping, PRODUCTS) == ["123", "456"]


def test_it_maps_items_that_are_not_objects():
    mapping = {"@arrayPath": ["$.tags", {"tag": {"@path": ""}, "x": {"@path": "x"}}]}

    assert run(mapping, {"tags": ["a", 1]}) == [{"tag": "a"}, {"tag": 1}]


def test_it_gives_missing_for_a_missing_array():
    assert run({"@arrayPath": ["$.nope", {"a": 1}]}) is MISSING


def test_it_returns_a_value_that_is_not_an_array_as_it_is():
    assert run({"@arrayPath": ["$.traits.name", {"a": 1}]}) == "Ada"


def test_it_ignores_an_empty_shape():
    assert run({"@arrayPath": ["$.traits.tags", {}]}) == ["a", "b"]


# @merge


def test_it_merges_objects_with_later_ones_winning():
    mapping = {
        "@merge": {
            "objects": [{"city": "?", "zip": "?"}, {"@path": "$.traits.address"}],
            "direction": "right",
        }
    }

    assert run(mapping) == {"city": "Paris", "zip": "?"}


def test_it_merges_objects_with_earlier_ones_winning_to_the_left():
    mapping = {
        "@merge": {"objects": [{"city": "?", "zip": "?"}, {"@path": "$.traits.address"}], "direction": "left"}
    }

    assert run(mapping) == {"city": "?", "zip": "?"}


def test_it_merges_to_the_right_by_default():
    assert run({"@merge": {"objects": [{"a": 1}, {"a": 2}]}}) == {"a": 2}


def test_it_merges_only_objects():
    # mapping-kit would spread the characters of "Ada" as keys "0", "1", "2".
    mapping = {"@merge": {"objects": [{"a": 1}, {"@path": "$.traits.name"}, {"@path": "$.nope"}]}}

    assert run(mapping) == {"a": 1}


def test_it_keeps_a_default_that_a_missing_value_would_override():
    mapping = {"@merge": {"objects": [{"city": "?"}, {"city": {"@path": "$.traits.city"}}]}}

    assert run(mapping) == {"city": "?"}


def test_it_lets_a_null_override_in_a_merge():
    mapping = {"@merge": {"objects": [{"nick": "?"}, {"nick": {"@path": "$.traits.nick"}}]}}

    assert run(mapping) == {"nick": None}


def test_it_merges_shallowly():
    mapping = {"@merge": {"objects": [{"a": {"x": 1}}, {"a": {"y": 2}}]}}

    assert run(mapping) == {"a": {"y": 2}}


# @json


def test_it_encodes_json():
    assert run({"@json": {"mode": "encode", "value": {"@path": "$.traits.address"}}}) == '{"city":"Paris"}'


def test_it_encodes_json_like_javascript():
    value = {"a": [1.0, 1.5, None, True], "é": "\n"}

    assert (
        run({"@json": {"mode": "encode", "value": {"@literal": value}}})
        == '{"a":[1,1.5,null,true],"é":"\\n"}'
    )


def test_it_encodes_a_string_as_json():
    assert run({"@json": {"mode": "encode", "value": "hi"}}) == '"hi"'


def test_it_gives_missing_when_encoding_a_missing_value():
    assert run({"@json": {"mode": "encode", "value": {"@path": "$.nope"}}}) is MISSING


def test_it_decodes_json():
    event = {"raw": '{"a": [1, "b"]}'}

    assert run({"@json": {"mode": "decode", "value": {"@path": "$.raw"}}}, event) == {"a": [1, "b"]}


def test_it_keeps_text_that_is_not_json_when_decoding():
    for raw in ("{oops", "NaN", ""):
        assert run({"@json": {"mode": "decode", "value": raw}}) == raw


def test_it_passes_non_text_through_decoding():
    assert run({"@json": {"mode": "decode", "value": {"@path": "$.traits.address"}}}) == {"city": "Paris"}


# @flatten


def test_it_flattens_an_object():
    assert run({"@flatten": {"value": {"a": {"b": 1}}, "separator": "."}}) == {"a.b": 1}


def test_it_flattens_with_a_separator():
    value = {"a": {"b": {"c": 1}, "d": 2}}

    assert run({"@flatten": {"value": value, "separator": "__"}}) == {"a__b__c": 1, "a__d": 2}


def test_it_flattens_arrays_by_position():
    value = {"a": [{"b": 1}, {"c": 2}]}

    assert run({"@flatten": {"value": value, "separator": "."}}) == {"a.0.b": 1, "a.1.c": 2}


def test_it_keeps_arrays_when_asked_to_omit_them():
    value = {"a": {"b": [{"c": 1}]}}

    assert run({"@flatten": {"value": value, "separator": ".", "omitArrays": True}}) == {"a.b": [{"c": 1}]}


def test_it_returns_a_value_that_is_not_an_object_as_it_is_when_flattening():
    # mapping-kit answers {"": value}, and fails on a missing value.
    assert run({"@flatten": {"value": {"@path": "$.traits.name"}, "separator": "."}}) == "Ada"
    assert run({"@flatten": {"value": {"@path": "$.nope"}, "separator": "."}}) is MISSING


# @excludeWhenNull


def test_it_excludes_a_null():
    assert run({"Nick": {"@excludeWhenNull": {"@path": "$.traits.nick"}}}) == {}


def test_it_keeps_a_value_that_is_not_null():
    assert run({"@excludeWhenNull": {"@path": "$.traits.zero"}}) == 0


def test_it_drops_null_members_of_an_object():
    event = {"o": {"a": None, "b": {"c": None, "d": 1}, "e": [None]}}

    assert run({"@excludeWhenNull": {"@path": "$.o"}}, event) == {"b": {"d": 1}, "e": [None]}


# render_fields and the "Values" rules of the catalog


def test_it_renders_fields_leaving_out_missing_ones():
    fields = {"Email": {"@path": "$.traits.email"}, "Phone": {"@path": "$.traits.phone"}}

    assert render_fields(fields, EVENT) == {"Email": "ada@x.io"}


def test_it_renders_fields_keeping_an_explicit_null():
    assert render_fields({"Nickname__c": {"@path": "$.traits.nick"}}, EVENT) == {"Nickname__c": None}


def test_it_renders_fields_leaving_out_empty_strings():
    fields = {"A": {"@path": "$.traits.empty"}, "B": "", "C": {"@template": "{{traits.phone}}"}}

    assert render_fields(fields, EVENT) == {}


def test_it_renders_fields_keeping_zero_false_and_spaces():
    fields = {"A": {"@path": "$.traits.zero"}, "B": False, "C": " "}

    assert render_fields(fields, EVENT) == {"A": 0, "B": False, "C": " "}


def test_it_renders_fields_keeping_objects_and_arrays():
    fields = {"A": {"@path": "$.traits.address"}, "B": {"@path": "$.traits.tags"}}

    assert render_fields(fields, EVENT) == {"A": {"city": "Paris"}, "B": ["a", "b"]}


def test_it_renders_fields_keeping_empty_strings_nested_in_objects():
    # Only a field's own value is tested: Salesforce fields are flat.
    assert render_fields({"A": {"x": ""}}, EVENT) == {"A": {"x": ""}}


# Events nested deeper than the interpreter's recursion limit


def deep_event():
    deep: dict = {"leaf": None}
    for _ in range(5000):
        deep = {"d": deep, "n": None}
    return {"deep": deep, "list": [[[]]] * 2}


def test_it_does_not_fail_on_an_event_nested_too_deeply_to_print():
    event = deep_event()

    assert run({"@template": "<{{deep}}>"}, event) == "<>"
    assert run({"@json": {"mode": "encode", "value": {"@path": "$.deep"}}}, event) is MISSING


def test_it_flattens_an_event_nested_deeply():
    flat = run({"@flatten": {"value": {"@path": "$.deep"}, "separator": "."}}, deep_event())

    assert len(flat) == 5001


def test_it_does_not_fail_excluding_nulls_from_an_event_nested_deeply():
    assert isinstance(run({"@excludeWhenNull": {"@path": "$.deep"}}, deep_event()), dict)


def test_it_does_not_fail_decoding_json_nested_too_deeply():
    raw = "[" * 100_000 + "]" * 100_000

    assert run({"@json": {"mode": "decode", "value": {"@path": "$.raw"}}}, {"raw": raw}) == raw
