"""Paths and templates as text, and values written the way JavaScript writes them."""

import pytest

from actions.mapping import paths, templates
from actions.mapping.values import json_text, number_text, text


def test_it_parses_names_and_positions():
    assert paths.parse("$.traits.tags[1].name") == (
        ("traits", None),
        ("tags", None),
        ("1", 1),
        ("name", None),
    )


def test_it_parses_the_whole_event():
    for path in ("", "$", "$."):
        assert paths.parse(path) == ()


def test_it_parses_a_leading_position():
    assert paths.parse("[0].a") == (("0", 0), ("a", None))
    assert paths.parse("$[0]") == (("0", 0),)


def test_it_parses_consecutive_positions():
    assert paths.parse("a[0][1]") == (("a", None), ("0", 0), ("1", 1))


def test_it_only_strips_a_leading_dollar_dot():
    assert paths.parse("a.$.b") == (("a", None), ("$", None), ("b", None))
    assert paths.parse("$a") == (("$a", None),)


def test_it_keeps_spaces_in_names():
    assert paths.parse("a b. c ") == (("a b", None), (" c ", None))


def test_it_reads_digit_names_without_leading_zeros_as_positions():
    assert paths.parse("a.0.10.01") == (("a", None), ("0", 0), ("10", 10), ("01", None))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("a..b", "it has two dots in a row"),
        ("$..a", "it has two dots in a row"),
        (".a", "it starts with a dot"),
        ("a.", "it ends with a dot"),
        (".", "it starts with a dot"),
        ("a[0", 'a "[" is not closed by "]"'),
        ("a]", 'a "]" has no "[" before it'),
        ("]", 'a "]" has no "[" before it'),
        ("a[]", '"[]" is not a position like [0]'),
        ("a[-1]", '"[-1]" is not a position like [0]'),
        ("a[01]", '"[01]" is not a position like [0]'),
        ("a[b]", '"[b]" is not a position like [0]'),
        ("a.[0]", 'a dot is followed by "[" instead of a name'),
        ("a[0]b", 'a "]" must be followed by ".", "[" or nothing'),
    ],
)
def test_it_says_why_a_path_is_invalid(path, reason):
    assert paths.error(path) == reason


def test_it_writes_paths_canonically():
    assert paths.canonical(paths.parse("$.traits.tags.1")) == "traits.tags[1]"
    assert paths.canonical(paths.parse("[0].a")) == "[0].a"
    assert paths.canonical(paths.parse("$.")) == ""


def test_it_writes_a_first_key_named_dollar_so_that_it_reads_back():
    assert paths.canonical(paths.parse("$.$.a")) == "$.$.a"


def test_it_caches_parsed_paths():
    assert paths.parse("$.traits.cached") is paths.parse("$.traits.cached")


def test_it_caches_parsed_templates():
    assert templates.parse("{{a}} b") is templates.parse("{{a}} b")


def test_it_parses_templates_into_text_and_paths():
    assert templates.parse("Hi {{ a.b }}{{{c}}}!") == ("Hi ", (("a", None), ("b", None)), (("c", None),), "!")


def test_it_reads_a_lone_closing_pair_in_a_template_as_text():
    assert templates.parse("a }} b") == ("a }} b",)


@pytest.mark.parametrize(
    ("number", "written"),
    [
        (1.0, "1"),
        (-0.0, "0"),
        (1.5, "1.5"),
        (100.0, "100"),
        (0.001, "0.001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1.5e16, "15000000000000000"),
        (1e21, "1e+21"),
        (1.25e22, "1.25e+22"),
        (-2.5, "-2.5"),
        (123456789.123, "123456789.123"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (float("nan"), "NaN"),
        (12345678901234567890, "12345678901234567890"),
    ],
)
def test_it_writes_numbers_like_javascript(number, written):
    assert number_text(number) == written


def test_it_writes_json_like_javascript():
    value = {"a": [1.0, None, True, False, "é\n"], "b": {}, "c": float("nan")}

    assert json_text(value) == '{"a":[1,null,true,false,"é\\n"],"b":{},"c":null}'


def test_it_writes_a_value_too_deep_for_json_as_nothing_in_text():
    deep: list = []
    for _ in range(5000):
        deep = [deep]

    assert text(deep) == ""
